"""Shared models that belong to no concern."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeCounter(models.Model):
    """How many times the data behind a computed page has changed (see tasks_app/changes.py): part
    of the key under which such a page's result is cached, so a change anywhere is seen at once by
    every process, and an unchanged result is not recomputed from a million rows on every request."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    value = models.BigIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("change counter")
        verbose_name_plural = _("change counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
