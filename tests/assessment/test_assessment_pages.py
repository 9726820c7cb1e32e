"""Assessment pages: own scorecard only before publication, exports equal to the page, the board."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from departments.models import Department, District
from tasks_app.assessment.models import Indicator, IndicatorReport
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import implementation_confirm, milestone_create


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(suzhou_plan, demo_accounts):
    volume = Indicator.objects.get(code="cbec_volume")
    for code, before, after in (("sip", "40", "80"), ("kunshan", "40", "60"), ("gusu", "10", "5")):
        district = District.objects.get(code=code)
        IndicatorReport.objects.create(indicator=volume, district=district, period="2023", value=Decimal(before))
        IndicatorReport.objects.create(indicator=volume, district=district, period="2024", value=Decimal(after))
    return suzhou_plan


def test_a_district_sees_only_its_own_card_before_publication(data, demo_accounts):
    page = client_for(demo_accounts["district-kunshan"]).get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    assert page.status_code == 200
    assert [r.code for r in page.context["result"].districts] == ["kunshan"]
    assert "苏州工业园区" not in page.content.decode().split("<h2>")[2]  # no other district's row
    supervisor = client_for(demo_accounts["supervisor"])
    assert (
        len(supervisor.get(reverse("tasks_app:assessment", kwargs={"period": "2024"})).context["result"].districts)
        == 10
    )
    assert (
        supervisor.post(reverse("tasks_app:assessment_publish", kwargs={"period": "2024"}), {"remarks": ""}).status_code
        == 302
    )
    page = client_for(demo_accounts["district-kunshan"]).get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    assert len(page.context["result"].districts) == 10
    notice = client_for(demo_accounts["district-gusu"]).get(
        reverse("tasks_app:assessment_notice", kwargs={"period": "2024"})
    )
    assert notice.status_code == 200 and "通报" in notice.content.decode()


def test_unpublished_notice_is_for_the_offices_only(data, demo_accounts):
    url = reverse("tasks_app:assessment_notice", kwargs={"period": "2025"})
    assert client_for(demo_accounts["district-sip"]).get(url).status_code == 404
    assert client_for(demo_accounts["leader"]).get(url).status_code == 200
    assert (
        client_for(demo_accounts["liaison-commerce"])
        .post(reverse("tasks_app:assessment_publish", kwargs={"period": "2025"}))
        .status_code
        == 403
    )


def test_the_xlsx_has_one_row_per_district_with_the_numbers_of_the_page(data, demo_accounts):
    client = client_for(demo_accounts["supervisor"])
    page = client.get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    on_page = {r.name: (r.rank, r.score) for r in page.context["result"].districts}
    response = client.get(reverse("tasks_app:assessment", kwargs={"period": "2024"}), {"_export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]  # a title row, the header, the rows
    assert len(body) == 10
    name_at, rank_at, score_at = header.index("板块"), header.index("排名"), header.index("得分")
    assert {r[name_at]: (int(r[rank_at]), Decimal(str(r[score_at]))) for r in body} == {
        name: (rank, Decimal(str(score))) for name, (rank, score) in on_page.items()
    }

    departments = client.get(
        reverse("tasks_app:assessment", kwargs={"period": "2024"}), {"_export": "csv", "table": "departments"}
    )
    lines = list(csv.reader(io.StringIO(b"".join(departments.streaming_content).decode("utf-8-sig"))))
    assert len(lines) == 1 + 22


def test_overdue_board_lists_filters_and_exports(suzhou_plan, demo_accounts):
    task = KeyTask.objects.get(number=2)
    for owner, days in (("drc", 3), ("finance", 30)):
        milestone_create(
            task=task,
            owner=Department.objects.get(code=owner),
            title=f"{owner}逾期",
            due_date=dt.date.today() - dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
        )
    client = client_for(demo_accounts["supervisor"])
    page = client.get(reverse("tasks_app:overdue_board"))
    assert [m.title for m in page.context["table"].data] == ["finance逾期", "drc逾期"]
    filtered = client.get(reverse("tasks_app:overdue_board"), {"owner": "drc"})
    assert [m.title for m in filtered.context["table"].data] == ["drc逾期"]
    exported = client.get(reverse("tasks_app:overdue_board"), {"_export": "csv", "sort": "-days_overdue"})
    assert exported.streaming
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert len(rows[0]) == 10 and rows[0][5] == "逾期（自然日）" and rows[0][6] == "逾期（工作日）"
    assert [(row[0], row[5]) for row in rows[1:]] == [("finance逾期", "30"), ("drc逾期", "3")]  # most overdue first
    filtered_export = client.get(reverse("tasks_app:overdue_board"), {"_export": "xlsx", "owner": "finance"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(filtered_export.streaming_content))).active
    assert [[cell.value for cell in row][1:2] for row in sheet.iter_rows(min_row=3)] == [["finance逾期"]]
    assert (
        client_for(demo_accounts["liaison-qiaolian"])
        .get(reverse("tasks_app:overdue_board"))
        .context["table"]
        .data.data.count()
        == 0
    )


def test_indicator_page_trajectory_and_report_form(data, demo_accounts):
    client = client_for(demo_accounts["district-sip"])
    page = client.get(reverse("tasks_app:indicators"))
    assert page.status_code == 200
    city_volume = next(
        c for c in page.context["charts"] if c["indicator"].code == "cbec_volume" and c["scope"] != "苏州工业园区"
    )
    assert [(p["year"], p["target"], p["actual"]) for p in city_volume["path"]][:2] == [
        (2023, None, Decimal("124.70")),
        (2024, Decimal("249.4000"), Decimal("232.30")),
    ]
    own = next(
        c for c in page.context["charts"] if c["scope"] == "苏州工业园区" and c["indicator"].code == "cbec_volume"
    )
    assert own["path"][1]["actual"] == Decimal("80.00")
    assert "<polyline" in page.content.decode()
    sip = District.objects.get(code="sip")
    indicator = Indicator.objects.get(code="cbec_parks")
    response = client.post(
        reverse("tasks_app:indicator_report"),
        {
            "indicator": indicator.pk,
            "district": sip.pk,
            "period": "2025",
            "value": "3",
            "source": "园区统计",
        },
    )
    assert response.status_code == 302
    assert IndicatorReport.objects.get(indicator=indicator, district=sip, period="2025").value == Decimal("3.00")


def test_heatmap_shows_only_what_the_user_may_see(data, demo_accounts):
    implementation_confirm(
        implementation=KeyTask.objects.get(number=1).implementations.get(district__code="sip"),
        by=demo_accounts["district-sip"],
        note="已落实",
    )
    grid = client_for(demo_accounts["leader"]).get(reverse("tasks_app:heatmap")).context["grid"]
    sip_cell = next(c for c in grid[0]["cells"] if c["district"].code == "sip")
    assert sip_cell["status"] == "confirmed"
    gusu_grid = client_for(demo_accounts["district-gusu"]).get(reverse("tasks_app:heatmap")).context["grid"]
    assert next(c for c in gusu_grid[0]["cells"] if c["district"].code == "sip")["status"] is None


def test_the_notice_downloads_as_a_word_document(data, demo_accounts):
    import docx

    client = client_for(demo_accounts["supervisor"])
    client.post(reverse("tasks_app:assessment_publish", kwargs={"period": "2024"}), {"remarks": "请各板块对照整改"})
    response = client_for(demo_accounts["district-gusu"]).get(
        reverse("tasks_app:assessment_notice", kwargs={"period": "2024"}), {"format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于2024年度《" in text and "》重点任务推进情况的通报" in text and "请各板块对照整改" in text
    ranking = document.tables[0]
    assert len(ranking.rows) == 1 + 10
    assert {row.cells[1].text for row in ranking.rows[1:]} == set(District.objects.values_list("name", flat=True))


def test_the_scorecards_filter_by_rag(data, demo_accounts):
    client = client_for(demo_accounts["supervisor"])
    everything = client.get(reverse("tasks_app:assessment", kwargs={"period": "2024"}))
    reds = client.get(reverse("tasks_app:assessment", kwargs={"period": "2024"}), {"rag": "red"})
    expected = {r.name for r in everything.context["result"].districts if r.rag == "red"}
    assert {row["name"] for row in reds.context["districts_table"].data} == expected
    assert all(row["rag"] == "red" for row in reds.context["departments_table"].data)
