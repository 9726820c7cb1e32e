from __future__ import annotations

from celery import shared_task

from tasks_app.dashboards.province import province_figures_refresh


@shared_task(name="tasks_app.tasks.refresh_province_figures")
def refresh_province_figures() -> dict:
    """Count the province view's tallies again (a page found them behind the data)."""
    figures = province_figures_refresh()
    return {"computed_at": figures.computed_at.isoformat(), "seconds": figures.seconds}
