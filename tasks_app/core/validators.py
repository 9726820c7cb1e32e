"""One plausibility range for every date and period the product accepts.

A plan runs a few years; a date a thousand years away is a typing error (1026 for 2026), and once
stored it broke the reminder scan for the whole deployment. Every way in — the model, the forms, the
API, the imports — refuses a date or period outside ``CBEC_EARLIEST_YEAR`` … ``CBEC_LATEST_YEAR``
(settings; 2000 and 2100 by default) with the field named."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def plausible_years() -> tuple[int, int]:
    return settings.CBEC_EARLIEST_YEAR, settings.CBEC_LATEST_YEAR


def year_plausible(year: int) -> None:
    earliest, latest = plausible_years()
    if not earliest <= year <= latest:
        raise ValidationError(
            _("Enter a year from %(earliest)s to %(latest)s."),
            code="implausible_year",
            params={"earliest": earliest, "latest": latest},
        )


def date_plausible(value: dt.date | None) -> None:
    """A model / form / serializer validator: the date's year within the plausible range."""
    if value is None:
        return
    earliest, latest = plausible_years()
    if not earliest <= value.year <= latest:
        raise ValidationError(
            _("Enter a date from %(earliest)s to %(latest)s."),
            code="implausible_date",
            params={"earliest": f"{earliest}-01-01", "latest": f"{latest}-12-31"},
        )
