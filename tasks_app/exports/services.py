"""Exports of long tables (CSV, XLSX), all written by the one export layer ``exports.sheets``:
rows are read from the database in chunks and written out as they come. Beyond ``CBEC_EXPORT_INLINE_ROWS``
rows an export is not made while the user waits: a worker makes it (``export_job_run``), shows its
progress on the exports page and notifies its owner when the file is ready.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.dispatch import Signal
from django.urls import get_resolver
from django.utils import timezone, translation

from tasks_app.core.dispatch import enqueue
from tasks_app.exports.models import ExportJob, ExportStatus
from tasks_app.exports.sheets import CONTENT_TYPES, FORMATS, Sheet, filename_for, sheet_response, write_sheet

__all__ = ["CONTENT_TYPES", "FORMATS", "Sheet", "streamed_export", "write_export"]

logger = logging.getLogger(__name__)

# Sent with ``job`` when an export is ready or has failed: the notifications (a higher concern)
# tell its owner.
export_finished = Signal()

PROGRESS_EVERY = 5000  # rows between two progress writes of a background export


def write_export(output, fmt: str, spec: Sheet) -> None:
    """Write the table ``spec`` to the binary file ``output`` (see ``sheets``)."""
    write_sheet(output, fmt, spec)


def streamed_export(fmt: str, spec: Sheet):
    """A response that sends the table ``spec`` as CSV or XLSX (see ``sheets``)."""
    return sheet_response(fmt, spec)


# --- in the background --------------------------------------------------------------------------

# What each exportable board is made of: a function (user, params) → (rows count, Sheet).
# Registered by the page module that owns the board, so the file is built exactly as the page.
BOARDS: dict[str, Callable] = {}


def _board(name: str) -> Callable:
    if name not in BOARDS:
        get_resolver().url_patterns  # noqa: B018 - loads the page modules, which register their boards
    return BOARDS[name]


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
    job.filename = f"{job.board}_{timezone.localdate():%Y-%m-%d}.{job.format}"
    total, spec = _board(job.board)(job.requested_by, job.params)
    job.filename = filename_for(spec.name, job.format)
    job.rows_total = total
    job.save(update_fields=["rows_total", "filename"])
    spec.rows = _counting(job.pk, spec.rows)
    with tempfile.TemporaryFile() as output:
        write_sheet(output, job.format, spec)
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)


def export_jobs_queued_run() -> int:
    """Run exports left queued (a broker that was away); returns how many ran."""
    ran = 0
    for job_id in ExportJob.objects.filter(status=ExportStatus.QUEUED).values_list("pk", flat=True):
        ran += export_job_run(job_id) is not None
    return ran
