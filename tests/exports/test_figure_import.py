"""Districts and data departments report figures by sheet (issue 18 item 2), with the figure form's
rules: a district its own, the data departments the city's, published periods only by the office."""

import io
from decimal import Decimal

import openpyxl
import pytest
from rest_framework.test import APIClient

from departments.models import District
from tasks_app.assessment.models import IndicatorReport
from tasks_app.assessment.periods import Period
from tasks_app.assessment.services import assessment_publish
from tasks_app.plan.selectors import current_plan

HEADERS = ["指标", "板块", "期间", "数值", "来源"]


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def sheet_of(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "数据.xlsx"
    return data


def post(user, rows, dry_run=False):
    return api_for(user).post(
        "/api/v1/indicator-reports/import/", {"file": sheet_of(rows), "dry_run": dry_run}, format="multipart"
    )


@pytest.fixture
def headers_ok(suzhou_plan):
    from django.utils import translation

    with translation.override("zh-hans"):
        from tasks_app.assessment.figure_sheet import COLUMNS

        assert [str(c.header) for c in COLUMNS][:4] == ["指标", "板块", "期间", "数值"]


def test_a_district_reports_its_own_figures_by_sheet(headers_ok, demo_accounts):
    sip = demo_accounts["district-sip"]
    rows = [
        ["cbec_volume", "苏州工业园区", "2025", 12.5, "园区商务局"],
        ["特色产业带出口规模", "sip", "2025-Q3", "3.25", ""],
    ]
    response = post(sip, rows)
    assert response.status_code == 200, response.json()
    assert (response.json()["created"], response.json()["errors"]) == (2, [])
    district = District.objects.get(code="sip")
    report = IndicatorReport.objects.get(indicator__code="cbec_volume", district=district, period="2025")
    assert report.value == Decimal("12.50") and report.reported_by == sip
    # The same sheet again: nothing changes.
    again = post(sip, rows)
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 2)
    # A correction keeps the old value in the history.
    corrected = post(sip, [["cbec_volume", "苏州工业园区", "2025", 13, ""]])
    assert corrected.json()["updated"] == 1
    report.refresh_from_db()
    assert report.value == Decimal("13.00") and report.history.count() == 2


def test_another_districts_or_the_citys_figures_are_refused_row_by_row(headers_ok, demo_accounts):
    response = post(
        demo_accounts["district-sip"],
        [
            ["cbec_volume", "苏州工业园区", "2025", 1, ""],
            ["cbec_volume", "姑苏区", "2025", 1, ""],
            ["cbec_volume", "全市", "2025", 1, ""],
            ["没有这个指标", "苏州工业园区", "2025", 1, ""],
            ["cbec_volume", "苏州工业园区", "2025年", 1, ""],
            ["cbec_volume", "苏州工业园区", "2024", "很多", ""],
            ["cbec_volume", "苏州工业园区", "1899", 1, ""],
        ],
    )
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(3, "板块"), (4, "板块"), (5, "指标"), (6, "期间"), (7, "数值"), (8, "期间")}
    assert not IndicatorReport.objects.filter(district__code="sip").exists()


def test_the_city_by_a_data_department_and_published_periods_only_by_the_office(headers_ok, demo_accounts):
    commerce = demo_accounts["liaison-commerce"]
    assert post(commerce, [["cbec_volume", "全市", "2025", 300, "海关统计"]]).status_code == 200
    assert post(demo_accounts["liaison-finance"], [["cbec_volume", "全市", "2025", 1, ""]]).status_code == 403
    assessment_publish(plan=current_plan(), period=Period.parse("2025"), by=demo_accounts["supervisor"])
    refused = post(commerce, [["cbec_volume", "全市", "2025", 301, ""]])
    assert refused.status_code == 400
    assert [(e["row"], e["column"]) for e in refused.json()["errors"]] == [(2, "期间")]
    assert "2025" in refused.json()["errors"][0]["message"]
    assert post(demo_accounts["supervisor"], [["cbec_volume", "全市", "2025", 301, ""]]).status_code == 200


def test_the_figures_export_has_numbers_as_numbers(headers_ok, demo_accounts):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(demo_accounts["supervisor"])
    response = client.get(reverse("tasks_app:indicators"), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in sheet[2]]
    values = [row[headers.index("数值")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert Decimal("124.7") in [Decimal(str(v)) for v in values]
    template = api_for(demo_accounts["district-sip"]).get("/api/v1/indicator-reports/import/template/")
    assert template.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    assert len(workbook.worksheets) == 3
