"""Celery tasks: thin — they take plain values and call the reminder services."""

import datetime as dt

from celery import shared_task

from . import reminders


@shared_task(name="tasks_app.tasks.scan_reminders")
def scan_reminders(as_of: str | None = None) -> dict:
    """The daily scan; `as_of` (YYYY-MM-DD) replays a given day. Repeating it sends nothing twice."""
    result = reminders.reminders_scan(as_of=dt.date.fromisoformat(as_of) if as_of else None)
    _deliver_the_rest(result.sent, result.failed)
    return {"as_of": str(result.as_of), "created": result.created, "sent": result.sent, "failed": result.failed}


@shared_task(name="tasks_app.tasks.deliver_reminders")
def deliver_reminders() -> dict:
    sent, failed = reminders.deliver_pending()
    _deliver_the_rest(sent, failed)
    return {"sent": sent, "failed": failed}


def _deliver_the_rest(sent: int, failed: int) -> None:
    """A full batch went out: more may wait (a national scan opens a million deliveries), so a fresh
    task takes the next batch — not one batch a day. A batch that sent nothing (the mail server is
    down) stops the chain; the next scan tries again."""
    if sent and sent + failed >= reminders.DELIVERY_BATCH:
        reminders.enqueue_delivery()


@shared_task(name="tasks_app.tasks.run_export")
def run_export(job_id: int) -> dict:
    """A large export, made in the background; the owner gets a notification when it is ready."""
    from .exports import export_job_run

    job = export_job_run(job_id)
    return {"job": job_id, "status": job.status if job else "already taken"}


@shared_task(name="tasks_app.tasks.run_queued_exports")
def run_queued_exports() -> dict:
    """Exports left queued while the broker was away (every 15 minutes)."""
    from .exports import export_jobs_queued_run

    return {"ran": export_jobs_queued_run()}
