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
