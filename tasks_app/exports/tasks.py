from __future__ import annotations

from celery import shared_task


@shared_task(name="tasks_app.tasks.run_export")
def run_export(job_id: int) -> dict:
    """A large export, made in the background; the owner gets a notification when it is ready."""
    from tasks_app.exports.services import export_job_run

    job = export_job_run(job_id)
    return {"job": job_id, "status": job.status if job else "already taken"}


@shared_task(name="tasks_app.tasks.run_queued_exports")
def run_queued_exports() -> dict:
    """Exports left queued while the broker was away (every 15 minutes)."""
    from tasks_app.exports.services import export_jobs_queued_run

    return {"ran": export_jobs_queued_run()}


@shared_task(name="tasks_app.tasks.run_import")
def run_import(job_id: int) -> dict:
    """A large sheet (milestones, figures) applied in the background, all or nothing."""
    from tasks_app.exports.imports import import_job_run

    job = import_job_run(job_id)
    return {"job": job_id, "status": job.status if job else "already taken"}
