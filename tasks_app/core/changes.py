"""Change counters: every committed write to the plan's data moves a counter, which is part of the
cache key of results computed from that data (the assessment). One indexed read tells whether a
cached result still holds — in every web process and worker at once, since the counter lives in
the database, not in a process's memory.

Saves and deletes of the tasks_app and departments models move the counter through signals, after
the transaction commits; bulk writes that bypass signals (the benchmark's load generator) call
``counter_bump`` themselves. Reminders, notifications, deliveries and exports do not count: the
assessment does not read them.

A second counter, ``MEMBERSHIP``, moves when who belongs where or may do what changes: a user's
groups, a group's or user's permissions, the per-object permission rows, an account saved (not a
mere sign-in). With the first it keys what is remembered about a user's access
(``tasks_app.core.access.remembered``). Per-object rows written in bulk bypass the signals; they are
written by services that also save a counted model, which moves the first counter.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

ASSESSMENT = "assessment"
MEMBERSHIP = "membership"
APPS = {"tasks_app", "departments"}
# The province figures are a count of the data, not data: keeping them must not put them behind.
NOT_COUNTED = {"reminder", "notification", "delivery", "exportjob", "changecounter", "provincefigures"}


class _CounterMove:
    """The callback that moves a counter on commit, one of a batch: the first of the batch to run
    moves the counter, the others find it moved."""

    def __init__(self, name: str, batch: dict):
        self.name, self.batch = name, batch

    def __call__(self) -> None:
        if not self.batch["moved"]:
            counter_bump(self.name)
            self.batch["moved"] = True


def data_changed(name: str = ASSESSMENT) -> None:
    """Move the counter after the current transaction commits (at once outside one) — once per
    commit: an import that saves a thousand rows moves it once, not a thousand times.

    Each write still registers its own callback, so a savepoint rolled back (which drops the
    callbacks registered inside it) never takes another write's move with it; the callbacks of a
    transaction share a batch, and whichever of them survives to run first moves the counter."""
    connection = transaction.get_connection()
    batch = None
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, _CounterMove) and callback.name == name and not callback.batch["moved"]:
                batch = callback.batch
                break
    transaction.on_commit(_CounterMove(name, batch or {"moved": False}))


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
            # Every counter in the one read: a page that asks for two (its data and its user's
            # access) pays one query.
            read.update(ChangeCounter.objects.values_list("name", "value"))
            read.setdefault(name, 0)
        return read[name]
    return ChangeCounter.objects.filter(name=name).values_list("value", flat=True).first() or 0


def _on_write(sender, **kwargs) -> None:
    if sender.__module__ == "__fake__" or kwargs.get("raw"):
        return  # a migration's historical model, or fixture loading: the table may not exist yet
    meta = sender._meta
    if meta.app_label in APPS and meta.model_name not in NOT_COUNTED and not meta.model_name.startswith("historical"):
        data_changed()


def _on_membership(sender, **kwargs) -> None:
    if kwargs.get("raw") or not kwargs.get("action", "post_").startswith("post_"):
        return  # fixture loading; the pre_ half of a many-to-many change
    data_changed(MEMBERSHIP)


def _on_account_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nobody's access
    _on_membership(sender, **kwargs)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from guardian.models import GroupObjectPermission, UserObjectPermission

    post_save.connect(_on_write, dispatch_uid="cbec-data-changed-save")
    post_delete.connect(_on_write, dispatch_uid="cbec-data-changed-delete")
    user_model = get_user_model()
    throughs = (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through)
    for through in throughs:
        m2m_changed.connect(_on_membership, sender=through, dispatch_uid=f"cbec-membership-{through._meta.label}")
    # ... and their rows written directly (a stand-in's temporary groups: accounts.services); rows
    # created in bulk there move the counter themselves.
    for model in (*throughs, Group, Permission, GroupObjectPermission, UserObjectPermission):
        post_save.connect(_on_membership, sender=model, dispatch_uid=f"cbec-membership-save-{model._meta.label}")
        post_delete.connect(_on_membership, sender=model, dispatch_uid=f"cbec-membership-delete-{model._meta.label}")
    post_save.connect(_on_account_saved, sender=user_model, dispatch_uid="cbec-membership-account-saved")
    post_delete.connect(_on_membership, sender=user_model, dispatch_uid="cbec-membership-account-deleted")
