from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tasks_app.assessment.models import IndicatorReport
from tasks_app.assessment.permissions import can_publish_assessment, can_report_indicator
from tasks_app.core.errors import InvalidState, require
from tasks_app.core.history import save_with_history


@transaction.atomic
def indicator_report_submit(*, indicator, district, period: str, value, by, source: str = "") -> IndicatorReport:
    """Report (or correct) a figure. A correction keeps the old value in the history; a figure of
    a published period changes only with the supervision office (its consent is the change)."""
    from tasks_app.assessment.periods import period_is_published
    from tasks_app.assessment.scoring import Period

    period_text = str(Period.parse(period))
    require(
        can_report_indicator(by, district),
        _("A district reports its own figures; the city's come from the data-source departments."),
    )
    if period_is_published(period_text) and not can_publish_assessment(by):
        raise InvalidState(
            _("The assessment for %(period)s is published; ask the supervision office to correct the figure.")
            % {"period": period_text}
        )
    # The first figure of an (indicator, district, period) can be sent twice at once (two tabs, a
    # retried request): the unique constraint decides, and the loser becomes a correction of the
    # winner's row instead of an error.
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _report_write(indicator, district, period_text, value, by, source)
        except IntegrityError:
            if attempt:
                raise InvalidState(
                    _("Someone else reported this figure at the same moment; reload and check it.")
                ) from None
    raise AssertionError("unreachable")


def _report_write(indicator, district, period_text: str, value, by, source: str) -> IndicatorReport:
    report = (
        IndicatorReport.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, district=district, period=period_text)
        .order_by()
        .first()
    )
    if report is None:
        report = IndicatorReport(indicator=indicator, district=district, period=period_text)
        reason = _("reported")
    else:
        reason = _("corrected from %(value)s") % {"value": report.value}
    report.value = value
    report.source = source or report.source
    report.reported_by = by
    save_with_history(report, by, reason, check_unique=False)
    return report
