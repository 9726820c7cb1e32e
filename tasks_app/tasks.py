"""Celery tasks: thin — they take plain values and call the reminder services."""

import datetime as dt

from celery import shared_task

from . import reminders


@shared_task(name="tasks_app.tasks.scan_reminders")
def scan_reminders(as_of: str | None = None) -> dict:
    """The daily scan; `as_of` (YYYY-MM-DD) replays a given day. Repeating it sends nothing twice."""
    result = reminders.reminders_scan(as_of=dt.date.fromisoformat(as_of) if as_of else None)
    return {"as_of": str(result.as_of), "created": result.created, "sent": result.sent, "failed": result.failed}


@shared_task(name="tasks_app.tasks.deliver_reminders")
def deliver_reminders() -> dict:
    sent, failed = reminders.deliver_pending()
    return {"sent": sent, "failed": failed}


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
