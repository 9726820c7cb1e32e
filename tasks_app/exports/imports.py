"""Spreadsheets coming in: upload → a preview of every row → confirm, all or nothing.

The frame is here; what a sheet means is said by the concern that owns its data, which registers an
:class:`Importer` (``workflow.milestone_sheet`` for milestones, ``assessment.figure_sheet`` for
figures). An importer names its columns, checks the rows — every problem with its row number,
column and a plain message, in the reader's language — and applies them through its services.

- **Preview** (``import_check``): read and check, write nothing. Every row says what will happen
  (new / changed / unchanged).
- **Confirm** (``import_apply``): check again (the data may have moved since the preview) and apply
  inside one transaction: with any error nothing is written. A re-upload of the same sheet finds
  every row unchanged and writes nothing.
- A sheet of more than ``CBEC_IMPORT_INLINE_ROWS`` rows is applied by a worker
  (``tasks_app.tasks.run_import``) with progress on the import's page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from zipfile import BadZipFile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tasks_app.core.dispatch import enqueue
from tasks_app.core.errors import DomainError
from tasks_app.core.text import text_clean
from tasks_app.exports.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 500
MAX_ROWS = 50_000
PREVIEW_ROWS_KEPT = 500  # rows of the preview stored with the job (the counts cover all of them)


@dataclass
class ImportColumn:
    key: str
    header: str  # lazy translation: matched in every language
    required: bool = False


@dataclass
class RowAction:
    """What one row of the sheet will do: ``action`` is new, changed or unchanged."""

    row: int
    action: str
    summary: str
    payload: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "rows": self.rows[:PREVIEW_ROWS_KEPT],
        }


class RowProblems:
    """Collects problems: ``add(row, column, message)``."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append({"row": row, "column": str(column), "message": str(message)})


class Importer:
    """What a kind of sheet means. Subclasses set ``kind``, ``label`` and ``columns`` and write
    ``may_import``, ``check`` and ``apply_row``."""

    kind = ""
    label = ""
    columns: list[ImportColumn] = []

    def may_import(self, user) -> bool:
        raise NotImplementedError

    def check(self, user, rows: list[tuple[int, dict]], problems: RowProblems) -> list[RowAction]:
        raise NotImplementedError

    def apply_row(self, user, action: RowAction) -> None:
        raise NotImplementedError

    def template(self, user, params):
        """The sheet to fill in (an ``exports.sheets.Sheet``); raises ValidationError for bad params."""
        raise NotImplementedError


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


class SheetUnreadable(ValidationError):
    pass


# --- reading ------------------------------------------------------------------------------------


def _headers_in_every_language(column: ImportColumn) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(column.header).strip())
    return names


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as 2026-11-24, no control characters."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = text_clean(str(value)).strip()
    if text.startswith("'") and len(text) > 1 and text[1] in "=+-@":
        text = text[1:]  # the apostrophe our exports put before a formula start
    return text


def read_rows(importer: Importer, upload) -> list[tuple[int, dict]]:
    """The rows of the sheet as (row number in the sheet, {column key: raw value}). The header row
    is found by its names (a title row above it is skipped); rows with nothing in them are left out."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as error:
        raise SheetUnreadable({"file": _("The file is not an Excel workbook (.xlsx).")}) from error
    try:
        sheet = workbook.worksheets[0]
        wanted = {column.key: _headers_in_every_language(column) for column in importer.columns}
        positions: dict[str, int] | None = None
        rows: list[tuple[int, dict]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if positions is None:
                found = {}
                for index, value in enumerate(values):
                    text = cell_text(value)
                    for key, names in wanted.items():
                        if text in names and key not in found:
                            found[key] = index
                if all(column.key in found for column in importer.columns if column.required):
                    positions = found
                elif number >= 20:
                    break
                continue
            record = {key: (values[index] if index < len(values) else None) for key, index in positions.items()}
            if all(cell_text(value) == "" for value in record.values()):
                continue
            rows.append((number, record))
            if len(rows) > MAX_ROWS:
                raise SheetUnreadable({"file": _("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS}})
    finally:
        workbook.close()
    if positions is None:
        missing = ", ".join(str(column.header) for column in importer.columns if column.required)
        raise SheetUnreadable(
            {"file": _("No header row found: the sheet needs the columns %(columns)s.") % {"columns": missing}}
        )
    return rows


# --- checking and applying ----------------------------------------------------------------------


def _counted(actions: Iterable[RowAction], result: ImportResult) -> None:
    for action in actions:
        if action.action == "new":
            result.created += 1
        elif action.action == "changed":
            result.updated += 1
        else:
            result.unchanged += 1
        result.rows.append({"row": action.row, "action": action.action, "summary": action.summary})


def import_check(importer: Importer, user, rows: list[tuple[int, dict]]) -> tuple[ImportResult, list[RowAction]]:
    """What the rows would do, and every problem; nothing is written."""
    problems = RowProblems()
    actions = importer.check(user, rows, problems)
    result = ImportResult(errors=sorted(problems.items, key=lambda e: (e["row"], e["column"])))
    _counted(actions, result)
    result.rows.sort(key=lambda row: row["action"] == "unchanged")  # what changes first
    return result, actions


def import_apply(importer: Importer, user, rows: list[tuple[int, dict]], *, progress=None) -> ImportResult:
    """Check and apply in one transaction: with any error (found now or raised by a service while
    applying) nothing is written and the result lists the errors."""
    with transaction.atomic():
        result, actions = import_check(importer, user, rows)
        if result.errors:
            return result
        try:
            for done, action in enumerate(actions, start=1):
                if action.action != "unchanged":
                    importer.apply_row(user, action)
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done)
        except (ValidationError, DomainError) as error:
            transaction.set_rollback(True)
            messages = getattr(error, "message_dict", None) or {
                "": [str(m) for m in getattr(error, "messages", [error])]
            }
            for column, texts in messages.items():
                for text in texts:
                    result.errors.append({"row": action.row, "column": column, "message": str(text)})
            result.created = result.updated = 0
            return result
    return result


# --- jobs (the pages and the API) ---------------------------------------------------------------


def import_job_create(*, importer: Importer, user, upload) -> ImportJob:
    """Store the upload and its preview. Raises SheetUnreadable for a file that is not a sheet."""
    rows = read_rows(importer, upload)
    upload.seek(0)
    result, _actions = import_check(importer, user, rows)
    job = ImportJob(
        requested_by=user,
        kind=importer.kind,
        filename=str(getattr(upload, "name", "") or "")[:200],
        rows_total=len(rows),
        result=result.as_dict(),
    )
    job.file.save(f"{importer.kind}.xlsx", upload, save=False)
    job.save()
    return job


def import_job_confirm(job: ImportJob, user) -> ImportJob:
    """Apply a previewed import: now, or through a worker for a large sheet."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(status=ImportStatus.QUEUED)
    if not claimed:
        job.refresh_from_db()
        return job
    if job.rows_total > settings.CBEC_IMPORT_INLINE_ROWS:
        transaction.on_commit(lambda: enqueue("tasks_app.tasks.run_import", job.pk))
        job.refresh_from_db()
        return job
    return import_job_run(job.pk) or job


def import_job_run(job_id: int) -> ImportJob | None:
    """Apply a queued import (safe to call twice: only the call that claims it works)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING)
    if not claimed:
        return None
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    importer = IMPORTERS[job.kind]
    try:
        with job.file.open("rb") as handle:
            rows = read_rows(importer, handle)

        def progress(done):
            ImportJob.objects.filter(pk=job_id).update(rows_done=done)

        result = import_apply(importer, job.requested_by, rows, progress=progress)
        job.result = result.as_dict()
        job.status = ImportStatus.FAILED if result.errors else ImportStatus.DONE
    except SheetUnreadable as error:
        job.result = {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "errors": [{"row": 0, "column": "file", "message": str(m)} for m in error.messages],
        }
        job.status = ImportStatus.FAILED
    except Exception:  # nothing stays "running"
        logger.exception("import %s failed", job_id)
        job.result = {**job.result, "errors": [{"row": 0, "column": "", "message": _("The import failed.")}]}
        job.status = ImportStatus.FAILED
    job.rows_done = job.rows_total if job.status == ImportStatus.DONE else job.rows_done
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "rows_done", "finished_at"])
    return job
