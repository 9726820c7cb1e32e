"""Reads about accounts: profiles, notification preferences, sessions and tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from departments.roles import DEPARTMENT_GROUP_PREFIX, DISTRICT_GROUP_PREFIX, LEADERSHIP_GROUP, SUPERVISION_GROUP

from .models import (
    CHANNEL_FIELDS,
    Channel,
    Delivery,
    MembershipChange,
    Profile,
    StandIn,
    TemporaryMembership,
    UserSession,
)

# Offices that read a daily digest by e-mail unless they choose otherwise (PRODUCT.md: they receive
# every overdue reminder; one e-mail a day instead of dozens).
DIGEST_BY_DEFAULT_GROUPS = (SUPERVISION_GROUP, LEADERSHIP_GROUP)


def _channel(channel) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        raise ValueError(f"unknown notification channel {channel!r}; one of {', '.join(Channel.values)}") from None


def _office_member_ids(user_ids) -> set[int]:
    return set(
        get_user_model()
        .objects.filter(pk__in=user_ids, groups__name__in=DIGEST_BY_DEFAULT_GROUPS)
        .values_list("pk", flat=True)
    )


def default_preference(user, channel) -> str:
    """The role's default: the supervision office and leadership get a daily e-mail digest,
    everyone else everything immediately."""
    channel = _channel(channel)
    if channel == Channel.EMAIL and user.groups.filter(name__in=DIGEST_BY_DEFAULT_GROUPS).exists():
        return Delivery.DAILY
    return Delivery.IMMEDIATE


def channel_preference(user, channel) -> str:
    """How ``user`` wants to be told through ``channel`` ("email", "wecom", "dingtalk", "in_app"):
    "immediate", "daily" (digest) or "off" — their own choice, or their role's default."""
    channel = _channel(channel)
    stored = Profile.objects.filter(user=user).values_list(CHANNEL_FIELDS[channel], flat=True).first()
    return stored or default_preference(user, channel)


def channel_preferences(user_ids, channel) -> dict[int, str]:
    """``channel_preference`` for many accounts in two queries: {user id: preference}."""
    channel = _channel(channel)
    user_ids = list(user_ids)
    stored = dict(
        Profile.objects.filter(user_id__in=user_ids)
        .exclude(**{CHANNEL_FIELDS[channel]: ""})
        .values_list("user_id", CHANNEL_FIELDS[channel])
    )
    offices = _office_member_ids(user_ids) if channel == Channel.EMAIL else set()
    return {
        uid: stored.get(uid) or (Delivery.DAILY if uid in offices else Delivery.IMMEDIATE) for uid in user_ids
    }


def profile_of(user) -> Profile | None:
    return Profile.objects.filter(user=user).first()


def is_directory_account(user) -> bool:
    """Signed in through the directory: the password is changed there, not here."""
    return Profile.objects.filter(user=user).exclude(directory_dn="").exists()


def idle_cutoff():
    return timezone.now() - timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def active_sessions(user):
    return UserSession.objects.filter(user=user, last_seen__gte=idle_cutoff()).order_by("-last_seen")


def active_tokens(user):
    unexpired = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(unexpired, user=user).order_by("-created")


# --- units, their people and stand-ins --------------------------------------------------------------


def today():
    """The day in Asia/Shanghai (stand-ins run by whole days)."""
    return timezone.localdate()


UNIT_GROUPS = Q(name__startswith=DEPARTMENT_GROUP_PREFIX) | Q(name__startswith=DISTRICT_GROUP_PREFIX)


def unit_groups():
    return Group.objects.filter(UNIT_GROUPS)


def unit_of_group(group):
    """The department or district that owns ``group`` (None for another group)."""
    from departments.models import Department, District

    return Department.objects.filter(group=group).first() or District.objects.filter(group=group).first()


def own_unit_group_ids(user_ids) -> dict[int, set[int]]:
    """Each account's unit groups of its own, leaving out those it holds only as a stand-in."""
    user_ids = list(user_ids)
    held: dict[int, set[int]] = {uid: set() for uid in user_ids}
    user_model = get_user_model()
    rows = user_model.groups.through.objects.filter(user_id__in=user_ids).filter(
        Q(group__name__startswith=DEPARTMENT_GROUP_PREFIX) | Q(group__name__startswith=DISTRICT_GROUP_PREFIX)
    )
    for uid, gid in rows.values_list("user_id", "group_id"):
        held[uid].add(gid)
    for uid, gid in TemporaryMembership.objects.filter(user_id__in=user_ids).values_list("user_id", "group_id"):
        held[uid].discard(gid)
    return held


def unit_members(group):
    """The unit's own people (liaisons or officers), not those standing in for one of them."""
    temporary = TemporaryMembership.objects.filter(group=group).values("user_id")
    return group.user_set.exclude(pk__in=temporary).order_by("-is_active", "first_name", "username")


def unit_colleagues(group):
    return get_user_model().objects.filter(colleague_of__group=group).order_by("first_name", "username")


def membership_history(group, limit: int = 100):
    return MembershipChange.objects.filter(group=group).select_related("user", "by")[:limit]


def eligible_stand_ins(person):
    """Who ``person`` may name: an active colleague of one of their own units (a member of the
    unit or one of its colleagues), not themselves."""
    groups = own_unit_group_ids([person.pk])[person.pk]
    if not groups:
        return get_user_model().objects.none()
    temporary = TemporaryMembership.objects.filter(group_id__in=groups).values("user_id")
    members = Q(groups__in=groups) & ~Q(pk__in=temporary)
    return (
        get_user_model()
        .objects.filter(members | Q(colleague_of__group_id__in=groups), is_active=True)
        .exclude(pk=person.pk)
        .distinct()
        .order_by("first_name", "username")
    )


def stand_ins_for(user_ids, on=None) -> dict[int, list]:
    """For each account in ``user_ids``: the accounts standing in for it on ``on`` (default today),
    e.g. to send them the person's reminders too. Every id is a key (an empty list: nobody)."""
    on = on or today()
    user_ids = list(user_ids)
    result: dict[int, list] = {uid: [] for uid in user_ids}
    for stand_in in StandIn.objects.active_on(on).filter(person_id__in=user_ids).select_related("stand_in"):
        if stand_in.stand_in not in result[stand_in.person_id]:
            result[stand_in.person_id].append(stand_in.stand_in)
    return result


def standing_in_for_ids(user_id, on=None) -> list[int]:
    """Whom ``user_id`` stands in for on ``on`` (default today)."""
    return list(
        StandIn.objects.active_on(on or today())
        .filter(stand_in_id=user_id)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )


def stand_ins_visible_to(user, *, is_office: bool):
    """The stand-ins a user may see: their own (named by them or naming them); the office every one
    that has not ended."""
    queryset = StandIn.objects.select_related("person", "stand_in", "created_by", "cancelled_by")
    mine = Q(person=user) | Q(stand_in=user)
    if is_office:
        return queryset.filter(mine | Q(end__gte=today(), cancelled_at__isnull=True))
    return queryset.filter(mine)
