from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_app.assessment.models import (
    AssessmentPublication,
    IndicatorReport,
    InterimTarget,
    PublicationStatus,
    Rubric,
)
from tasks_app.assessment.permissions import can_manage_assessment, can_publish_assessment, can_report_indicator
from tasks_app.core.errors import InvalidState, NotAllowed, require
from tasks_app.core.history import save_with_history
from tasks_app.core.people import person_label
from tasks_app.plan.services import plan_writable_check


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
    plan_writable_check(indicator.plan_id)
    if period_is_published(indicator.plan_id, period_text) and not can_publish_assessment(by):
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


def _period_text(period) -> str:
    from tasks_app.assessment.periods import Period

    return str(period if isinstance(period, Period) else Period.parse(period))


PUBLISH_ATTEMPTS = 3


def _overdue_agrees(snapshot: dict) -> bool:
    """Every overdue milestone has one owner: the departments' counts add up to the list."""
    return sum(row["facts"].get("overdue", 0) for row in snapshot["departments"]) == len(snapshot["overdue"])


@transaction.atomic
def assessment_publish(*, plan, period, by, remarks: str = "", reason: str = "") -> AssessmentPublication:
    """Freeze the period's results (通报) as the next version. With a version in force this is a
    correction: it needs a reason, and the version in force is kept, marked superseded."""
    from tasks_app.assessment.scoring import assessment_compute

    if not can_publish_assessment(by):
        raise NotAllowed(_("Only the supervision office may publish an assessment."))
    plan_writable_check(plan)
    period_text = _period_text(period)
    rows = list(
        AssessmentPublication.objects.select_for_update().filter(plan=plan, period=period_text).order_by("version")
    )
    current = next((p for p in rows if p.status == PublicationStatus.CURRENT), None)
    if current is not None and not reason.strip():
        raise InvalidState(
            _("The assessment for %(period)s is already published; a corrected version needs a reason.")
            % {"period": period_text}
        )
    from tasks_app.assessment.periods import Period

    # The counts and the overdue list are two reads: a milestone completed between them would publish
    # a notice whose sections disagree. Read again until they agree (they do unless a write races).
    for _attempt in range(PUBLISH_ATTEMPTS):
        snapshot = assessment_compute(plan, Period.parse(period_text)).as_dict()
        if _overdue_agrees(snapshot):
            break
    else:
        raise InvalidState(_("The data changed while the assessment was being published; publish again."))
    snapshot["record"] = {"published_by": person_label(by)}
    try:
        with transaction.atomic():
            if current is not None:
                current.status = PublicationStatus.SUPERSEDED
                current.save(update_fields=["status"])
            return AssessmentPublication.objects.create(
                plan=plan,
                period=period_text,
                version=(rows[-1].version + 1) if rows else 1,
                published_by=by,
                remarks=remarks.strip(),
                reason=reason.strip(),
                snapshot=snapshot,
            )
    except IntegrityError:
        raise InvalidState(
            _("The assessment for %(period)s was published at the same moment; reload.") % {"period": period_text}
        ) from None


@transaction.atomic
def assessment_withdraw(*, plan, period, by, reason: str) -> AssessmentPublication:
    """Withdraw (撤回) the version in force, with a reason: it stays on record and readable; the
    period is unpublished again until a new version is published."""
    if not can_publish_assessment(by):
        raise NotAllowed(_("Only the supervision office may withdraw a publication."))
    plan_writable_check(plan)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the publication is withdrawn.")})
    period_text = _period_text(period)
    current = (
        AssessmentPublication.objects.select_for_update()
        .filter(plan=plan, period=period_text, status=PublicationStatus.CURRENT)
        .first()
    )
    if current is None:
        raise InvalidState(_("Nothing is published for %(period)s.") % {"period": period_text})
    current.status = PublicationStatus.WITHDRAWN
    current.withdrawn_by = by
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason.strip()
    current.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    return current


@transaction.atomic
def interim_targets_save(*, indicator, period, values: dict, by, note: str = "") -> int:
    """Set (or clear) the office's targets of one indicator and period: ``values`` maps a district
    (None for the city) to a value (None clears it). Each change is in the history. Returns how
    many targets changed."""
    require(can_manage_assessment(by), _("Only the supervision office sets targets."))
    plan_writable_check(indicator.plan_id)
    period_text = _period_text(period)
    changed = 0
    for district, value in values.items():
        existing = (
            InterimTarget.objects.select_for_update(of=("self",))
            .filter(indicator=indicator, district=district, period=period_text)
            .order_by()
        )
        target = existing.first()
        if value is None:
            if target is not None:
                target._history_user = by
                target.delete()
                changed += 1
            continue
        value = Decimal(value)
        if target is not None and target.value == value and target.note == note:
            continue
        if target is None:
            target = InterimTarget(indicator=indicator, district=district, period=period_text)
        target.value, target.note, target.set_by = value, note, by
        try:
            with transaction.atomic():
                save_with_history(target, by, note, check_unique=False)
        except IntegrityError:
            raise InvalidState(_("Someone else set this target at the same moment; reload and check it.")) from None
        changed += 1
    return changed


@transaction.atomic
def rubric_update(*, rubric: Rubric, values: dict, parts: dict, by, reason: str = "") -> Rubric:
    """The office edits the rubric: thresholds, the reporting days, each component's weight and
    cap (``parts`` maps a component id to ``{"weight", "cap"}``). Each change is in the history."""
    require(can_manage_assessment(by), _("Only the supervision office edits the rubric."))
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    for name, value in values.items():
        setattr(rubric, name, value)
    if rubric.amber_threshold > rubric.green_threshold:
        raise ValidationError({"amber_threshold": _("Amber starts below green.")})
    save_with_history(rubric, by, reason)
    for component in rubric.components.select_for_update(of=("self",)).order_by("position", "id"):
        change = parts.get(component.pk)
        if not change:
            continue
        if component.weight == change["weight"] and component.cap == change.get("cap"):
            continue
        component.weight, component.cap = change["weight"], change.get("cap")
        save_with_history(component, by, reason)
    return rubric
