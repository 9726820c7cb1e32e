"""The assessment the office publishes under the city's name (issue 15): right, fair, frozen, official."""

import datetime as dt
import io
import re
import subprocess
import zipfile
from decimal import Decimal

import docx
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from departments.models import Department, District
from tasks_app.assessment.models import (
    AssessmentPublication,
    Indicator,
    IndicatorReport,
    InterimTarget,
    Rubric,
    RubricComponent,
)
from tasks_app.assessment.scoring import Figures, Period, assessment_compute
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create

READERS = ["supervisor", "district-gusu", "liaison-customs", "leader"]


def web(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def milestone(by, *, owner="customs", district=None, due, created, completed=None, title="节点", task=6):
    made = milestone_create(
        task=KeyTask.objects.get(number=task),
        owner=Department.objects.get(code=owner),
        district=District.objects.get(code=district) if district else None,
        title=title,
        due_date=due,
        by=by,
    )
    values = {"created_at": dt.datetime.combine(created, dt.time(9), tzinfo=dt.UTC)}
    if completed:
        values |= {"completed_at": dt.datetime.combine(completed, dt.time(10), tzinfo=dt.UTC), "status": "completed"}
    Milestone.objects.filter(pk=made.pk).update(**values)
    return made


def report(code, district_code, period, value):
    IndicatorReport.objects.update_or_create(
        indicator=Indicator.objects.get(code=code),
        district=District.objects.get(code=district_code) if district_code else None,
        period=period,
        defaults={"value": Decimal(value)},
    )


@pytest.fixture
def year_2024(suzhou_plan, demo_accounts):
    """2024 with figures and a few milestones: two overdue at the year's end, one on time."""
    supervisor = demo_accounts["supervisor"]
    for code, before, after in (("sip", "40", "80"), ("kunshan", "40", "60")):
        report("cbec_volume", code, "2023", before)
        report("cbec_volume", code, "2024", after)
    milestone(supervisor, district="sip", due=dt.date(2024, 4, 1), created=dt.date(2024, 1, 5), title="园区迟")
    milestone(supervisor, owner="commerce", due=dt.date(2024, 9, 1), created=dt.date(2024, 1, 5), title="商务迟")
    milestone(
        supervisor, due=dt.date(2024, 6, 1), created=dt.date(2024, 1, 5), completed=dt.date(2024, 5, 20), title="按期"
    )
    return suzhou_plan


# --- 1. A period means a period ---------------------------------------------------------------


def test_a_milestone_created_after_the_period_or_due_in_another_does_not_move_it(year_2024, demo_accounts):
    as_of = dt.date(2026, 11, 1)
    # the period's own figures (the change since 2023 follows 2023's figures, which the 2023 item moves)
    before = assessment_compute(year_2024, Period(2024), as_of=as_of, with_change=False).as_dict()
    supervisor = demo_accounts["supervisor"]
    # created today with a 2024 due date: it did not exist when 2024 closed
    milestone(supervisor, district="sip", due=dt.date(2024, 3, 1), created=dt.date(2026, 11, 1), title="补录")
    # due in 2023 or 2025: another period's
    milestone(supervisor, district="sip", due=dt.date(2023, 6, 1), created=dt.date(2023, 1, 5), title="上年")
    milestone(supervisor, district="sip", due=dt.date(2025, 2, 1), created=dt.date(2024, 3, 5), title="下年")
    after = assessment_compute(year_2024, Period(2024), as_of=as_of, with_change=False).as_dict()
    assert after == before


def test_a_milestone_completed_after_the_period_counts_late_and_overdue_at_its_end(year_2024, demo_accounts):
    late = Milestone.objects.get(title="园区迟")
    Milestone.objects.filter(pk=late.pk).update(
        status="completed", completed_at=dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC)
    )
    result = assessment_compute(year_2024, Period(2024), as_of=dt.date(2026, 11, 1))
    assert result.as_of == "2024-12-31" and result.as_of_basis == "period_end"
    customs = next(r for r in result.departments if r.code == "customs")
    assert customs.facts["on_time"] == 1 and customs.facts["overdue"] == 1
    assert "园区迟" in [m["title"] for m in result.overdue]


def test_the_overdue_list_agrees_with_the_department_counts(year_2024):
    result = assessment_compute(year_2024, Period(2024), as_of=dt.date(2026, 11, 1))
    assert sum(r.facts["overdue"] for r in result.departments) == len(result.overdue) == 2
    for row in result.departments:
        assert row.facts["overdue"] == sum(1 for m in result.overdue if m["owner"] == row.name)
    assert {m["due_date"][:4] for m in result.overdue} == {"2024"}


# --- 2. Publication freezes everything, the same for every reader ----------------------------------


def test_a_published_period_is_the_same_for_every_reader_and_does_not_move(year_2024, demo_accounts):
    office = api(demo_accounts["supervisor"])
    assert office.post("/api/v1/assessment/2024/publish/", {"remarks": "第一期"}, format="json").status_code == 201
    bodies = {who: api(demo_accounts[who]).get("/api/v1/assessment/2024/").json() for who in READERS}
    files = {
        (who, kind): web(demo_accounts[who])
        .get(reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}), {"format": kind})
        .content
        for who in READERS
        for kind in ("docx", "pdf")
    }
    first = bodies["supervisor"]
    assert all(body == first for body in bodies.values())
    for kind in ("docx", "pdf"):
        assert len({files[(who, kind)] for who in READERS}) == 1, kind
    assert first["city"], "the city section is published with the rest"
    assert len(first["districts"]) == 10 and first["overdue"] and first["rubrics"]["district"]["parts"]
    assert first["published_by"] and first["published_by"] != "supervisor"  # a person, never a login

    # the data changes after publication: nothing published moves
    report("cbec_volume", "sip", "2024", "1")
    report("cbec_volume", None, "2024", "1")
    milestone(demo_accounts["supervisor"], due=dt.date(2024, 5, 1), created=dt.date(2024, 1, 2), title="后补")
    RubricComponent.objects.filter(indicator_code="cbec_volume").update(weight=Decimal(90))
    for who in READERS:
        assert api(demo_accounts[who]).get("/api/v1/assessment/2024/").json() == first
        for kind in ("docx", "pdf"):
            again = web(demo_accounts[who]).get(
                reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}), {"format": kind}
            )
            assert again.content == files[(who, kind)]


def test_before_publication_each_sees_only_its_own(year_2024, demo_accounts):
    body = api(demo_accounts["district-sip"]).get("/api/v1/assessment/2024/").json()
    assert [r["code"] for r in body["districts"]] == ["sip"] and body["departments"] == []
    assert [m["title"] for m in body["overdue"]] == ["园区迟"]  # its own district's item only
    body = api(demo_accounts["liaison-commerce"]).get("/api/v1/assessment/2024/").json()
    assert [m["title"] for m in body["overdue"]] == ["商务迟"]


# --- 3. Publish with care: versions, correction, withdrawal ------------------------------------------


def test_a_correction_publishes_version_2_and_version_1_stays_readable(year_2024, demo_accounts):
    office = api(demo_accounts["supervisor"])
    office.post("/api/v1/assessment/2024/publish/", {}, format="json")
    first = office.get("/api/v1/assessment/2024/").json()
    assert office.post("/api/v1/assessment/2024/publish/", {}, format="json").status_code == 409  # no reason
    report("cbec_volume", "kunshan", "2024", "90")  # the figure was wrong
    corrected = office.post("/api/v1/assessment/2024/publish/", {"reason": "昆山市数据更正"}, format="json")
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    now = api(demo_accounts["district-gusu"]).get("/api/v1/assessment/2024/").json()
    assert now["version"] == 2 and now["reason"] == "昆山市数据更正" and now != first
    old = api(demo_accounts["district-gusu"]).get("/api/v1/assessment/2024/", {"version": 1}).json()
    assert old["version"] == 1 and old["status"] == "superseded"
    assert old["districts"] == first["districts"]
    versions = api(demo_accounts["leader"]).get("/api/v1/assessment/2024/publications/").json()["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [(2, "current"), (1, "superseded")]
    assert versions[0]["reason"] == "昆山市数据更正" and "supervisor" not in versions[0]["published_by"]


def test_withdrawal_needs_a_reason_and_keeps_the_record(year_2024, demo_accounts):
    office = api(demo_accounts["supervisor"])
    office.post("/api/v1/assessment/2024/publish/", {}, format="json")
    assert office.post("/api/v1/assessment/2024/withdraw/", {}, format="json").status_code == 400
    assert api(demo_accounts["leader"]).post("/api/v1/assessment/2024/withdraw/", {"reason": "x"}).status_code == 403
    withdrawn = office.post("/api/v1/assessment/2024/withdraw/", {"reason": "发布有误"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert office.post("/api/v1/assessment/2024/withdraw/", {"reason": "再撤"}, format="json").status_code == 409
    # unpublished again: a district sees its own card only; version 1 is still on record
    assert len(api(demo_accounts["district-sip"]).get("/api/v1/assessment/2024/").json()["districts"]) == 1
    record = api(demo_accounts["district-sip"]).get("/api/v1/assessment/2024/", {"version": 1}).json()
    assert record["withdrawal_reason"] == "发布有误" and record["withdrawn_at"]
    assert office.post("/api/v1/assessment/2024/publish/", {}, format="json").json()["version"] == 2
    page = web(demo_accounts["district-sip"]).get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    assert [v["version"] for v in page.context["versions"]] == [2, 1]


def test_the_publish_button_asks_first_and_shows_what_is_frozen(year_2024, demo_accounts):
    page = web(demo_accounts["supervisor"]).get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    html = page.content.decode()
    assert 'data-confirm="' in html and "js/confirm.js" in html and "<script>" not in html
    assert 'id="will-freeze"' in html


def test_dates_are_chinese_and_in_shanghai(year_2024, demo_accounts):
    office = web(demo_accounts["supervisor"])
    office.post(reverse("tasks_app:assessment_publish", kwargs={"period": "2024"}), {"remarks": ""})
    publication = AssessmentPublication.objects.get()
    # published at 20:30 UTC on 23 November: 24 November in Shanghai
    AssessmentPublication.objects.filter(pk=publication.pk).update(
        published_at=dt.datetime(2026, 11, 23, 20, 30, tzinfo=dt.UTC)
    )
    notice = office.get(reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}))
    text = notice.content.decode()
    assert "2026年11月24日" in text and "2024年12月31日" in text
    response = office.get(reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}), {"format": "docx"})
    assert "2026%E5%B9%B411%E6%9C%8824%E6%97%A5" in response["Content-Disposition"]  # 2026年11月24日
    body = api(demo_accounts["leader"]).get("/api/v1/assessment/2024/").json()
    assert body["published_at"].startswith("2026-11-24T04:30")


# --- 4. Targets the office owns; not assessed, not red -------------------------------------------------


def test_2025_without_interim_targets_has_no_district_red_for_a_missing_target(suzhou_plan):
    result = assessment_compute(suzhou_plan, Period(2025), as_of=dt.date(2026, 3, 1))
    for row in result.districts:
        for part in row.components:
            if part.kind == "indicator" and part.target is None:
                assert not part.assessed and part.rag == "grey"
        assert row.score is None or Decimal(0) <= Decimal(row.score) <= Decimal(100)


def test_with_interim_targets_the_ranking_follows_attainment(suzhou_plan, demo_accounts):
    volume = Indicator.objects.get(code="cbec_volume")
    for code, value in (("sip", "150"), ("kunshan", "100"), ("gusu", "40")):
        InterimTarget.objects.create(
            indicator=volume,
            district=District.objects.get(code=code),
            period="2025",
            value=Decimal(100),
            set_by=demo_accounts["supervisor"],
        )
        report("cbec_volume", code, "2025", value)
    result = assessment_compute(suzhou_plan, Period(2025), as_of=dt.date(2026, 3, 1))
    ranked = {r.code: r for r in result.districts}
    assert ranked["sip"].rank <= ranked["kunshan"].rank < ranked["gusu"].rank
    part = next(c for c in ranked["gusu"].components if c.kind == "indicator" and c.label == volume.name)
    assert (part.target, part.attainment, part.assessed) == ("100.00", "40.0", True)


def test_a_figure_missing_after_the_reporting_deadline_is_not_reported_and_not_attained(suzhou_plan, demo_accounts):
    volume = Indicator.objects.get(code="cbec_volume")
    InterimTarget.objects.create(
        indicator=volume,
        district=District.objects.get(code="sip"),
        period="2025-Q1",
        value=Decimal(10),
        set_by=demo_accounts["supervisor"],
    )

    def part(as_of):
        result = assessment_compute(suzhou_plan, Period.parse("2025-Q1"), as_of=as_of)
        row = next(r for r in result.districts if r.code == "sip")
        return next(c for c in row.components if c.kind == "indicator" and c.label == volume.name)

    waiting = part(dt.date(2025, 4, 10))  # the 15-day reporting window is still open
    assert not waiting.assessed and waiting.rag == "grey"
    missed = part(dt.date(2025, 4, 20))
    assert missed.assessed and missed.rag == "red" and "未填报" in missed.note and missed.points == "0.00"


def test_the_suggested_path_runs_from_the_baseline_to_the_plans_last_year(suzhou_plan):
    figures = Figures(suzhou_plan)
    volume = figures.indicators["cbec_volume"]
    suggested = [figures.suggested(volume, None, Period(y)) for y in (2024, 2025, 2026)]
    final = figures.annual_target(volume, None, 2026)
    assert suggested[2] == final.quantize(Decimal("0.01"))
    assert suggested[0] < suggested[1] < suggested[2]
    assert figures.suggested(volume, None, Period.parse("2025-Q2")) == (suggested[1] / 2).quantize(Decimal("0.01"))
    firms = figures.indicators["new_cbec_firms"]
    assert figures.suggested(firms, None, Period(2025)) == Decimal("600.00")  # the plan's own yearly target


def test_the_office_enters_targets_on_a_page_with_history(suzhou_plan, demo_accounts):
    url = reverse("tasks_app:assessment_targets")
    for who in ("leader", "district-sip", "liaison-commerce"):
        assert web(demo_accounts[who]).get(url).status_code == 403
        assert web(demo_accounts[who]).post(url, {"indicator": "cbec_volume", "period": "2025"}).status_code == 403
    office = web(demo_accounts["supervisor"])
    page = office.get(url, {"indicator": "cbec_volume", "period": "2025"})
    assert page.status_code == 200
    city_initial = page.context["form"].initial["city"]
    assert city_initial == page.context["rows"][0]["suggested"] and city_initial is not None
    answer = office.post(
        url, {"indicator": "cbec_volume", "period": "2025", "city": "500", "d_sip": "80", "note": "年中调整"}
    )
    assert answer.status_code == 302
    assert InterimTarget.objects.get(district=None, period="2025").value == Decimal(500)
    assert InterimTarget.objects.filter(period="2025").count() == 2
    bad = office.post(url, {"indicator": "cbec_volume", "period": "2025", "city": "-1"})
    assert bad.status_code == 400 and bad.context["form"].errors["city"]
    page = office.get(url, {"indicator": "cbec_volume", "period": "2025"})
    assert [h["note"] for h in page.context["history"]][:2] == ["年中调整", "年中调整"]
    assert all("supervisor" not in h["who"] for h in page.context["history"])


# --- 5. Fair department ranking ---------------------------------------------------------------------


def test_a_department_with_nothing_due_is_not_ranked_and_scores_stay_within_0_and_100(year_2024):
    result = assessment_compute(year_2024, Period(2024), as_of=dt.date(2026, 11, 1))
    ranked = [r for r in result.departments if r.rank is not None]
    idle = [r for r in result.departments if r.facts["milestones_due"] == 0]
    assert idle and all(r.rank is None and r.score is None and r.rag == "grey" for r in idle)
    assert ranked[0].facts["milestones_due"] > 0
    assert result.departments[: len(ranked)] == ranked  # the unranked follow
    for r in result.districts + result.departments:
        assert r.score is None or Decimal(0) <= Decimal(r.score) <= Decimal(100)


def test_the_penalty_is_relative_to_the_load(suzhou_plan, demo_accounts):
    supervisor = demo_accounts["supervisor"]
    # 市商务局: 10 due, 1 overdue; 苏州海关: 1 due, 1 overdue
    for index in range(10):
        milestone(
            supervisor,
            owner="commerce",
            task=5,
            due=dt.date(2024, 3, 1 + index),
            created=dt.date(2024, 1, 2),
            completed=None if index == 0 else dt.date(2024, 2, 1),
            title=f"商务{index}",
        )
    milestone(supervisor, owner="customs", due=dt.date(2024, 3, 1), created=dt.date(2024, 1, 2), title="海关")
    result = assessment_compute(suzhou_plan, Period(2024), as_of=dt.date(2026, 1, 1))
    commerce = next(r for r in result.departments if r.code == "commerce")
    customs = next(r for r in result.departments if r.code == "customs")
    penalty = {r.code: next(c for c in r.components if c.kind == "overdue_penalty") for r in (commerce, customs)}
    assert penalty["commerce"].points == "-2.00" and penalty["customs"].points == "-10.00"
    assert commerce.rank < customs.rank


# --- 6. The rubric is the office's ----------------------------------------------------------------


def test_the_office_edits_the_rubric_with_preview_and_history(suzhou_plan, demo_accounts):
    url = reverse("tasks_app:assessment_rubric")
    for who in ("leader", "district-sip", "liaison-commerce"):
        assert web(demo_accounts[who]).get(url).status_code == 403
    office = web(demo_accounts["supervisor"])
    rubric = Rubric.objects.get(scope="district", is_active=True)
    page = office.get(url, {"scope": "district"})
    assert page.status_code == 200 and "15" in page.content.decode()
    data = {"scope": "district", "green_threshold": "80", "amber_threshold": "60", "reporting_days": "20"}
    for part in rubric.components.all():
        data[f"weight_{part.pk}"] = "30" if part.indicator_code == "cbec_volume" else str(part.weight)
        if part.kind == "overdue_penalty":
            data[f"cap_{part.pk}"] = "8"
    preview = office.post(url, {**data, "preview": "1", "reason": "试算"})
    assert preview.status_code == 200 and len(preview.context["preview"]["rows"]) == 10
    assert RubricComponent.objects.get(rubric=rubric, indicator_code="cbec_volume").weight == Decimal(25)  # unsaved
    bad = office.post(url, {**data, "amber_threshold": "90", "save": "1"})
    assert bad.status_code == 400 and bad.context["form"].errors["amber_threshold"]
    saved = office.post(url, {**data, "save": "1", "reason": "2025年度细则"})
    assert saved.status_code == 302
    rubric.refresh_from_db()
    assert (rubric.green_threshold, rubric.reporting_days) == (Decimal(80), 20)
    assert RubricComponent.objects.get(rubric=rubric, indicator_code="cbec_volume").weight == Decimal(30)
    page = office.get(url, {"scope": "district"})
    reasons = [h["reason"] for h in page.context["history"]]
    assert "2025年度细则" in reasons


# --- 7. Official documents --------------------------------------------------------------------------


def test_the_pdf_is_a4_with_chinese_text_and_page_numbers(year_2024, demo_accounts, tmp_path):
    office = web(demo_accounts["supervisor"])
    office.post(reverse("tasks_app:assessment_publish", kwargs={"period": "2024"}), {"remarks": "请对照整改"})
    response = office.get(reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    from PIL import Image

    for image in pages:
        width, height = Image.open(image).size
        assert abs(height / width - 297 / 210) < 0.02  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "重点任务推进情况的通报" in text and "苏州市人民政府" in text and "请对照整改" in text
    assert re.search(r"—\s*1\s*—", text)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_the_docx_has_a4_sections_the_official_margins_and_a_page_number(year_2024, demo_accounts):
    office = web(demo_accounts["supervisor"])
    office.post(reverse("tasks_app:assessment_publish", kwargs={"period": "2024"}), {"remarks": ""})
    response = office.get(reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}), {"format": "docx"})
    document = docx.Document(io.BytesIO(response.content))
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    footer = zipfile.ZipFile(io.BytesIO(response.content)).read("word/footer1.xml").decode()
    assert "PAGE" in footer and "— " in footer
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.rstrip().endswith("日") and "苏州市人民政府" in text
    assert "跨境电商综试区" not in text  # the plan's words come from the plan: its full title
    assert "中国(苏州)跨境电子商务综合试验区" in text


def test_the_scorecard_column_follows_the_rubric_not_a_label(year_2024, demo_accounts):
    rubric = Rubric.objects.get(scope="district", is_active=True)
    RubricComponent.objects.filter(rubric=rubric, indicator_code="cbec_volume").update(position=99)
    page = web(demo_accounts["supervisor"]).get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    first = RubricComponent.objects.filter(rubric=rubric, kind="indicator").order_by("position").first()
    name = Indicator.objects.get(code=first.indicator_code).name
    assert page.context["result"].headline == name
    assert name in page.content.decode()
