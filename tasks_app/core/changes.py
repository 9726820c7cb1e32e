"""Change counters: every committed write to the plan's data moves a counter, which is part of the
cache key of results computed from that data (the assessment). One indexed read tells whether a
cached result still holds — in every web process and worker at once, since the counter lives in
the database, not in a process's memory.

Saves and deletes of the tasks_app and departments models move the counter through signals, after
the transaction commits; bulk writes that bypass signals (the benchmark's load generator) call
``counter_bump`` themselves. Reminders, notifications, deliveries and exports do not count: the
assessment does not read them.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

ASSESSMENT = "assessment"
APPS = {"tasks_app", "departments"}
# The province figures are a count of the data, not data: keeping them must not put them behind.
NOT_COUNTED = {"reminder", "notification", "delivery", "exportjob", "changecounter", "provincefigures"}


def data_changed(name: str = ASSESSMENT) -> None:
    """Move the counter (after the current transaction commits, if any)."""
    transaction.on_commit(lambda: counter_bump(name))


# The counters read while one request is answered (``data_version_memo_start``): a page asks for the
# same counter for each count it shows, and one read answers them all. A write of the request itself
# moves the counter and forgets what was read.
_read_this_request: ContextVar[dict | None] = ContextVar("cbec_data_versions", default=None)


def data_version_memo_start():
    """Remember the counters read from now until ``data_version_memo_end(token)`` (one request)."""
    return _read_this_request.set({})


def data_version_memo_end(token) -> None:
    _read_this_request.reset(token)


def counter_bump(name: str = ASSESSMENT) -> None:
    """Move the counter now (for writes that are already committed)."""
    from tasks_app.core.models import ChangeCounter

    read = _read_this_request.get()
    if read is not None:
        read.pop(name, None)
    if not ChangeCounter.objects.filter(name=name).update(value=F("value") + 1):
        ChangeCounter.objects.get_or_create(name=name)
        ChangeCounter.objects.filter(name=name).update(value=F("value") + 1)


def data_version(name: str = ASSESSMENT) -> int:
    from tasks_app.core.models import ChangeCounter

    read = _read_this_request.get()
    if read is not None:
        if name not in read:
            read[name] = ChangeCounter.objects.filter(name=name).values_list("value", flat=True).first() or 0
        return read[name]
    return ChangeCounter.objects.filter(name=name).values_list("value", flat=True).first() or 0


def _on_write(sender, **kwargs) -> None:
    if sender.__module__ == "__fake__" or kwargs.get("raw"):
        return  # a migration's historical model, or fixture loading: the table may not exist yet
    meta = sender._meta
    if meta.app_label in APPS and meta.model_name not in NOT_COUNTED and not meta.model_name.startswith("historical"):
        data_changed()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="cbec-data-changed-save")
    post_delete.connect(_on_write, dispatch_uid="cbec-data-changed-delete")
