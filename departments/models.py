"""Who is who: the municipal departments and the districts (板块) that carry out the plan.

Every department and district owns a Django auth group; accounts are placed in those groups and
object permissions are granted to the groups, never to individual users.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class GovernmentLevel(models.TextChoices):
    CITY = "city", pgettext_lazy("government level", "city")
    PROVINCE = "province", pgettext_lazy("government level", "province")


class Government(models.Model):
    """A government whose plans the site tracks: a city, or the province over the cities. Every plan,
    department and district belongs to one; nothing of one city is shared with another. Its own
    supervision office and leadership groups hold its officers (the first city keeps the site's
    original ``supervision-office`` and ``leadership`` groups)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=GovernmentLevel.choices, default=GovernmentLevel.CITY)
    supervision_group = models.OneToOneField(
        Group,
        verbose_name=_("supervision office group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_government",
    )
    leadership_group = models.OneToOneField(
        Group,
        verbose_name=_("leadership group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_government",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("government")
        verbose_name_plural = _("governments")

    def __str__(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class OrganisationalUnit(models.Model):
    """What departments and districts share: the government they belong to, a code and a Chinese
    name unique within it, an English name, an order, and the account group that holds the unit's
    people and object permissions."""

    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    group = models.OneToOneField(
        Group, verbose_name=_("account group"), on_delete=models.PROTECT, related_name="%(class)s"
    )

    class Meta:
        abstract = True
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["government", "code"], name="%(class)s_code_unique_in_government"),
            models.UniqueConstraint(fields=["government", "name"], name="%(class)s_name_unique_in_government"),
        ]

    def __str__(self) -> str:
        # Choices in forms and filters show the name in the reader's language.
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Department(OrganisationalUnit):
    """A municipal department (市级部门) named in the plan as responsible for tasks."""

    # Optional group-robot webhook (企业微信 / 钉钉) that receives the department's reminders.
    webhook_url = models.URLField(_("reminder webhook"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta(OrganisationalUnit.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class District(OrganisationalUnit):
    """A county-level city or district (板块) that implements every task."""

    history = HistoricalRecords()

    class Meta(OrganisationalUnit.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
