"""What the dashboards keep of their own: each person's private calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCal (.ics) address: whoever has the token reads the person's deadlines,
    so it can be reset, and the old address then answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reset_at = models.DateTimeField(_("reset at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class SavedFilter(models.Model):
    """A person's named filter on one of the lists (the query string of its filter form), shown above
    that list for them alone."""

    class ListName(models.TextChoices):
        MILESTONES = "milestones", _("Milestones")
        OVERDUE = "overdue", _("Overdue board")

    MAX_PER_LIST = 20

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_name = models.CharField(_("list"), max_length=32, choices=ListName.choices)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["list_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "list_name", "name"], name="saved_filter_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ProvinceFigures(models.Model):
    """The province view's tallies over every city's milestones, reminders and confirmations, as last
    computed (by a worker, ``dashboards.province.province_figures_refresh``). At 13 cities of a million
    milestones each they take seconds to count, so the page reads this row and says how old it is; a
    page that finds it behind the data asks a worker to count again. One row per set of plans shown."""

    key = models.CharField(_("plans shown"), max_length=64, unique=True)
    data_version = models.BigIntegerField(_("data version"))
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("seconds to compute"))
    tallies = models.JSONField(_("tallies"))

    class Meta:
        verbose_name = _("province figures")
        verbose_name_plural = _("province figures")

    def __str__(self) -> str:
        return f"{self.key} @ {self.computed_at:%Y-%m-%d %H:%M}"
