"""The defects found when the product was tried as its users would (issue "Defects found…"): one test
per item, each failing on the code before its fix. Items 3 and 4 are rows of the permission matrix
(tests/test_permission_matrix.py); items 1, 5 and 6 are also walked in the browser
(tests/e2e/test_reported_defects.py)."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.models import Department, District
from tasks_app.plan.models import Implementation, KeyTask
from tasks_app.reminders.models import Reminder, ReminderKind
from tasks_app.workflow.services import (
    implementation_confirm,
    milestone_create,
    milestone_transition,
    task_lead_change,
)

REPO = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user, language="zh-hans"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _milestone(users, *, owner="customs", due_in=40, actions=()):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code=owner),
        title="海关节点",
        due_date=timezone.localdate() + dt.timedelta(days=due_in),
        by=users["supervisor"],
    )
    for action in actions:
        actor = users["supervisor"] if action == "approve" else users[f"liaison-{owner}"]
        milestone = milestone_transition(milestone=milestone, action=action, by=actor)
    return milestone


def _input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


# 1. Editing loses the due date in Chinese ----------------------------------------------------------


def test_date_inputs_carry_iso_dates_in_chinese_and_a_title_edit_keeps_the_due_date(demo_accounts):
    milestone = _milestone(demo_accounts)
    lead = _client(demo_accounts["liaison-commerce"])
    page = lead.get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk})).content.decode()
    assert _input_value(page, "due_date") == milestone.due_date.isoformat()

    saved = lead.post(
        reverse("tasks_app:milestone_edit", kwargs={"pk": milestone.pk}),
        {
            "title": "改名后的节点",
            "owner": milestone.owner_id,
            "district": "",
            "due_date": _input_value(page, "due_date"),  # what the browser sends back
            "description": "",
            "version": milestone.version,
        },
    )
    assert saved.status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "改名后的节点" and milestone.due_date == milestone.baseline_due_date


def test_the_extension_form_carries_an_iso_date_in_chinese(demo_accounts):
    milestone = _milestone(demo_accounts, actions=("start",))
    page = _client(demo_accounts["supervisor"]).get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}))
    assert _input_value(page.content.decode(), "due_date") == milestone.due_date.isoformat()


# 2. The edit form lists a department once per row of a join ----------------------------------------


@pytest.mark.parametrize("username", ["supervisor", "liaison-commerce", "liaison-customs"])
def test_each_department_is_offered_once_on_the_edit_form(demo_accounts, username):
    milestone = _milestone(demo_accounts)
    page = _client(demo_accounts[username]).get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}))
    select = re.search(r'<select name="owner".*?</select>', page.content.decode(), re.S).group(0)
    values = re.findall(r'<option value="(\d+)"', select)
    assert values and len(values) == len(set(values))
    assert str(milestone.owner_id) in values


# 5. Controls that lead nowhere ---------------------------------------------------------------------


def test_the_leader_is_not_shown_a_figure_form(demo_accounts):
    page = _client(demo_accounts["leader"]).get(reverse("tasks_app:indicators"))
    assert page.status_code == 200
    assert 'name="value"' not in page.content.decode()
    refused = _client(demo_accounts["leader"]).post(reverse("tasks_app:indicator_report"), {"value": "1"})
    assert refused.status_code == 403


def test_a_district_sees_no_notice_link_before_publication_and_the_office_does(demo_accounts):
    notice = reverse("tasks_app:assessment_notice", kwargs={"period": "2026"})
    district = _client(demo_accounts["district-kunshan"]).get(
        reverse("tasks_app:assessment", kwargs={"period": "2026"})
    )
    assert notice not in district.content.decode()
    assert _client(demo_accounts["district-kunshan"]).get(notice).status_code == 404
    office = _client(demo_accounts["supervisor"]).get(reverse("tasks_app:assessment", kwargs={"period": "2026"}))
    assert notice in office.content.decode()


@pytest.mark.parametrize(("actions", "shown"), [((), False), (("start",), True), (("start", "submit"), False)])
def test_the_progress_form_is_shown_only_while_the_work_is_under_way(demo_accounts, actions, shown):
    milestone = _milestone(demo_accounts, actions=actions)
    page = _client(demo_accounts["liaison-customs"]).get(
        reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk})
    )
    update_url = reverse("tasks_app:progress_update_create", kwargs={"pk": milestone.pk})
    assert (update_url in page.content.decode()) is shown


def test_no_progress_after_sign_off_is_requested(demo_accounts):
    milestone = _milestone(demo_accounts, actions=("start", "submit"))
    response = _client(demo_accounts["liaison-customs"]).post(
        reverse("tasks_app:progress_update_create", kwargs={"pk": milestone.pk}), {"percent": 90, "summary": "补充"}
    )
    assert response.status_code == 409
    assert not milestone.progress_updates.exists()


# 6. The district figure form -------------------------------------------------------------------------


def test_the_figure_form_defaults_to_the_officers_own_district(demo_accounts):
    page = _client(demo_accounts["district-kunshan"]).get(reverse("tasks_app:indicators")).content.decode()
    select = re.search(r'<select name="district".*?</select>', page, re.S).group(0)
    kunshan = District.objects.get(code="kunshan")
    assert re.findall(r'<option value="([^"]*)"', select) == [str(kunshan.pk)]
    assert re.search(rf'<option value="{kunshan.pk}"[^>]*selected', select)


def test_a_refused_figure_comes_back_on_the_form_with_the_input_kept(demo_accounts):
    from tasks_app.assessment.models import Indicator, IndicatorReport

    indicator = Indicator.objects.get(code="cbec_volume")
    response = _client(demo_accounts["district-kunshan"]).post(
        reverse("tasks_app:indicator_report"),
        {
            "indicator": indicator.pk,
            "district": District.objects.get(code="sip").pk,  # not theirs
            "period": "2026",
            "value": "321.50",
            "source": "昆山统计",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert _input_value(page, "value") == "321.50" and _input_value(page, "source") == "昆山统计"
    assert not IndicatorReport.objects.filter(period="2026", value="321.50").exists()


# 7. A lead change leaves a trace on the task page -----------------------------------------------------


@pytest.mark.parametrize("username", ["leader", "liaison-customs", "supervisor"])
def test_the_lead_change_is_shown_on_the_task_page(demo_accounts, username):
    task_lead_change(
        task=KeyTask.objects.get(number=5),
        department=Department.objects.get(code="amr"),
        by=demo_accounts["supervisor"],
        reason="市场监管牵头更合适",
    )
    page = _client(demo_accounts[username]).get(reverse("tasks_app:task_detail", kwargs={"number": 5}))
    html = page.content.decode()
    assert "市场监管牵头更合适" in html
    assert "督查室" in html and ">supervisor<" not in html


# 8. History shows the uploaded file's name and people by name and unit ----------------------------------


def test_confirmation_history_shows_the_file_name_and_the_person_not_internals(demo_accounts, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    implementation = Implementation.objects.get(task__number=5, district__code="kunshan")
    implementation_confirm(
        implementation=implementation,
        by=demo_accounts["district-kunshan"],
        note="已落实",
        evidence=SimpleUploadedFile("昆山落实方案.pdf", PDF, content_type="application/pdf"),
    )
    page = _client(demo_accounts["supervisor"]).get(
        reverse("tasks_app:implementation_detail", kwargs={"pk": implementation.pk})
    )
    html = page.content.decode()
    assert "昆山落实方案.pdf" in html
    assert not re.search(r"evidence/[0-9a-f]{32}", html)  # the storage path
    assert "district-kunshan" not in html
    assert "昆山市" in html
    assert reverse("tasks_app:implementation_evidence", kwargs={"pk": implementation.pk}) in html


# 9. The heat map's total row -------------------------------------------------------------------------------


def test_the_heatmap_total_row_is_labelled_as_a_count(demo_accounts):
    html = _client(demo_accounts["supervisor"]).get(reverse("tasks_app:heatmap")).content.decode()
    footer = re.search(r"<tfoot>.*?</tfoot>", html, re.S).group(0)
    assert "已确认任务" in footer and "确认时间" not in footer


# 10. Escalation levels by name ---------------------------------------------------------------------------


def test_the_overdue_board_and_its_export_name_the_escalation_level(demo_accounts):
    milestone = _milestone(demo_accounts, due_in=-40, actions=("start",))
    today = timezone.localdate()
    for level in (1, 5):
        Reminder.objects.create(
            kind=ReminderKind.ESCALATION,
            subject=f"milestone:{milestone.pk}",
            occurrence=f"L{level}@{milestone.due_date}",
            milestone=milestone,
            task=milestone.task,
            level=level,
            as_of=today,
            message="",
        )
    office = _client(demo_accounts["supervisor"])
    board = office.get(reverse("tasks_app:overdue_board")).content.decode()
    assert "通报（第3轮）" in board
    exported = office.get(reverse("tasks_app:overdue_board") + "?_export=csv")
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert any("通报（第3轮）" in row for row in rows[1:])
    page = office.get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk})).content.decode()
    assert "5 · " not in page and "催办" in page


# 11. The demo shows the product's pages, not Django's debug pages -----------------------------------------


def test_with_debug_on_the_demo_shows_the_products_own_404(demo_accounts, settings):
    settings.DEBUG = True
    settings.CBEC_PRODUCT_ERROR_PAGES = True
    client = _client(demo_accounts["supervisor"])
    for path in ("/no-such-page/", reverse("tasks_app:milestone_detail", kwargs={"pk": 999999})):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 404
        assert "未找到" in html or "不存在" in html
        assert "Page not found" not in html and "URLconf" not in html


def test_without_the_switch_developers_keep_djangos_debug_404(demo_accounts, settings):
    settings.DEBUG = True
    settings.CBEC_PRODUCT_ERROR_PAGES = False
    response = _client(demo_accounts["supervisor"]).get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


def test_the_demo_script_switches_the_product_pages_on():
    assert "CBEC_PRODUCT_ERROR_PAGES=1" in (REPO / "scripts" / "demo.sh").read_text()


# 12. Docs cite only what exists -------------------------------------------------------------------------------


def test_every_document_the_code_cites_exists():
    cited = set()
    for path in [*REPO.glob("tasks_app/**/*.py"), *REPO.glob("departments/**/*.py"), REPO / "README.md"]:
        cited |= set(re.findall(r"docs/[\w.-]+\.md", path.read_text(encoding="utf-8")))
    assert cited, "the code cites its documents"
    missing = sorted(name for name in cited if not (REPO / name).exists())
    assert missing == []
