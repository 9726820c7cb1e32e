"""The assessment (考核) as data: indicators and their targets, reported figures, the industrial
belts, the rubrics that score districts and departments, and published results (通报)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import District
from tasks_app.plan.models import Plan

UNIT_LABELS = {
    "亿元": _("CNY 100 million"),
    "个": _("count"),
    "家": _("firms"),
    "家/年": _("firms a year"),
    "平方米": _("m²"),
}


class Indicator(models.Model):
    """A quantitative indicator of the plan (e.g. cbec_volume, 亿元)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan")]

    def __str__(self) -> str:
        return f"{self.label} ({self.unit_label})"

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))


class TargetLevel(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")


class TargetComparison(models.TextChoices):
    AT_LEAST = "gte", _("at least (≥)")
    MORE_THAN = "gt", _("more than (>)")
    BETWEEN = "between", _("between")


class IndicatorTarget(models.Model):
    """A target for one year.

    ``level`` city: the city total. ``level`` district with no district: every district's own
    target; with a district: that district's target (overriding the general one).
    ``growth_factor`` expresses "doubling every year" (2.0); it may stand beside an absolute value.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    level = models.CharField(_("level"), max_length=8, choices=TargetLevel.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    comparison = models.CharField(_("comparison"), max_length=8, choices=TargetComparison.choices, blank=True)
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2, null=True, blank=True)
    value_max = models.DecimalField(_("upper bound"), max_digits=16, decimal_places=2, null=True, blank=True)
    growth_factor = models.DecimalField(_("growth factor"), max_digits=6, decimal_places=2, null=True, blank=True)
    source_text = models.CharField(_("as written in the plan"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "level", "district", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "year"], condition=Q(district__isnull=True), name="target_unique_general"
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "year"],
                condition=Q(district__isnull=False),
                name="target_unique_district",
            ),
            models.CheckConstraint(
                condition=Q(level="district") | Q(district__isnull=True), name="target_city_has_no_district"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(growth_factor__isnull=False), name="target_has_value_or_growth"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.district or self.get_level_display()}"

    @property
    def wording(self) -> str:
        """The target in words, e.g. "> 100 亿元", "1–2 个", "×2.00 on the previous year"."""
        parts = []
        unit = self.indicator.unit
        if self.value is not None:
            value = f"{self.value.normalize():f}"
            if self.comparison == TargetComparison.BETWEEN and self.value_max is not None:
                parts.append(f"{value}–{self.value_max.normalize():f} {unit}")
            else:
                symbol = {"gt": ">", "gte": "≥"}.get(self.comparison, "")
                parts.append(f"{symbol} {value} {unit}".strip())
        if self.growth_factor is not None:
            parts.append(_("×%(factor)s on the previous year") % {"factor": f"{self.growth_factor.normalize():f}"})
        return "; ".join(str(part) for part in parts)


class IndustrialBelt(models.Model):
    """A district's featured industrial belt (特色产业带) named in the plan, e.g. 常熟 纺织服装."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="belts")
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="belts")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        ordering = ["plan", "district"]
        verbose_name = _("industrial belt")
        verbose_name_plural = _("industrial belts")
        constraints = [models.UniqueConstraint(fields=["plan", "district", "name"], name="belt_unique_in_district")]

    def __str__(self) -> str:
        return f"{self.district} · {self.name}"


class IndicatorReport(models.Model):
    """A reported figure for an indicator and period ("2024" or "2025-Q3"); district null = city.

    The plan's baselines (CBEC volume 2023 = 124.7 亿元, 2024 = 232.3 亿元) are loaded as reports
    with their source noted and no reporting user.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="reports"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=7)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_reports",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "district", "period"]
        verbose_name = _("indicator report")
        verbose_name_plural = _("indicator reports")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(district__isnull=True), name="report_unique_city_period"
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "period"],
                condition=Q(district__isnull=False),
                name="report_unique_district_period",
            ),
            models.CheckConstraint(condition=Q(period__regex=r"^[0-9]{4}(-Q[1-4])?$"), name="report_period_format"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.district or _('city')}: {self.value}"


class RubricScope(models.TextChoices):
    DISTRICT = "district", _("districts")
    DEPARTMENT = "department", _("departments")


class ComponentKind(models.TextChoices):
    INDICATOR = "indicator", _("indicator attainment")
    MILESTONES_ON_TIME = "milestones_on_time", _("milestones completed on time")
    CONFIRMATIONS = "confirmations", _("implementation confirmations done")
    MONTHLY_UPDATES = "monthly_updates", _("monthly progress updates on time")
    OVERDUE_PENALTY = "overdue_penalty", _("penalty per overdue milestone")


class Rubric(models.Model):
    """How the assessment (考核) scores a district or a department; the supervision office edits it
    in the admin. One active rubric per scope."""

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=RubricScope.choices)
    is_active = models.BooleanField(_("active"), default=True)
    green_threshold = models.DecimalField(_("green from (points)"), max_digits=6, decimal_places=2, default=85)
    amber_threshold = models.DecimalField(_("amber from (points)"), max_digits=6, decimal_places=2, default=70)
    reporting_days = models.PositiveSmallIntegerField(
        _("days after the period's end to report figures"),
        default=15,
        help_text=_("A figure still missing this many days after the period's end shows 未填报 and scores 0."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")
        constraints = [
            models.UniqueConstraint(fields=["scope"], condition=Q(is_active=True), name="rubric_one_active_per_scope"),
        ]

    def __str__(self) -> str:
        return self.name


class RubricComponent(models.Model):
    """A scored component: its weight in points (for a penalty: points per overdue milestone, up
    to ``cap``)."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("kind"), max_length=20, choices=ComponentKind.choices)
    indicator_code = models.SlugField(_("indicator code"), max_length=64, blank=True)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(_("largest penalty"), max_digits=6, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("rubric component")
        verbose_name_plural = _("rubric components")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="indicator") | ~Q(indicator_code=""), name="component_indicator_has_code"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="component_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.indicator_code} ({self.weight})".strip()


class InterimTarget(models.Model):
    """The office's target for one indicator and one period (a year "2025" or a quarter "2025-Q3",
    the quarter's figure counted from 1 January), for the city (no district) or a district. It takes
    the place of the plan's own target for that period; a period with neither is not assessed."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="interim_targets"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interim_targets",
    )
    period = models.CharField(_("period"), max_length=7)
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "district"]
        verbose_name = _("interim target")
        verbose_name_plural = _("interim targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(district__isnull=True), name="interim_unique_city"
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "period"],
                condition=Q(district__isnull=False),
                name="interim_unique_district",
            ),
            models.CheckConstraint(condition=Q(period__regex=r"^[0-9]{4}(-Q[1-4])?$"), name="interim_period_format"),
            models.CheckConstraint(condition=Q(value__gte=0), name="interim_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.district or _('city')}: {self.value}"


class PublicationStatus(models.TextChoices):
    CURRENT = "current", _("in force")
    SUPERSEDED = "superseded", _("superseded by a correction")
    WITHDRAWN = "withdrawn", _("withdrawn")


class AssessmentPublication(models.Model):
    """One version of a published assessment (通报): the results of a period frozen as they were
    published. A correction publishes the next version (with its reason) and supersedes the one in
    force; a withdrawal (撤回, with its reason) leaves the period unpublished. Every version stays."""

    # Each plan publishes its own 通报: another city's 2025 is not Suzhou's 2025.
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="publications")
    period = models.CharField(_("period"), max_length=7)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.CURRENT
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    remarks = models.TextField(_("remarks"), blank=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    snapshot = models.JSONField(_("results as published"))

    class Meta:
        ordering = ["-period", "-version"]
        verbose_name = _("published assessment")
        verbose_name_plural = _("published assessments")
        permissions = [("publish_assessment", _("Publish an assessment (通报)"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}(-Q[1-4])?$"), name="publication_period_format"
            ),
            models.UniqueConstraint(fields=["plan", "period", "version"], name="publication_version_unique"),
            models.UniqueConstraint(
                fields=["plan", "period"], condition=Q(status="current"), name="publication_one_current_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"
