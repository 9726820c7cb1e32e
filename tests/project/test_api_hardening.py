"""Issue 22, items 7 and 10: malformed input is a 400 naming the field (API) or a 404 (pages), never
a 500; lists have a maximum page size; impossible periods do not reach a view; the schema documents
the error answers; uploads are served with the type their content shows; every page carries a
Content-Security-Policy that forbids inline script and style."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tasks_app.core.api_pagination import MAX_LIMIT

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
ROOT = Path(__file__).resolve().parents[2]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def office(demo_accounts):
    return _api(demo_accounts["supervisor"])


def _post_json(client, path, raw: str):
    return client.post(path, data=raw, content_type="application/json")


# --- request bodies -------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null", "true"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/auth/token/",
        "/api/v1/progress-updates/",
        "/api/v1/milestones/",
        "/api/v1/indicator-reports/",
        "/api/v1/tasks/1/lead/",
        "/api/v1/assessment/2025/publish/",
    ],
)
def test_a_json_body_that_is_not_an_object_is_a_400_naming_the_body(office, path, body):
    response = _post_json(office, path, body)
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["non_field_errors"]


def test_the_token_endpoint_refuses_a_list_body_without_a_session(demo_accounts):
    response = _post_json(APIClient(), "/api/v1/auth/token/", '[{"username": "supervisor"}]')
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
def test_deeply_nested_json_is_a_400(office, depth):
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = _post_json(office, "/api/v1/milestones/", body)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_nesting_as_deep_as_a_real_request_is_read(office):
    body = json.dumps({"version": 1, "title": [[["x"]]]})
    response = _post_json(office, "/api/v1/milestones/1/", body)  # parsed, then refused by the view
    assert response.status_code in (400, 404, 405)
    assert "nested" not in response.content.decode()


# A due date ahead of today: one before it needs a reason (the plausibility rules).
_FUTURE = (timezone.localdate() + dt.timedelta(days=60)).isoformat()


def test_brackets_inside_strings_do_not_count_as_nesting(office, suzhou_plan):
    title = "[" * 500 + "{" * 500
    body = json.dumps({"task": 1, "owner": "commerce", "title": title[:200], "due_date": _FUTURE})
    response = _post_json(office, "/api/v1/milestones/", body)
    assert response.status_code == 201, response.content
    assert response.json()["title"] == title[:200]


def test_a_nul_character_in_a_json_value_is_a_400_naming_the_field(office):
    body = json.dumps({"task": 1, "owner": "commerce\x00", "title": "ok", "due_date": _FUTURE})
    response = _post_json(office, "/api/v1/milestones/", body)
    assert response.status_code == 400
    assert "owner" in response.json()


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded"])
def test_a_nul_byte_in_a_form_field_of_the_token_request_is_a_400(demo_accounts, fmt):
    """The sign-in lockout stores the user name it is given: on PostgreSQL a NUL in it was a 500."""
    client = APIClient()
    if fmt == "multipart":
        response = client.post("/api/v1/auth/token/", {"username": "super\x00visor", "password": "x"})
    else:
        response = client.post(
            "/api/v1/auth/token/",
            "username=super%00visor&password=x",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 400
    assert "username" in response.json()


def test_a_nul_byte_in_a_multipart_patch_is_a_400_naming_the_field(office, demo_accounts, suzhou_plan):
    task = suzhou_plan.tasks.order_by("number").first()
    owner = task.responsibilities.first().department
    created = office.post(
        "/api/v1/milestones/",
        {"task": task.number, "owner": owner.code, "title": "NUL", "due_date": _FUTURE},
        format="json",
    )
    assert created.status_code == 201, created.content
    response = office.patch(
        f"/api/v1/milestones/{created.json()['id']}/", {"version": "1", "owner": "cus\x00toms"}, format="multipart"
    )
    assert response.status_code == 400
    assert "owner" in response.json()


def test_a_nul_byte_in_the_sign_in_form_is_a_400(demo_accounts):
    response = Client().post("/accounts/login/", {"username": "super\x00visor", "password": "x"})
    assert response.status_code == 400


def test_malformed_json_is_a_400(office):
    response = _post_json(office, "/api/v1/milestones/", '{"title": ')
    assert response.status_code == 400
    assert "detail" in response.json()


# --- NUL bytes in paths and query strings --------------------------------------------------


@pytest.mark.parametrize(
    "path,field",
    [
        ("/api/v1/departments/comm%00erce/", "path"),
        ("/api/v1/districts/s%00ip/", "path"),
        ("/api/v1/milestones/?owner=comm%00erce", "owner"),
        ("/api/v1/milestones/?cursor=%00", "cursor"),
        ("/api/v1/indicator-reports/?indicator=a%00b", "indicator"),
        ("/api/v1/indicator-reports/?period=2025%00", "period"),
        ("/api/v1/implementations/?district=s%00ip", "district"),
        ("/api/v1/notifications/?read=%00", "read"),
        ("/api/v1/assessment/20%0025/", "path"),
    ],
)
def test_a_nul_byte_in_a_lookup_or_query_is_a_400_naming_it(office, path, field):
    response = office.get(path)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/departments/comm%00erce/",
        "/districts/s%00ip/",
        "/search/?q=a%00b",
        "/milestones/?owner=a%00b",
        "/feeds/a%00b.ics",
        "/indicators/report/?period=2025%00",
    ],
)
def test_a_nul_byte_on_a_page_is_a_404(client, demo_accounts, path):
    client.force_login(demo_accounts["supervisor"])
    assert client.get(path).status_code == 404


# --- paging ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,field",
    [
        ("/api/v1/implementations/?offset=100000000000000000000", "offset"),
        ("/api/v1/tasks/?offset=1000000001", "offset"),
        ("/api/v1/overdue/?limit=100000000000000000000", "limit"),
        ("/api/v1/tasks/?limit=-1", "limit"),
        ("/api/v1/tasks/?limit=abc", "limit"),
        ("/api/v1/milestones/?page_size=1e3", "page_size"),
        ("/api/v1/milestones/?page_size=0", "page_size"),
    ],
)
def test_out_of_range_paging_is_a_400_naming_the_parameter(office, path, field):
    response = office.get(path)
    assert response.status_code == 400
    assert field in response.json()


def test_a_huge_limit_is_capped_at_the_maximum_page_size(office, suzhou_plan):
    from tasks_app.plan.models import Implementation

    assert Implementation.objects.count() > 0
    response = office.get("/api/v1/implementations/?limit=999999")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(MAX_LIMIT, response.json()["count"])


def test_limit_offset_lists_page_at_most_500_rows(office, demo_accounts, suzhou_plan):
    from tasks_app.assessment.models import Indicator, IndicatorReport

    for indicator in Indicator.objects.filter(plan=suzhou_plan)[:2]:
        IndicatorReport.objects.bulk_create(
            IndicatorReport(indicator=indicator, district=None, period=f"{year}-Q{quarter}", value=1)
            for year in range(2000, 2100)
            for quarter in range(1, 5)
            if not IndicatorReport.objects.filter(indicator=indicator, district=None, period=f"{year}-Q{quarter}")
        )
    response = office.get("/api/v1/indicator-reports/?limit=100000")
    body = response.json()
    assert body["count"] > MAX_LIMIT
    assert len(body["results"]) == MAX_LIMIT
    assert "limit=500" in body["next"]


def test_a_cursor_list_caps_page_size(office):
    response = office.get("/api/v1/milestones/?page_size=99999")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/notifications/?page=100000000000000000000",
        "/notifications/?page=999",
        "/notifications/?page=abc",
        "/milestones/?page=99999999999999999999",
        "/overdue/?page=0",
        "/overdue/?per_page=100000",
    ],
)
def test_past_the_end_or_malformed_page_numbers_are_a_404(client, demo_accounts, path):
    client.force_login(demo_accounts["supervisor"])
    assert client.get(path).status_code == 404


def test_the_first_page_and_last_are_still_served(client, demo_accounts):
    client.force_login(demo_accounts["supervisor"])
    assert client.get("/notifications/?page=1").status_code == 200
    assert client.get("/milestones/?page=1").status_code == 200


# --- periods and years in the URL -------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/assessment/0000/", "/assessment/0000/notice/", "/assessment/9999/", "/assessment/1026-Q1/notice/"]
)
def test_implausible_periods_are_a_404_before_any_view(client, demo_accounts, path):
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):  # no view is reached: the converter refuses the period
        resolve(path)
    client.force_login(demo_accounts["supervisor"])
    assert client.get(path).status_code == 404


def test_the_period_converter_follows_the_plausible_range(settings):
    from tasks_app.core.url_converters import PeriodConverter, YearConverter

    settings.CBEC_EARLIEST_YEAR, settings.CBEC_LATEST_YEAR = 2020, 2030
    assert PeriodConverter().to_python("2025-Q3") == "2025-Q3"
    assert YearConverter().to_python("2030") == 2030
    for text in ("2019", "2031-Q1", "0000"):
        with pytest.raises(ValueError):
            PeriodConverter().to_python(text)
    with pytest.raises(ValueError):
        YearConverter().to_python("2031")


def test_a_plausible_period_page_still_renders(client, demo_accounts):
    client.force_login(demo_accounts["supervisor"])
    assert client.get("/assessment/2025/").status_code == 200


def test_an_unknown_api_path_is_a_json_404(office):
    response = office.get("/api/v1/tasks/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- the schema ---------------------------------------------------------------------------------


@pytest.fixture
def schema(office):
    response = office.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_every_operation_documents_400_403_404_409(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 30
    for path, method, operation in operations:
        codes = set(operation["responses"])
        expected = {"400", "404", "409"} | (set() if path.endswith("/auth/token/") else {"401", "403"})
        assert expected <= codes, (method, path, codes)
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        # A sheet import may also answer 400 with its row-by-row result (which rows, columns, why).
        field_errors = {"$ref": "#/components/schemas/Error"}
        assert error == field_errors or field_errors in error.get("anyOf", []), (method, path, error)


def test_the_schema_states_the_paging_bounds(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    assert parameters["limit"]["maximum"] == MAX_LIMIT
    assert parameters["offset"]["minimum"] == 0
    cursor = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/milestones/"]["get"]["parameters"]}
    assert cursor["page_size"]["maximum"] == MAX_LIMIT


def test_nullable_fields_are_declared_nullable(schema, office):
    components = schema["components"]["schemas"]
    assert components["IndicatorReport"]["properties"]["reported_by"].get("nullable") is True
    assert components["Reminder"]["properties"]["issued_by"].get("nullable") is True
    # and they are null in fact: figures loaded from the plan file have no reporter
    results = office.get("/api/v1/indicator-reports/?limit=500").json()["results"]
    assert any(row["reported_by"] is None for row in results)


def test_created_answers_are_documented_as_201(schema):
    assert "201" in schema["paths"]["/api/v1/milestones/{id}/notices/"]["post"]["responses"]
    assert "201" in schema["paths"]["/api/v1/assessment/{period}/publish/"]["post"]["responses"]


def test_the_milestone_reminders_answer_matches_its_schema(schema, office, demo_accounts):
    from tasks_app.workflow.models import Milestone

    declared = schema["paths"]["/api/v1/milestones/{id}/reminders/"]["get"]["responses"]["200"]
    assert declared["content"]["application/json"]["schema"]["type"] == "array"
    milestone = Milestone.objects.first()
    if milestone is not None:
        assert isinstance(office.get(f"/api/v1/milestones/{milestone.pk}/reminders/").json(), list)


# --- attachments served by their content -------------------------------------------------------


def _stored_update(name: str, content: bytes, demo_accounts, suzhou_plan, tmp_path, settings):
    """A progress update whose stored file has ``content`` under the name ``name`` (as an attacker who
    got a file past the upload check, or an old upload from before it, would have)."""
    from django.core.files.base import ContentFile

    from tasks_app.workflow.models import Milestone, ProgressUpdate

    settings.MEDIA_ROOT = tmp_path
    milestone = Milestone.objects.first()
    if milestone is None:  # through the API, as the office would create it
        task = suzhou_plan.tasks.order_by("number").first()
        owner = task.responsibilities.first().department
        response = _api(demo_accounts["supervisor"]).post(
            "/api/v1/milestones/",
            {"task": task.number, "owner": owner.code, "title": "附件测试", "due_date": _FUTURE},
            format="json",
        )
        assert response.status_code == 201, response.content
        milestone = Milestone.objects.get(pk=response.json()["id"])
    update = ProgressUpdate(
        milestone=milestone,
        department=milestone.owner,
        percent=10,
        summary="附件",
        author=demo_accounts["supervisor"],
        attachment_name=name,
    )
    update.attachment.save(name, ContentFile(content), save=False)
    update.save()
    return update


def test_sniffed_type_helper():
    from tasks_app.core.attachments import served_content_type

    assert served_content_type(PDF, "x.html") == "application/pdf"
    assert served_content_type(PNG, "photo.pdf") == "image/png"
    assert served_content_type(b"<html><script>alert(1)</script>", "x.pdf") == "application/octet-stream"


def test_a_pdf_named_html_is_served_as_pdf_with_nosniff(demo_accounts, suzhou_plan, tmp_path, settings):
    update = _stored_update("x.html", PDF, demo_accounts, suzhou_plan, tmp_path, settings)
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    for path in (f"/progress-updates/{update.pk}/attachment/", f"/api/v1/progress-updates/{update.pk}/attachment/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/pdf", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Content-Disposition"].startswith("attachment"), path
        assert b"".join(response.streaming_content) == PDF


def test_html_content_is_never_served_as_html(demo_accounts, suzhou_plan, tmp_path, settings):
    update = _stored_update(
        "x.pdf", b"<html><script>alert(1)</script></html>", demo_accounts, suzhou_plan, tmp_path, settings
    )
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    response = client.get(f"/progress-updates/{update.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


# --- Content-Security-Policy ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/plan/", "/milestones/", "/overdue/", "/assessment/2025/", "/accounts/", "/accounts/password/"]
)
def test_every_page_carries_a_strict_csp(client, demo_accounts, path):
    client.force_login(demo_accounts["supervisor"])
    response = client.get(path, follow=True)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives.get("frame-ancestors") == "'none'"


def test_the_login_page_carries_the_csp_too():
    response = Client().get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\sstyle=[\"']", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=[\"']", re.I), "an on* handler"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


# Rendered by WeasyPrint into a PDF file and never served to a browser: the CSP does not apply.
DOCUMENT_TEMPLATES = {"assessment/notice_pdf.html"}


def test_no_template_holds_inline_script_or_style():
    offences = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if template.relative_to(ROOT / "templates").as_posix() in DOCUMENT_TEMPLATES:
            continue
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offences.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert offences == []


@pytest.mark.parametrize(
    "path", ["/api/v1/notices/1189601190988404142112768/close/", "/api/v1/milestones/99999999999999999999999/"]
)
def test_an_id_longer_than_any_row_id_is_a_404_not_a_crash(office, path):
    response = office.post(path, {}, format="json")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_page_address_with_an_impossible_id_is_a_404(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    response = client.get("/milestones/99999999999999999999999/")
    assert response.status_code == 404
