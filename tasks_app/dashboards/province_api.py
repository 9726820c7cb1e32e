"""``/api/v1/province/``: the province's view as data (the page's figures, ``dashboards.province``).
404 for everyone but the province's supervision office and leadership and administrators."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from tasks_app.dashboards.province import may_see_province, province_overview

_MILESTONES = inline_serializer(
    "ProvinceMilestones",
    {
        "total": serializers.IntegerField(),
        "completed": serializers.IntegerField(),
        "on_time": serializers.IntegerField(help_text="completed by the original due date"),
        "overdue": serializers.IntegerField(help_text="open and past the due date"),
    },
)
_LEVEL = inline_serializer(
    "ProvinceEscalationLevel",
    {"level": serializers.IntegerField(), "label": serializers.CharField(), "count": serializers.IntegerField()},
)
_ESCALATIONS = inline_serializer(
    "ProvinceEscalations",
    {
        "total": serializers.IntegerField(help_text="overdue milestones with a 督办 escalation"),
        "levels": _LEVEL.__class__(many=True, help_text="each counted once, at its highest level (3: 通报 and on)"),
    },
)
_CONFIRMATIONS = inline_serializer(
    "ProvinceConfirmations",
    {
        "implementations": serializers.IntegerField(),
        "confirmed": serializers.IntegerField(),
        "awaiting": serializers.IntegerField(),
        "rejected": serializers.IntegerField(),
    },
)
_INDICATOR = inline_serializer(
    "ProvinceIndicator",
    {
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "name_en": serializers.CharField(),
        "unit": serializers.CharField(),
        "period": serializers.CharField(help_text="the period of the latest figure (or the current year: none yet)"),
        "actual": serializers.CharField(allow_null=True),
        "target": serializers.CharField(allow_null=True),
        "attainment": serializers.CharField(allow_null=True, help_text="percent"),
        "rag": serializers.CharField(allow_null=True),
        "note": serializers.CharField(allow_blank=True),
        "final_year": serializers.IntegerField(),
        "final_target": serializers.CharField(allow_null=True),
    },
)
_PUBLICATION = inline_serializer(
    "ProvincePublication",
    {
        "period": serializers.CharField(),
        "version": serializers.IntegerField(),
        "published_at": serializers.DateTimeField(help_text="Asia/Shanghai"),
        "published_on": serializers.DateField(help_text="Asia/Shanghai"),
        "url": serializers.CharField(allow_null=True, help_text="the assessment page, where it shows this plan"),
    },
    allow_null=True,
)
_PLAN = inline_serializer(
    "ProvincePlan",
    {
        "code": serializers.CharField(),
        "title": serializers.CharField(),
        "title_en": serializers.CharField(allow_blank=True),
        "start_year": serializers.IntegerField(),
        "end_year": serializers.IntegerField(),
    },
    allow_null=True,
)
_CITY = inline_serializer(
    "ProvinceCity",
    {
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "name_en": serializers.CharField(allow_blank=True),
        "plan": _PLAN,
        "milestones": _MILESTONES,
        "escalations": _ESCALATIONS,
        "confirmations": _CONFIRMATIONS,
        "indicators": _INDICATOR.__class__(many=True),
        "publication": _PUBLICATION,
    },
)
ProvinceSerializer = inline_serializer(
    "Province",
    {
        "as_of": serializers.DateField(),
        "counted_at": serializers.DateTimeField(
            help_text="when the milestone, escalation and confirmation tallies were counted (Asia/Shanghai)"
        ),
        "updating": serializers.BooleanField(help_text="a newer count is under way: ask again in a minute"),
        "cities": _CITY.__class__(many=True),
    },
).__class__


def _plan(plan) -> dict | None:
    if plan is None:
        return None
    return {
        "code": plan.code,
        "title": plan.title,
        "title_en": plan.title_en,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
    }


def _indicator(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "indicator"}


@extend_schema(responses=ProvinceSerializer)
@api_view(["GET"])
def province_detail(request):
    """The cities of the province side by side: per city's current plan the milestones (total,
    completed, on time, overdue), the escalated overdue ones by level, the districts' confirmations,
    the headline indicators against their targets and the latest published assessment."""
    if not may_see_province(request.user):
        raise NotFound()
    overview = province_overview(request.user, timezone.localdate())
    cities = [
        {
            "code": city["government"].code,
            "name": city["government"].name,
            "name_en": city["government"].name_en,
            "plan": _plan(city["plan"]),
            "milestones": city["milestones"],
            "escalations": city["escalations"],
            "confirmations": city["confirmations"],
            "indicators": [_indicator(row) for row in city["indicators"]],
            "publication": city["publication"],
        }
        for city in overview["cities"]
    ]
    return Response(
        ProvinceSerializer(
            {
                "as_of": overview["as_of"],
                "counted_at": overview["counted_at"],
                "updating": overview["updating"],
                "cities": cities,
            }
        ).data
    )
