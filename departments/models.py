"""Who is who: the municipal departments and the districts (板块) that carry out the plan.

Every department and district owns a Django auth group; accounts are placed in those groups and
object permissions are granted to the groups, never to individual users.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrganisationalUnit(models.Model):
    """What departments and districts share: a stable code, Chinese and English names, an order,
    and the account group that holds the unit's people and object permissions."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    group = models.OneToOneField(
        Group, verbose_name=_("account group"), on_delete=models.PROTECT, related_name="%(class)s"
    )

    class Meta:
        abstract = True
        ordering = ["position", "code"]

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
