"""What an account keeps besides Django's user: its profile (contacts, language, how it wants to be
notified) and the sessions it has signed in with (so the owner can see and end them).

API tokens are django-rest-knox's (``knox.AuthToken``): stored as hashes, with an expiry."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    IN_APP = "in_app", _("In the application")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class Language(models.TextChoices):
    CHINESE = "zh-hans", "简体中文"
    ENGLISH = "en", "English"


# The profile field that stores each channel's choice ("" = the default for the account's role).
CHANNEL_FIELDS = {
    Channel.EMAIL: "notify_email",
    Channel.WECOM: "notify_wecom",
    Channel.DINGTALK: "notify_dingtalk",
    Channel.IN_APP: "notify_in_app",
}


def _delivery_field(verbose_name):
    return models.CharField(verbose_name, max_length=10, choices=Delivery.choices, blank=True, default="")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="profile"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    wecom_userid = models.CharField(_("WeCom account"), max_length=64, blank=True)
    dingtalk_userid = models.CharField(_("DingTalk account"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True)
    notify_email = _delivery_field(_("e-mail notifications"))
    notify_wecom = _delivery_field(_("WeCom notifications"))
    notify_dingtalk = _delivery_field(_("DingTalk notifications"))
    notify_in_app = _delivery_field(_("in-app notifications"))
    # Set when the account signs in through the directory (LDAP): its password lives there.
    directory_dn = models.CharField(_("directory entry"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_directory_account(self) -> bool:
        return bool(self.directory_dn)


class UserSession(models.Model):
    """A signed-in browser session, keyed by the session key (which never leaves the server: pages
    and forms name a session by ``id``)."""

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    created = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "-last_seen"])]

    def __str__(self) -> str:
        return f"{self.user} {self.ip_address or ''} {self.created:%Y-%m-%d %H:%M}"


# --- who is in which unit, as the supervision office decides it ------------------------------------


class MembershipAction(models.TextChoices):
    ADDED = "added", _("added to the unit")
    REMOVED = "removed", _("removed from the unit")
    COLLEAGUE_ADDED = "colleague_added", _("added as a colleague (may stand in)")
    COLLEAGUE_REMOVED = "colleague_removed", _("no longer a colleague")
    DEACTIVATED = "deactivated", _("account deactivated")
    REACTIVATED = "reactivated", _("account reactivated")


class MembershipChange(models.Model):
    """The history of a unit's people: who was added to or removed from which unit, when, by whom
    (``by`` empty: the directory decided, at a sign-in). Accounts are never deleted, only
    deactivated, so these rows stay readable."""

    group = models.ForeignKey("auth.Group", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="membership_changes"
    )
    action = models.CharField(_("change"), max_length=20, choices=MembershipAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["group", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.group} {self.at:%Y-%m-%d %H:%M}"


class UnitColleague(models.Model):
    """A person of a unit without access of their own (not its liaison or officer): may be named a
    stand-in by the unit's people."""

    group = models.ForeignKey("auth.Group", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="colleague_of"
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("colleague")
        verbose_name_plural = _("colleagues")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="accounts_colleague_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.group}"


# --- stand-ins (代理) -------------------------------------------------------------------------------


class StandInQuerySet(models.QuerySet):
    def active_on(self, day):
        """In force on ``day``: started, not ended, not cancelled, both accounts active."""
        return self.filter(
            start__lte=day,
            end__gte=day,
            cancelled_at__isnull=True,
            person__is_active=True,
            stand_in__is_active=True,
        )


class StandIn(models.Model):
    """``stand_in`` acts for ``person`` from ``start`` to ``end`` (both days included, Asia/Shanghai):
    receives their notifications and may do what they may do; what they do is recorded "by X for Y"."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("for"), on_delete=models.PROTECT, related_name="stand_ins_named"
    )
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("stand-in"), on_delete=models.PROTECT, related_name="standing_in_for"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("named by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("named"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = StandInQuerySet.as_manager()

    class Meta:
        verbose_name = _("stand-in")
        verbose_name_plural = _("stand-ins")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["stand_in", "end"]), models.Index(fields=["person", "end"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="accounts_standin_dates"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("stand_in")), name="accounts_standin_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stand_in} → {self.person} {self.start}–{self.end}"


class TemporaryMembership(models.Model):
    """A unit group an account holds only because it stands in for someone of that unit today;
    added and removed by ``services.reconcile_stand_ins`` (never shown as a member of the unit)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary_memberships"
    )
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="accounts_tempmember_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.group} (stand-in)"


class ActingRecord(models.Model):
    """A history record (django-simple-history) written by a stand-in while standing in: "by X for Y"."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    history_id = models.PositiveBigIntegerField()
    stand_in = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["content_type", "history_id"])]

    def __str__(self) -> str:
        return f"{self.stand_in} for {self.person}"
