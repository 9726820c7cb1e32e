"""Business rules about accounts: sessions recorded and revoked, tokens issued and revoked, profiles
saved, directory group membership applied."""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from departments.roles import DEPARTMENT_GROUP_PREFIX, DISTRICT_GROUP_PREFIX

from .client_ip import client_ip
from .models import UserSession

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
    current = set(user.groups.filter(_managed_groups(mapping)))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
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
