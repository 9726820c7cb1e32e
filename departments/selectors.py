"""Reads about governments: which governments an account belongs to (through its groups)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from departments.models import Department, District, Government, GovernmentLevel

_UNSET = object()
GOVERNMENT_COUNT_KEY = "cbec:government-count"


def government_count() -> int:
    """How many governments the site has, from the cache (cleared whenever one is saved or deleted),
    so that a single-government site pays no query for the separation of governments."""
    count = cache.get(GOVERNMENT_COUNT_KEY)
    if count is None:
        count = Government.objects.count()
        cache.set(GOVERNMENT_COUNT_KEY, count, None)
    return count


@receiver(post_save, sender=Government, dispatch_uid="government-count-saved")
@receiver(post_delete, sender=Government, dispatch_uid="government-count-deleted")
def _forget_government_count(**kwargs) -> None:
    cache.delete(GOVERNMENT_COUNT_KEY)
    transaction.on_commit(lambda: cache.delete(GOVERNMENT_COUNT_KEY))


def user_government_ids(user) -> frozenset[int] | None:
    """The governments whose plans and units the account may see, or ``None`` for no limit.

    An account belongs to the government of each of its departments, districts and office groups.
    No limit for an administrator, a member of the province (it oversees every city), and on a site
    with a single government (nothing to separate, so the queries stay as they were). One query,
    remembered on the user object (for the request) and between requests until the user's access
    may have changed."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_cbec_government_ids", _UNSET)
    if cached is not _UNSET:
        return cached
    result: frozenset[int] | None
    if user.is_superuser or government_count() <= 1:
        result = None
    else:
        result = _remembered(user, "governments", lambda: _government_ids_read(user))
    user._cbec_government_ids = result
    return result


def _remembered(user, what, make):
    # The tracker's per-user memory of access (kept until memberships or the data change); imported
    # here, not at the top: the units' own modules know nothing of the tracker.
    from tasks_app.core.access import remembered

    return remembered(user, what, make)


def _government_ids_read(user) -> frozenset[int] | None:
    """The query behind ``user_government_ids`` (one, whatever the number of governments)."""
    rows = list(
        Government.objects.annotate(
            by_department=Exists(Department.objects.filter(government=OuterRef("pk"), group__user=user)),
            by_district=Exists(District.objects.filter(government=OuterRef("pk"), group__user=user)),
            by_office=Exists(
                Group.objects.filter(
                    user=user, pk__in=[OuterRef("supervision_group_id"), OuterRef("leadership_group_id")]
                )
            ),
        ).values_list("pk", "level", "by_department", "by_district", "by_office")
    )
    mine = [(pk, level) for pk, level, *member in rows if any(member)]
    if len(rows) <= 1 or any(level == GovernmentLevel.PROVINCE for _, level in mine):
        return None
    return frozenset(pk for pk, _ in mine)


def user_government(user) -> Government | None:
    """The account's own government (the first it belongs to), if any: the one whose current plan
    it sees by default."""
    ids = user_government_ids(user)
    if ids:
        return Government.objects.filter(pk__in=ids).order_by("pk").first()
    return None
