from __future__ import annotations

import datetime as dt

from celery import shared_task

from tasks_app.reminders import delivery
from tasks_app.reminders.services import enqueue_delivery, reminders_catch_up, reminders_scan


@shared_task(name="tasks_app.tasks.scan_reminders")
def scan_reminders(as_of: str | None = None) -> dict:
    """The daily scan; `as_of` (YYYY-MM-DD) replays a given day. Repeating it sends nothing twice."""
    result = reminders_scan(as_of=dt.date.fromisoformat(as_of) if as_of else None)
    _deliver_the_rest(result.sent, result.failed)
    return {"as_of": str(result.as_of), "created": result.created, "sent": result.sent, "failed": result.failed}


@shared_task(name="tasks_app.tasks.deliver_reminders")
def deliver_reminders() -> dict:
    sent, failed = delivery.deliver_pending()
    _deliver_the_rest(sent, failed)
    return {"sent": sent, "failed": failed}


@shared_task(name="tasks_app.tasks.catch_up_reminders")
def catch_up_reminders() -> dict:
    """Every half hour: today's scan again if it has not finished (its worker was killed, its
    message lost in the broker) — the scan is idempotent, so a copy costs only its reads."""
    ran = reminders_catch_up()
    return {"ran": str(ran) if ran else None}


def _deliver_the_rest(sent: int, failed: int) -> None:
    """A full batch went out: more may wait (a national scan opens a million deliveries), so a fresh
    task takes the next batch — not one batch a day. A batch that sent nothing (the mail server is
    down) stops the chain; the next beat tries again."""
    if sent and sent + failed >= delivery.delivery_batch():
        enqueue_delivery()
