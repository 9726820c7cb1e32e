"""Celery finds an app's tasks in ``<app>.tasks``: the thin entry points live with their concern."""

from tasks_app.dashboards.tasks import refresh_province_figures  # noqa: F401
from tasks_app.exports.tasks import run_export, run_import, run_queued_exports  # noqa: F401
from tasks_app.reminders.tasks import catch_up_reminders, deliver_reminders, scan_reminders  # noqa: F401
