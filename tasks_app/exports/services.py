"""Exports of long tables (CSV, XLSX) that stream: rows are read from the database in chunks and
written out as they come, so a board of a hundred thousand rows costs the memory of one chunk.

CSV goes to the client row by row (with a byte-order mark, so that Excel reads the Chinese right).
XLSX is a zip that can only be finished at the end: openpyxl's write-only workbook writes rows to
a temporary file, which is then sent in blocks and removed. Beyond ``CBEC_EXPORT_INLINE_ROWS``
rows an export is not made while the user waits: a worker makes it (``export_job_run``), shows its
progress on the exports page and notifies its owner when the file is ready.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.dispatch import Signal
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook

from tasks_app.core.dispatch import enqueue
from tasks_app.exports.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Sent with ``job`` when an export is ready or has failed: the notifications (a higher concern)
# tell its owner.
export_finished = Signal()

PROGRESS_EVERY = 5000  # rows between two progress writes of a background export


class _Echo:
    """A file-like object whose write() hands back what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterable[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(headers).encode("utf-8")
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row]).encode("utf-8")


def _xlsx_cell(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; values come in local time
    return value


def write_export(output, fmt: str, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write ``rows`` under ``headers`` to the binary file ``output`` as CSV or XLSX."""
    if fmt == "csv":
        for line in _csv_lines(headers, rows):
            output.write(line)
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    workbook.save(output)


def streamed_export(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A response that sends ``rows`` under ``headers`` as ``filename``.csv or .xlsx."""
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(headers, rows), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes (and so removes) it
    write_export(output, fmt, filename, headers, rows)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES["xlsx"])


# --- in the background --------------------------------------------------------------------------

# What each exportable board is made of: a function (user, params) → (table rows count, headers,
# rows). Registered by the view module that owns the board, so the file is built exactly as the page.
BOARDS: dict[str, Callable] = {}


def export_job_start(*, user, board: str, fmt: str, params: dict) -> ExportJob:
    """Record an export to be made by a worker, and ask for one once the record is committed."""
    job = ExportJob.objects.create(requested_by=user, board=board, format=fmt, params=params)
    transaction.on_commit(lambda: enqueue("tasks_app.tasks.run_export", job.pk))
    return job


def _counting(job_id: int, rows: Iterable[Sequence]) -> Iterable[Sequence]:
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)
        yield row


def export_job_run(job_id: int) -> ExportJob | None:
    """Make the file of a queued export and notify its owner (also when it fails). Safe to call
    twice: only the call that moves the job from queued to running does the work."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING)
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    job.filename = f"{job.board}-{timezone.localdate():%Y%m%d}.{job.format}"
    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            _export_job_write(job)
        job.status, job.rows_done = ExportStatus.DONE, job.rows_total
    except Exception as error:  # the owner hears of a failure too; nothing stays "running"
        logger.exception("export %s failed", job_id)
        job.status, job.error = ExportStatus.FAILED, str(error)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows_done", "file", "filename", "error", "finished_at"])
    export_finished.send(sender=ExportJob, job=job)
    return job


def _export_job_write(job: ExportJob) -> None:
    total, name, headers, rows = BOARDS[job.board](job.requested_by, job.params)
    job.rows_total = total
    job.save(update_fields=["rows_total", "filename"])
    with tempfile.TemporaryFile() as output:
        write_export(output, job.format, name, headers, _counting(job.pk, rows))
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)


def export_jobs_queued_run() -> int:
    """Run exports left queued (a broker that was away); returns how many ran."""
    ran = 0
    for job_id in ExportJob.objects.filter(status=ExportStatus.QUEUED).values_list("pk", flat=True):
        ran += export_job_run(job_id) is not None
    return ran
