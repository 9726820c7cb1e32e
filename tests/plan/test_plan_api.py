"""The read API: /api/v1/tasks/, /departments/, /districts/, token auth and the OpenAPI schema."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

FIXTURE = json.loads(Path(settings.CBEC_DEFAULT_PLAN_FILE).read_text(encoding="utf-8"))


@pytest.fixture
def api(demo_accounts):
    client = APIClient()
    client.force_authenticate(demo_accounts["liaison-tax"])
    return client


@pytest.mark.parametrize(
    "path",
    ["/api/v1/tasks/", "/api/v1/tasks/1/", "/api/v1/departments/", "/api/v1/districts/", "/api/v1/schema/"],
)
def test_anonymous_api_calls_get_401(suzhou_plan, path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_task_list_matches_the_plan_file(api):
    response = api.get("/api/v1/tasks/", {"limit": 50})
    assert response.status_code == 200
    tasks = response.json()["results"]
    expected = [task for section in FIXTURE["sections"] for task in section["tasks"]]
    assert [t["number"] for t in tasks] == [t["number"] for t in expected]
    all_districts = [d["code"] for d in FIXTURE["districts"]]
    for got, want in zip(tasks, expected, strict=True):
        assert got["title"] == want["title"]
        assert got["responsibilities"] == want["responsibilities"]
        assert got["districts"] == all_districts


def test_task_detail_by_number(api):
    response = api.get("/api/v1/tasks/8/")
    assert response.status_code == 200
    body = response.json()
    assert body["section"] == {"number": 2, "title": "健全跨境电商发展支撑体系"}
    assert body["responsibilities"] == [
        {"department": "nrp", "role": "co"},
        {"department": "commerce", "role": "lead"},
    ]
    assert body["text"].startswith("引导各县级市(区)立足优势产业")
    assert api.get("/api/v1/tasks/99/").status_code == 404


def test_task_list_query_count_does_not_grow_with_tasks(api, django_assert_num_queries):
    with django_assert_num_queries(5):
        api.get("/api/v1/tasks/")


def test_departments_and_districts(api):
    departments = api.get("/api/v1/departments/", {"limit": 100}).json()["results"]
    assert departments == FIXTURE["departments"]
    districts = api.get("/api/v1/districts/").json()["results"]
    assert districts == FIXTURE["districts"]
    assert api.get("/api/v1/departments/sinosure/").json() == {
        "code": "sinosure",
        "name": "中信保苏州办事处",
        "name_en": "Sinosure (China Export & Credit Insurance) Suzhou Office",
    }
    assert api.get("/api/v1/districts/nowhere/").status_code == 404


def test_read_api_refuses_writes(api):
    assert api.post("/api/v1/tasks/", {"number": 18}).status_code == 405
    assert api.delete("/api/v1/departments/customs/").status_code == 405


def test_token_from_username_and_password(demo_accounts):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "district-sip", "password": "cbec-demo-2026"})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/tasks/1/").status_code == 200


def test_token_with_a_wrong_password_is_400_with_a_message(demo_accounts):
    response = APIClient().post("/api/v1/auth/token/", {"username": "district-sip", "password": "nope"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_endpoint_is_locked_after_repeated_failures(demo_accounts, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for _ in range(3):
        client.post("/api/v1/auth/token/", {"username": "supervisor", "password": "wrong"})
    response = client.post("/api/v1/auth/token/", {"username": "supervisor", "password": "cbec-demo-2026"})
    assert response.status_code == 429
    assert "token" not in response.json()
    # Other accounts are not affected.
    response = client.post("/api/v1/auth/token/", {"username": "leader", "password": "cbec-demo-2026"})
    assert response.status_code == 200


def test_openapi_schema_names_the_endpoints(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in [
        "/api/v1/tasks/",
        "/api/v1/tasks/{number}/",
        "/api/v1/departments/",
        "/api/v1/districts/",
        "/api/v1/auth/token/",
    ]:
        assert path in paths


def test_openapi_schema_generates_without_warnings(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
