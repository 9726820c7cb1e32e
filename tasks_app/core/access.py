from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission

from tasks_app.core.changes import ASSESSMENT, MEMBERSHIP, data_version

APP = "tasks_app"
# How long what is remembered about a user's access is kept at most (its key moves with every change
# of membership, permissions or the plan's data anyway).
ACCESS_SECONDS = 600
_MISSING = object()


def access_version() -> str:
    """What a user's access depends on: who belongs to which group and holds which permission, and
    the plan's data (units, responsibilities, plans) — both counters, read in one query a request."""
    return f"{data_version(MEMBERSHIP)}.{data_version(ASSESSMENT)}"


def remembered(user, what: str, make):
    """``make()`` for this user, kept in the cache until the user's access may have changed. Every
    page asked the database the same things about its user — permissions, governments, the tasks
    it may see — each request."""
    if connection.in_atomic_block:
        # Inside a transaction its own writes are not counted yet (the counters move on commit):
        # what it asks is read afresh.
        return make()
    key = f"cbec:access:{what}:{user.pk}:{int(user.is_active)}{int(user.is_superuser)}:{access_version()}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = make()
        cache.set(key, value, ACCESS_SECONDS)
    return value


def perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=APP, codename=codename)


def sync_rows(content_type, object_pks: list[str], wanted: set[tuple[int, int, str]], codenames: list[str]) -> None:
    """Make the (group id, permission id, object pk) rows for these objects and permissions exactly
    ``wanted``: add what is missing, delete what is not wanted, in two or three queries."""
    permission_ids = {p.pk for p in Permission.objects.filter(content_type=content_type, codename__in=codenames)}
    existing_rows = GroupObjectPermission.objects.filter(
        content_type=content_type, object_pk__in=object_pks, permission_id__in=permission_ids
    )
    existing = {(row.group_id, row.permission_id, row.object_pk): row.pk for row in existing_rows}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        GroupObjectPermission.objects.filter(pk__in=stale).delete()
    missing = [key for key in wanted if key not in existing]
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(group_id=g, permission_id=p, content_type=content_type, object_pk=o)
            for g, p, o in missing
        ]
    )


def has_global(user, codename: str) -> bool:
    return user.is_active and user.has_perm(f"{APP}.{codename}")


def has_object_perm(user, codename: str, obj) -> bool:
    """Object permission through one guardian checker per user object (i.e. per request), which
    fetches an object's permissions once and answers every later question from its cache."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    checker = getattr(user, "_cbec_permission_checker", None)
    if checker is None:
        checker = user._cbec_permission_checker = ObjectPermissionChecker(user)
    return checker.has_perm(codename, obj)
