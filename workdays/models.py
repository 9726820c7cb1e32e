"""The working-day calendar table: the days the ``chinesecalendar`` package does not know.

The State Council announces next year's holidays each autumn, after the package was released, and a
district or the city may give a local day off. A row here overrides whatever the package or the
fallback rule says about its date (see ``workdays.calendar``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    # A weekend day made a working day to make up for a holiday (调休).
    WORKDAY = "workday", _("Working day")


class CalendarDay(models.Model):
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(
        _("name"), max_length=60, help_text=_("The holiday the day belongs to, e.g. Spring Festival.")
    )
    note = models.TextField(_("note"), blank=True)
    local = models.BooleanField(
        _("local day off"),
        default=False,
        help_text=_(
            "A day given locally, not part of the State Council's arrangement: it does not make the year's "
            "official calendar count as entered."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["date"], name="workdays_calendarday_unique_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"
