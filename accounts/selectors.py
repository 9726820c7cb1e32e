"""Reads about accounts: profiles, notification preferences, sessions and tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from departments.roles import LEADERSHIP_GROUP, SUPERVISION_GROUP

from .models import CHANNEL_FIELDS, Channel, Delivery, Profile, UserSession

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
