"""Business rules about accounts: sessions recorded and revoked, tokens issued and revoked, profiles
saved, directory group membership applied."""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from departments.roles import DEPARTMENT_GROUP_PREFIX, DISTRICT_GROUP_PREFIX
from tasks_app.core.changes import MEMBERSHIP, data_changed

from . import selectors
from .client_ip import client_ip
from .models import (
    MembershipAction,
    MembershipChange,
    StandIn,
    TemporaryMembership,
    UnitColleague,
    UserSession,
)

log = logging.getLogger(__name__)

# The session remembers when it was last active (epoch seconds); idle sessions are ended.
ACTIVITY_KEY = "_cbec_activity"
# Activity is written at most this often (a write per request would be a write per page).
TOUCH_EVERY_SECONDS = 60


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def ensure_profile(user):
    from .models import Profile

    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


# --- sessions --------------------------------------------------------------------------------------


def record_session(request, user) -> UserSession | None:
    """Called at sign-in (and after a password change, whose session gets a new key)."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = timezone.now()
    session[ACTIVITY_KEY] = int(now.timestamp())
    record, _ = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created": now,
            "last_seen": now,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    return record


def touch_session(request, now) -> None:
    """A request of a signed-in session: push its idle expiry on and note it was seen (throttled)."""
    request.session[ACTIVITY_KEY] = int(now.timestamp())  # modified → saved with a new expiry
    updated = UserSession.objects.filter(session_key=request.session.session_key).update(
        last_seen=now, ip_address=client_ip(request)
    )
    if not updated and request.session.session_key:
        record_session(request, request.user)


def forget_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def end_sessions(sessions) -> int:
    store = _session_store()
    ended = 0
    for record in list(sessions):
        store(session_key=record.session_key).delete()
        record.delete()
        ended += 1
    return ended


def revoke_session(user, session_id: int) -> int:
    """End one of the user's own sessions (another user's is not found: 0)."""
    return end_sessions(UserSession.objects.filter(user=user, pk=session_id))


def revoke_other_sessions(user, current_session_key: str | None) -> int:
    """Sign out everywhere else: every session of the user but the current one."""
    return end_sessions(UserSession.objects.filter(user=user).exclude(session_key=current_session_key or ""))


# --- API tokens ------------------------------------------------------------------------------------


def issue_token(user) -> tuple[AuthToken, str]:
    """A new API token that expires after API_TOKEN_TTL_HOURS; only its hash is stored."""
    return AuthToken.objects.create(user=user, expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS))


def revoke_token(user, digest: str) -> int:
    deleted, _ = AuthToken.objects.filter(user=user, digest=digest).delete()
    return deleted


def revoke_all_credentials(user) -> None:
    """After a password change: every API token and every recorded session of the account ends."""
    AuthToken.objects.filter(user=user).delete()
    end_sessions(UserSession.objects.filter(user=user))


# --- directory (LDAP) group membership -------------------------------------------------------------


def _managed_groups(mapping: dict[str, str]) -> Q:
    """The groups the directory decides: every department and district group, and any other group
    the mapping names (e.g. the supervision office)."""
    return (
        Q(name__startswith=DEPARTMENT_GROUP_PREFIX)
        | Q(name__startswith=DISTRICT_GROUP_PREFIX)
        | Q(name__in=set(mapping.values()))
    )


@transaction.atomic
def apply_directory_groups(user, group_dns, mapping: dict[str, str]) -> set[str]:
    """Set the user's unit-group membership to exactly what the directory groups map to.

    ``mapping``: directory group DN (lower case) → product group name. Returns the group names the
    user is now in among the managed ones."""
    wanted_names = {mapping[dn.lower()] for dn in group_dns if dn.lower() in mapping}
    wanted = set(Group.objects.filter(name__in=wanted_names))
    missing = wanted_names - {group.name for group in wanted}
    if missing:
        log.warning("LDAP_UNIT_GROUPS names groups that do not exist: %s", ", ".join(sorted(missing)))
    temporary = TemporaryMembership.objects.filter(user=user).values("group_id")
    current = set(user.groups.filter(_managed_groups(mapping)).exclude(pk__in=temporary))
    if current - wanted:
        user.groups.remove(*(current - wanted))
        _log(current - wanted, user, MembershipAction.REMOVED, None, note="directory")
    if wanted - current:
        TemporaryMembership.objects.filter(user=user, group__in=wanted - current).delete()
        user.groups.add(*(wanted - current))
        _log(wanted - current, user, MembershipAction.ADDED, None, note="directory")
    if current != wanted:
        _reconcile_around(user)
    return {group.name for group in wanted}


def mark_directory_account(user, dn: str) -> None:
    """The directory owns this account's password from now on: a local password it may have had
    (an account created here before the directory was connected) stops working."""
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    profile = ensure_profile(user)
    if profile.directory_dn != dn:
        profile.directory_dn = dn
        profile.save(update_fields=["directory_dn"])


# --- the units' people, managed by the supervision office ------------------------------------------
# Access is granted to a unit's group, never to a person: adding a person to the group gives them
# the unit's rights and removing them takes the rights away with the next request — there is no
# per-person permission row to forget.

# The stand-in's day is checked once a day per session (accounts.middleware) and at sign-in.
STAND_IN_DAY_KEY = "_cbec_stand_in_day"
MAX_STAND_IN_DAYS = 92


def _log(groups, user, action, by, note=""):
    MembershipChange.objects.bulk_create(
        [MembershipChange(group=group, user=user, action=action, by=by, note=note[:200]) for group in groups]
    )


def _forget_person_label(user_id) -> None:
    from django.core.cache import cache

    cache.delete(f"cbec:person-units:{user_id}")  # tasks_app.core.people: the name shows the new unit


def _unit_group(group) -> Group:
    if not selectors.unit_groups().filter(pk=group.pk).exists():
        raise ValidationError({"group": _("Not a department or district.")})
    return group


@transaction.atomic
def member_add(*, group, user, by) -> None:
    _unit_group(group)
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    if selectors.unit_members(group).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Already a member of this unit.")})
    TemporaryMembership.objects.filter(user=user, group=group).delete()  # a stand-in's group becomes their own
    user.groups.add(group)
    UnitColleague.objects.filter(user=user, group=group).delete()
    _log([group], user, MembershipAction.ADDED, by)
    _forget_person_label(user.pk)
    _reconcile_around(user)


@transaction.atomic
def member_remove(*, group, user, by) -> None:
    """The person leaves the unit: its rights end with their next request, and so do the rights of
    whoever stands in for them in this unit."""
    _unit_group(group)
    if not selectors.unit_members(group).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Not a member of this unit.")})
    user.groups.remove(group)
    _log([group], user, MembershipAction.REMOVED, by)
    _forget_person_label(user.pk)
    _reconcile_around(user)


@transaction.atomic
def colleague_add(*, group, user, by) -> None:
    _unit_group(group)
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    if selectors.unit_members(group).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Already a member of this unit.")})
    _colleague, created = UnitColleague.objects.get_or_create(group=group, user=user)
    if not created:
        raise ValidationError({"user": _("Already a colleague in this unit.")})
    _log([group], user, MembershipAction.COLLEAGUE_ADDED, by)


@transaction.atomic
def colleague_remove(*, group, user, by) -> None:
    _unit_group(group)
    deleted, _count = UnitColleague.objects.filter(group=group, user=user).delete()
    if not deleted:
        raise ValidationError({"user": _("Not a colleague in this unit.")})
    _log([group], user, MembershipAction.COLLEAGUE_REMOVED, by)
    # Their stand-ins for people of this unit end: they are no longer of it.
    for stand_in in StandIn.objects.filter(stand_in=user, end__gte=selectors.today(), cancelled_at__isnull=True):
        if not selectors.eligible_stand_ins(stand_in.person).filter(pk=user.pk).exists():
            _cancel(stand_in, by)
    reconcile_stand_ins([user.pk])


@transaction.atomic
def account_deactivate(*, user, by) -> None:
    """The account can no longer sign in, its sessions and tokens end, its stand-ins end; its
    memberships and everything it did stay readable in the history."""
    if user.is_superuser or user.pk == by.pk:
        raise ValidationError({"user": _("This account cannot be deactivated here.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is already deactivated.")})
    user.is_active = False
    user.save(update_fields=["is_active"])
    AuthToken.objects.filter(user=user).delete()
    end_sessions(UserSession.objects.filter(user=user))
    for stand_in in StandIn.objects.filter(
        Q(person=user) | Q(stand_in=user), end__gte=selectors.today(), cancelled_at__isnull=True
    ):
        _cancel(stand_in, by)
    groups = Group.objects.filter(pk__in=selectors.own_unit_group_ids([user.pk])[user.pk])
    _log(groups, user, MembershipAction.DEACTIVATED, by)
    _reconcile_around(user)


@transaction.atomic
def account_reactivate(*, user, by) -> None:
    if user.is_active:
        raise ValidationError({"user": _("This account is active.")})
    user.is_active = True
    user.save(update_fields=["is_active"])
    groups = Group.objects.filter(pk__in=selectors.own_unit_group_ids([user.pk])[user.pk])
    _log(groups, user, MembershipAction.REACTIVATED, by)


# --- stand-ins -------------------------------------------------------------------------------------


@transaction.atomic
def stand_in_name(*, person, stand_in, start, end, note="", by) -> StandIn:
    """``person`` (or the office for them) names ``stand_in`` from ``start`` to ``end``."""
    errors = {}
    if not selectors.own_unit_group_ids([person.pk])[person.pk]:
        errors["person"] = _("Only the people of a department or district name a stand-in.")
    elif not selectors.eligible_stand_ins(person).filter(pk=stand_in.pk).exists():
        errors["stand_in"] = _("Choose an active colleague of your own unit.")
    if start < selectors.today():
        errors["start"] = _("The stand-in cannot start in the past.")
    if end < start:
        errors["end"] = _("The last day is before the first.")
    elif (end - start).days >= MAX_STAND_IN_DAYS:
        errors["end"] = _("At most %(days)d days.") % {"days": MAX_STAND_IN_DAYS}
    if not errors and StandIn.objects.filter(
        person=person, stand_in=stand_in, cancelled_at__isnull=True, start__lte=end, end__gte=start
    ).exists():
        errors["start"] = _("This colleague already stands in for you during these days.")
    if errors:
        raise ValidationError(errors)
    record = StandIn.objects.create(
        person=person, stand_in=stand_in, start=start, end=end, note=note[:200], created_by=by
    )
    reconcile_stand_ins([stand_in.pk])
    return record


def _cancel(stand_in, by) -> None:
    stand_in.cancelled_at, stand_in.cancelled_by = timezone.now(), by
    stand_in.save(update_fields=["cancelled_at", "cancelled_by"])


@transaction.atomic
def stand_in_cancel(*, stand_in, by) -> StandIn:
    """Ends a stand-in now (one that has ended or was cancelled cannot be)."""
    if stand_in.cancelled_at is not None or stand_in.end < selectors.today():
        raise ValidationError({"stand_in": _("This stand-in has already ended.")})
    _cancel(stand_in, by)
    reconcile_stand_ins([stand_in.stand_in_id])
    return stand_in


def _reconcile_around(user) -> None:
    """After a change to ``user``'s own units: their own temporary groups and those of everyone
    standing in for them follow."""
    ids = {user.pk, *StandIn.objects.filter(person=user).values_list("stand_in_id", flat=True)}
    reconcile_stand_ins(ids)


@transaction.atomic
def reconcile_stand_ins(user_ids=None, on=None) -> int:
    """Make the temporary unit groups of stand-ins exactly what the stand-ins in force ``on`` a day
    (default today) give: during a stand-in the stand-in holds the unit groups of the person they
    stand in for (those of the person's own, never a stand-in's: no chains); after it, none.
    ``user_ids`` None: every account. Returns the number of groups added or removed."""
    on = on or selectors.today()
    active = StandIn.objects.active_on(on)
    temporary = TemporaryMembership.objects.all()
    if user_ids is not None:
        user_ids = set(user_ids)
        active = active.filter(stand_in_id__in=user_ids)
        temporary = temporary.filter(user_id__in=user_ids)
    pairs = list(active.values_list("stand_in_id", "person_id"))
    held: dict[int, set[int]] = {}
    for uid, gid in temporary.values_list("user_id", "group_id"):
        held.setdefault(uid, set()).add(gid)
    affected = {uid for uid, _person in pairs} | set(held)
    if not affected:
        return 0
    own = selectors.own_unit_group_ids(affected | {person for _uid, person in pairs})
    wanted: dict[int, set[int]] = {uid: set() for uid in affected}
    for uid, person in pairs:
        wanted[uid] |= own[person]
    through = get_user_model().groups.through
    changes = 0
    for uid in affected:
        desired = wanted[uid] - own[uid]
        current = held.get(uid, set())
        gone, new = current - desired, desired - current
        if gone:
            through.objects.filter(user_id=uid, group_id__in=gone).delete()
            TemporaryMembership.objects.filter(user_id=uid, group_id__in=gone).delete()
        if new:
            through.objects.bulk_create([through(user_id=uid, group_id=gid) for gid in new], ignore_conflicts=True)
            TemporaryMembership.objects.bulk_create([TemporaryMembership(user_id=uid, group_id=gid) for gid in new])
        if gone or new:
            _forget_person_label(uid)
            changes += len(gone) + len(new)
    if changes:
        data_changed(MEMBERSHIP)  # the groups were written in bulk: no signal tells what users may see
    return changes


def reconcile_session_day(request, user) -> None:
    """Once a day per session (and at sign-in): the stand-ins that start or end today take effect
    even before the nightly ``manage.py reconcile_stand_ins``."""
    day = selectors.today().isoformat()
    if request.session.get(STAND_IN_DAY_KEY) != day:
        reconcile_stand_ins([user.pk])
        request.session[STAND_IN_DAY_KEY] = day
