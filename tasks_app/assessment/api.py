from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from departments.models import District
from tasks_app.assessment.models import Indicator, IndicatorReport
from tasks_app.assessment.permissions import indicator_reports_visible_to
from tasks_app.assessment.scoring import Period, assessment_for, assessment_publish, assessment_visible_to
from tasks_app.assessment.services import indicator_report_submit
from tasks_app.plan.api import CurrentPlanSlugField, UnitSlugField
from tasks_app.plan.selectors import current_plan


class IndicatorReportSerializer(serializers.ModelSerializer):
    indicator = CurrentPlanSlugField(Indicator, "code")
    district = UnitSlugField(District, allow_null=True, required=False)  # the plan's government's districts
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
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


def _period(text: str) -> Period:
    plan = current_plan()
    if plan is None:
        raise NotFound("No plan is loaded.")
    period = Period.parse(text)
    if not plan.start_year - 1 <= period.year <= plan.end_year + 1:
        raise NotFound("The plan does not cover that period.")
    return period


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def assessment_detail(request, period):
    """Scorecards of the period ("2025" or "2025-Q3"): districts, departments, city indicators.
    Before publication a district sees its own card and a department its own row only."""
    result = assessment_for(current_plan(), _period(period))
    return Response(assessment_visible_to(request.user, result).as_dict())


@extend_schema(request=PublishSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def assessment_publish_view(request, period):
    """Publish the period's results (通报): supervision office; once per period (409 after)."""
    serializer = PublishSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    publication = assessment_publish(
        plan=current_plan(), period=_period(period), by=request.user, remarks=serializer.validated_data["remarks"]
    )
    return Response(
        {"period": publication.period, "published_at": publication.published_at, "remarks": publication.remarks},
        status=status.HTTP_201_CREATED,
    )
