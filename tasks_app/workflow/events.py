"""Domain events of the workflow: each step announces itself once, inside the transaction that made
it, so that a higher concern (reminders) tells the people involved. The workflow does not know who
they are or how they hear of it (docs/architecture.md: a lower concern announces, a higher one listens).

``key`` names the step exactly once (the milestone's version after the step, a request's id): the
same step retried or raced produces the same key, and the listener records it once."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with: event (code), task, milestone (or None), by (the actor), key, note, and per event:
# department (the department the event is about), departments (several: lead change, mentions),
# district (a district confirmation).
workflow_event = Signal()

EVENTS = (
    "assigned",
    "started",
    "submitted",
    "approved",
    "returned",
    "extension_requested",
    "extension_granted",
    "extension_refused",
    "lead_changed",
    "confirmation_rejected",
    "commented",
)


def emit(event: str, *, task, by, key, milestone=None, note: str = "", **extra) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown workflow event {event!r}")
    workflow_event.send(
        sender=event, event=event, task=task, milestone=milestone, by=by, key=str(key), note=note, **extra
    )
