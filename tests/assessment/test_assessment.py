"""The assessment (考核): known data in, scores out."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from departments.models import Department, District
from tasks_app.assessment.models import AssessmentPublication, Indicator, IndicatorReport, Rubric, RubricComponent
from tasks_app.assessment.scoring import Period, assessment_compute
from tasks_app.plan.models import Implementation, KeyTask
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import implementation_confirm, milestone_create, milestone_transition


def report(code, district_code, period, value):
    IndicatorReport.objects.update_or_create(
        indicator=Indicator.objects.get(code=code),
        district=District.objects.get(code=district_code) if district_code else None,
        period=period,
        defaults={"value": Decimal(value)},
    )


def confirm_all(district_code, users, count=17, on=dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)):
    """Confirm the district's first ``count`` implementations, dated ``on`` (a period counts the
    confirmations made by its end)."""
    district = District.objects.get(code=district_code)
    for implementation in Implementation.objects.filter(district=district).order_by("task__number")[:count]:
        implementation_confirm(implementation=implementation, by=users[f"district-{district_code}"], note="已落实")
    Implementation.objects.filter(district=district, status="confirmed").update(confirmed_at=on)


def row(result, code, scope="districts"):
    return next(r for r in getattr(result, scope) if r.code == code)


def component(row_, kind, label=None):
    return next(c for c in row_.components if c.kind == kind and (label is None or c.label == label))


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def figures(suzhou_plan, demo_accounts):
    """sip: volume doubled (40 → 80), belt over target; kunshan: volume short (40 → 60), all 17
    tasks confirmed."""
    for code, before, after in (("sip", "40", "80"), ("kunshan", "40", "60")):
        report("cbec_volume", code, "2023", before)
        report("cbec_volume", code, "2024", after)
    report("belt_export", "sip", "2024", "120")
    confirm_all("kunshan", demo_accounts)
    return suzhou_plan


def test_city_volume_2024_is_not_green(suzhou_plan):
    result = assessment_compute(suzhou_plan, Period.parse("2024"), as_of=dt.date(2025, 3, 1))
    volume = next(c for c in result.city if c.label.startswith("跨境电商进出口额"))
    assert (volume.target, volume.actual, volume.attainment) == ("249.40", "232.30", "93.1")
    assert volume.rag == "amber"


def test_points_follow_the_rubric_and_ranks_follow_points(figures):
    result = assessment_compute(figures, Period.parse("2024"), as_of=dt.date(2025, 3, 1))
    sip, kunshan = row(result, "sip"), row(result, "kunshan")
    # cbec_volume (25 points): sip met the doubling target, kunshan reached 60 of 80 = 75 %
    assert component(sip, "indicator", "跨境电商进出口额(海关监管平台)").points == "25.00"
    kunshan_volume = component(kunshan, "indicator", "跨境电商进出口额(海关监管平台)")
    assert (kunshan_volume.target, kunshan_volume.attainment, kunshan_volume.points) == ("80.00", "75.0", "18.75")
    assert kunshan_volume.rag == "red"
    # belt_export (15): the 2026 target only; 2024 has none: not assessed (grey), said so
    belt = component(sip, "indicator", "特色产业带出口规模")
    assert belt.note and not belt.assessed and belt.rag == "grey"
    # confirmations (25): kunshan 17/17 by mid-2024, sip 0/17; milestones on time: none due → not assessed
    assert component(kunshan, "confirmations").points == "25.00"
    assert component(sip, "confirmations").points == "0.00"
    assert not component(sip, "milestones_on_time").assessed
    for r in result.districts:
        assessed = [c for c in r.components if c.assessed and c.kind != "overdue_penalty"]
        weights = sum(Decimal(c.weight) for c in assessed)
        expected = sum(Decimal(c.points) for c in assessed) * 100 / weights
        assert Decimal(r.score) == expected.quantize(Decimal("0.01"))  # the assessed weights scaled to 100
        assert Decimal(0) <= Decimal(r.score) <= Decimal(100)
    scores = [Decimal(r.score) for r in result.districts]
    assert scores == sorted(scores, reverse=True)
    for earlier, later in zip(result.districts, result.districts[1:], strict=False):
        assert earlier.rank <= later.rank
        assert (earlier.rank == later.rank) == (earlier.score == later.score)
    # kunshan: (18.75 + 25) / 50 = 87.50; sip: 25 / 50 = 50.00
    assert (kunshan.rank, kunshan.score, sip.score) == (1, "87.50", "50.00")


def test_changing_a_weight_changes_the_ranking(figures):
    rubric = Rubric.objects.get(scope="district", is_active=True)
    RubricComponent.objects.filter(rubric=rubric, kind="confirmations").update(weight=Decimal("1"))
    RubricComponent.objects.filter(rubric=rubric, indicator_code="cbec_volume").update(weight=Decimal("60"))
    result = assessment_compute(figures, Period.parse("2024"), as_of=dt.date(2025, 3, 1))
    # sip: 60 / 61; kunshan: (45 + 1) / 61 — scaled to 100
    assert (row(result, "sip").rank, row(result, "sip").score) == (1, "98.36")
    assert (row(result, "kunshan").rank, row(result, "kunshan").score) == (2, "75.41")


def backdate(milestone, created, completed=None):
    Milestone.objects.filter(pk=milestone.pk).update(
        created_at=dt.datetime.combine(created, dt.time(9), tzinfo=dt.UTC),
        **({"completed_at": dt.datetime.combine(completed, dt.time(10), tzinfo=dt.UTC)} if completed else {}),
    )


def test_overdue_penalty_and_department_measures(figures, demo_accounts):
    task = KeyTask.objects.get(number=6)
    customs = Department.objects.get(code="customs")
    sip = District.objects.get(code="sip")
    late = milestone_create(
        task=task, owner=customs, district=sip, title="迟", due_date=dt.date(2024, 5, 1), by=demo_accounts["supervisor"]
    )
    on_time = milestone_create(
        task=task, owner=customs, title="准", due_date=dt.date(2024, 6, 1), by=demo_accounts["supervisor"]
    )
    for action, who in (("start", "liaison-customs"), ("submit", "liaison-customs"), ("approve", "supervisor")):
        milestone_transition(milestone=on_time, action=action, by=demo_accounts[who])
    backdate(late, dt.date(2024, 1, 10))
    backdate(on_time, dt.date(2024, 1, 10), completed=dt.date(2024, 5, 30))
    result = assessment_compute(figures, Period.parse("2024"), as_of=dt.date(2025, 3, 1))
    customs_row = row(result, "customs", "departments")
    assert customs_row.facts["milestones_due"] == 2 and customs_row.facts["on_time"] == 1
    assert customs_row.facts["overdue"] == 1
    assert Decimal(customs_row.facts["average_days_overdue"]) == (dt.date(2024, 12, 31) - dt.date(2024, 5, 1)).days
    assert component(customs_row, "milestones_on_time").points == "30.00"
    # half of what fell due was overdue at the year's end: 2 points per tenth → 10, the cap
    assert component(customs_row, "overdue_penalty").points == "-10.00"
    # 苏州海关 is responsible for 7 tasks × 12 months of 2024, with no update posted
    assert customs_row.facts["monthly_expected"] == 84 and component(customs_row, "monthly_updates").points == "0.00"
    # (30 + 0) / 100 − 10 = 20
    assert customs_row.score == "20.00"
    # sip: its one milestone due was overdue: 2 × 10 tenths = 20, capped at 10
    assert component(row(result, "sip"), "overdue_penalty").points == "-10.00"
    # the overdue list is the one the counts come from
    assert [(m["title"], m["owner"], m["district"]) for m in result.overdue] == [("迟", "苏州海关", "苏州工业园区")]


def test_publication_freezes_results_and_opens_them_to_everyone(figures, demo_accounts):
    kunshan_view = api(demo_accounts["district-kunshan"]).get("/api/v1/assessment/2024/").json()
    assert [r["code"] for r in kunshan_view["districts"]] == ["kunshan"]
    assert kunshan_view["departments"] == []
    customs_view = api(demo_accounts["liaison-customs"]).get("/api/v1/assessment/2024/").json()
    assert customs_view["districts"] == [] and [r["code"] for r in customs_view["departments"]] == ["customs"]
    assert len(api(demo_accounts["leader"]).get("/api/v1/assessment/2024/").json()["districts"]) == 10

    assert api(demo_accounts["liaison-commerce"]).post("/api/v1/assessment/2024/publish/").status_code == 403
    published = api(demo_accounts["supervisor"]).post("/api/v1/assessment/2024/publish/", {"remarks": "第一期通报"})
    assert published.status_code == 201
    assert api(demo_accounts["supervisor"]).post("/api/v1/assessment/2024/publish/").status_code == 409

    before = api(demo_accounts["district-gusu"]).get("/api/v1/assessment/2024/").json()
    assert before["published"] is True and len(before["districts"]) == 10
    report("cbec_volume", "sip", "2024", "1")  # a later change does not touch the published 通报
    after = api(demo_accounts["district-gusu"]).get("/api/v1/assessment/2024/").json()
    assert after == before
    assert AssessmentPublication.objects.get().remarks == "第一期通报"


def test_bad_periods_are_400_or_404(suzhou_plan, demo_accounts):
    client = api(demo_accounts["supervisor"])
    assert client.get("/api/v1/assessment/last-year/").status_code == 400
    assert client.get("/api/v1/assessment/2031/").status_code == 404
    assert client.get("/api/v1/assessment/2025-Q3/").status_code == 200


def test_indicator_reports_who_may_report_and_see(suzhou_plan, demo_accounts):
    sip = api(demo_accounts["district-sip"])
    created = sip.post(
        "/api/v1/indicator-reports/", {"indicator": "cbec_parks", "district": "sip", "period": "2025", "value": "2"}
    )
    assert created.status_code == 201
    corrected = sip.post(
        "/api/v1/indicator-reports/", {"indicator": "cbec_parks", "district": "sip", "period": "2025", "value": "3"}
    )
    assert corrected.status_code == 200 and corrected.json()["value"] == "3.00"
    stored = IndicatorReport.objects.get(indicator__code="cbec_parks", district__code="sip", period="2025")
    assert [h.value for h in stored.history.order_by("history_date")] == [Decimal("2.00"), Decimal("3.00")]
    assert (
        sip.post(
            "/api/v1/indicator-reports/",
            {"indicator": "cbec_parks", "district": "gusu", "period": "2025", "value": "9"},
        ).status_code
        == 403
    )
    assert (
        sip.post(
            "/api/v1/indicator-reports/",
            {"indicator": "cbec_parks", "district": "sip", "period": "2025-Q5", "value": "1"},
        ).status_code
        == 400
    )
    assert (
        sip.post(
            "/api/v1/indicator-reports/", {"indicator": "nothing", "district": "sip", "period": "2025", "value": "1"}
        ).status_code
        == 400
    )

    gusu_rows = api(demo_accounts["district-gusu"]).get("/api/v1/indicator-reports/", {"limit": 500}).json()["results"]
    assert all(r["district"] in (None, "gusu") for r in gusu_rows)

    city = {"indicator": "cbec_volume", "district": None, "period": "2025", "value": "500"}
    assert (
        api(demo_accounts["liaison-commerce"]).post("/api/v1/indicator-reports/", city, format="json").status_code
        == 201
    )
    assert api(demo_accounts["liaison-tax"]).post("/api/v1/indicator-reports/", city, format="json").status_code == 403

    api(demo_accounts["supervisor"]).post("/api/v1/assessment/2025/publish/")
    late = sip.post(
        "/api/v1/indicator-reports/", {"indicator": "cbec_parks", "district": "sip", "period": "2025", "value": "4"}
    )
    assert late.status_code == 409
    by_office = api(demo_accounts["supervisor"]).post(
        "/api/v1/indicator-reports/", {"indicator": "cbec_parks", "district": "sip", "period": "2025", "value": "4"}
    )
    assert by_office.status_code == 200
    # Published: every district now sees the 2025 figures.
    gusu_rows = (
        api(demo_accounts["district-gusu"]).get("/api/v1/indicator-reports/", {"period": "2025"}).json()["results"]
    )
    assert any(r["district"] == "sip" for r in gusu_rows)


def test_overdue_board_api_shows_only_visible_rows_with_escalation(suzhou_plan, demo_accounts, settings):
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = False  # the calendar-day rule: a level every 7 days, any day
    milestone = milestone_create(
        task=KeyTask.objects.get(number=3),
        owner=Department.objects.get(code="transport"),
        title="物流项目",
        due_date=dt.date.today() - dt.timedelta(days=15),
        by=demo_accounts["supervisor"],
    )
    reminders_scan()
    rows = api(demo_accounts["supervisor"]).get("/api/v1/overdue/").json()["results"]
    mine = next(r for r in rows if r["id"] == milestone.pk)
    assert mine["days_overdue"] >= 14 and mine["escalation_level"] == mine["days_overdue"] // 7
    assert mine["owner"] == "transport" and mine["task"] == 3 and mine["last_reminder_at"]
    assert api(demo_accounts["liaison-qiaolian"]).get("/api/v1/overdue/").json()["results"] == []
