from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from departments.models import District
from tasks_app.assessment.models import AssessmentPublication, Indicator, IndicatorReport
from tasks_app.assessment.permissions import indicator_reports_visible_to
from tasks_app.assessment.scoring import Period, assessment_for, assessment_visible_to, from_publication
from tasks_app.assessment.services import assessment_publish, assessment_withdraw, indicator_report_submit
from tasks_app.core.people import person_label
from tasks_app.plan.api import CurrentPlanSlugField, UnitSlugField
from tasks_app.plan.selectors import current_plan


class IndicatorReportSerializer(serializers.ModelSerializer):
    indicator = CurrentPlanSlugField(Indicator, "code")
    district = UnitSlugField(District, allow_null=True, required=False)  # the plan's government's districts
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    period = serializers.RegexField(r"^[0-9]{4}(-Q[1-4])?$", max_length=7)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)

    class Meta:
        model = IndicatorReport
        fields = ["id", "indicator", "district", "period", "value", "source", "reported_by", "reported_at"]
        read_only_fields = ["reported_by", "reported_at"]
        validators = []  # one figure per (indicator, district, period): a second POST corrects it


class IndicatorReportFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    district = django_filters.CharFilter(field_name="district__code")
    city = django_filters.BooleanFilter(field_name="district", lookup_expr="isnull")

    class Meta:
        model = IndicatorReport
        fields = ["indicator", "district", "period", "city"]


class IndicatorReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Indicator figures: a district reports its own, the data-source departments the city's
    (`district` null). POSTing the same (indicator, district, period) again corrects the figure;
    the history keeps the old value."""

    serializer_class = IndicatorReportSerializer
    filterset_class = IndicatorReportFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndicatorReport.objects.none()
        return (
            indicator_reports_visible_to(self.request.user)
            .filter(indicator__plan=current_plan())
            .select_related("indicator", "district", "reported_by")
            .order_by("indicator__position", "district__position", "period")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = IndicatorReport.objects.filter(
            indicator=data["indicator"], district=data.get("district"), period=data["period"]
        ).exists()
        report = indicator_report_submit(
            indicator=data["indicator"],
            district=data.get("district"),
            period=data["period"],
            value=data["value"],
            source=data.get("source", ""),
            by=request.user,
        )
        return Response(
            self.get_serializer(report).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class PublishSerializer(serializers.Serializer):
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


def _period(text: str) -> Period:
    plan = current_plan()
    if plan is None:
        raise NotFound("No plan is loaded.")
    period = Period.parse(text)
    if not plan.start_year - 1 <= period.year <= plan.end_year + 1:
        raise NotFound("The plan does not cover that period.")
    return period


def _moment(value):
    from django.utils import timezone

    return None if value is None else timezone.localtime(value).isoformat()


def _publication(publication: AssessmentPublication) -> dict:
    return {
        "period": publication.period,
        "version": publication.version,
        "status": publication.status,
        "published_at": _moment(publication.published_at),
        "published_by": publication.snapshot.get("record", {}).get("published_by")
        or person_label(publication.published_by),
        "remarks": publication.remarks,
        "reason": publication.reason,
        "withdrawn_at": _moment(publication.withdrawn_at),
        "withdrawn_by": person_label(publication.withdrawn_by) if publication.withdrawn_by_id else None,
        "withdrawal_reason": publication.withdrawal_reason,
    }


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def assessment_detail(request, period):
    """Scorecards of the period ("2025" or "2025-Q3"): districts, departments, city indicators, the
    overdue list. The version in force once published (the same for every reader), any version on
    record with ``?version=N``; before publication a district sees its own card and a department
    its own row only."""
    period_ = _period(period)
    version = request.query_params.get("version")
    if version:
        publication = AssessmentPublication.objects.filter(
            plan=current_plan(), period=str(period_), version=int(version) if version.isdigit() else -1
        ).first()
        if publication is None:
            raise NotFound("No such version.")
        return Response(from_publication(publication).as_dict())
    result = assessment_for(current_plan(), period_)
    return Response(assessment_visible_to(request.user, result).as_dict())


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def assessment_publications(request, period):
    """Every version published for the period, newest first: who published it and when, the
    correction's reason, and who withdrew it, when and why."""
    period_ = _period(period)
    versions = (
        AssessmentPublication.objects.filter(plan=current_plan(), period=str(period_))
        .select_related("published_by", "withdrawn_by")
        .order_by("-version")
    )
    return Response({"period": str(period_), "versions": [_publication(p) for p in versions]})


@extend_schema(request=PublishSerializer, responses={201: OpenApiTypes.OBJECT})
@api_view(["POST"])
def assessment_publish_view(request, period):
    """Publish the period's results (通报): supervision office. With a version in force, a
    corrected version needs ``reason`` (409 without one)."""
    serializer = PublishSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    publication = assessment_publish(
        plan=current_plan(),
        period=_period(period),
        by=request.user,
        remarks=serializer.validated_data["remarks"],
        reason=serializer.validated_data["reason"],
    )
    return Response(_publication(publication), status=status.HTTP_201_CREATED)


@extend_schema(request=WithdrawSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def assessment_withdraw_view(request, period):
    """Withdraw (撤回) the version in force, with a reason (400 without): supervision office; 409
    when nothing is in force."""
    from tasks_app.assessment.permissions import can_publish_assessment
    from tasks_app.core.errors import NotAllowed

    if not can_publish_assessment(request.user):
        raise NotAllowed("Only the supervision office may withdraw a publication.")
    serializer = WithdrawSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    publication = assessment_withdraw(
        plan=current_plan(), period=_period(period), by=request.user, reason=serializer.validated_data["reason"]
    )
    return Response(_publication(publication))
