from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tasks_app.core.lean_tables import Labels, LeanRowsMixin, link, url_by_pk
from tasks_app.reminders.models import escalation_label
from tasks_app.workflow.models import Milestone, MilestoneStatus
from workdays import calendar as workcal

# The counts are aligned right by the stylesheet (``table.overdue-table``: the 7th to 9th cells of a
# row), not by a class on each of their 150 cells a page; their headers carry the class.
NUMERIC = {"th": {"class": "num"}}


class OverdueTable(LeanRowsMixin, tables.Table):
    # Ticked rows go to the bulk actions (督办, export) of the form around the table.
    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "input": {"name": "pk"},
            "th__input": {"class": "select-all", "aria-label": _("Select all on this page")},
        },
        orderable=False,
    )
    title = tables.Column(verbose_name=_("Milestone"), linkify=("tasks_app:milestone_detail", {"pk": tables.A("pk")}))
    task = tables.Column(verbose_name=_("Key task"), accessor="task__number")
    owner = tables.Column(verbose_name=_("Owner department"), accessor="owner", order_by=("owner__position",))
    district = tables.Column(
        verbose_name=_("District"), accessor="district", default="—", order_by=("district__position",)
    )
    # Dates are formatted here, not through DateColumn's per-cell template: 50 rows × 2 dates of
    # template rendering were most of the board's server time.
    due_date = tables.Column(verbose_name=_("Due date"))
    # Both counts (the board's note says which one escalation uses): calendar days are what people
    # say, working days what government time limits and the escalation count.
    days_overdue = tables.Column(
        verbose_name=_("Calendar days overdue"),
        empty_values=(),
        order_by=("-due_date", "-id"),
        attrs=NUMERIC,
    )
    working_days_overdue = tables.Column(
        verbose_name=_("Working days overdue"),
        empty_values=(),
        order_by=("-due_date", "-id"),
        attrs=NUMERIC,
    )
    # Escalation rises with days overdue (a level every 7 days), so it sorts by due date — from an
    # index — instead of by a subquery worked out for every overdue row.
    escalation_level = tables.Column(
        verbose_name=_("Escalation level"), default="—", order_by=("-due_date", "-id"), attrs=NUMERIC
    )
    last_reminder_at = tables.Column(verbose_name=_("Last reminder"), default="—", orderable=False)
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Milestone
        fields = [
            "select",
            "title",
            "task",
            "owner",
            "district",
            "due_date",
            "days_overdue",
            "working_days_overdue",
            "escalation_level",
            "last_reminder_at",
            "status",
        ]
        attrs = {"class": "table overdue-table"}

    def __init__(self, *args, as_of, **kwargs):
        self.as_of = as_of
        super().__init__(*args, **kwargs)

    def lean_cells(self, record) -> list:
        """The board's row: the same values as the columns' render methods below (which the export
        definitions and django-tables2 still use)."""
        as_of = self.as_of
        if not hasattr(self, "_lean"):  # worked out once per table: URLs, labels, unit names
            self._lean = (url_by_pk("tasks_app:milestone_detail"), Labels())
        milestone_url, labels = self._lean
        return [
            mark_safe(f'<input type="checkbox" name="pk" value="{int(record.pk)}">'),  # noqa: S308
            link(milestone_url(record.pk), record.title),
            record.task.number,
            labels.of(("owner", record.owner_id), lambda: record.owner),
            labels.of(("district", record.district_id), lambda: record.district) if record.district_id else "—",
            record.due_date.isoformat(),
            record.days_overdue(as_of),
            record.working_days_overdue(as_of),
            labels.of(("level", record.escalation_level), lambda: escalation_label(record.escalation_level) or "—"),
            timezone.localtime(record.last_reminder_at).strftime("%Y-%m-%d %H:%M") if record.last_reminder_at else "—",
            labels.of(("status", record.status), record.get_status_display),
        ]

    def render_due_date(self, value):
        return value.isoformat()

    def render_last_reminder_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_escalation_level(self, value):
        return escalation_label(value) or "—"

    def value_escalation_level(self, value):
        return escalation_label(value)

    def render_days_overdue(self, record):
        return record.days_overdue(self.as_of)

    def value_days_overdue(self, record):
        return record.days_overdue(self.as_of)

    def render_working_days_overdue(self, record):
        return record.working_days_overdue(self.as_of)

    def value_working_days_overdue(self, record):
        return record.working_days_overdue(self.as_of)

    def export_headers(self) -> list[str]:
        return [str(column.header) for column in self.columns if column.name != "select"]

    def export_rows(self, queryset):
        """The rows of the export: only the columns written, read in chunks from a server-side cursor
        (no model objects: at 100,000 rows building three objects a row was most of the time)."""
        english = (get_language() or "").startswith("en")
        # Labels translated once, working days counted once per due date: per row, the translation
        # lookups and the calendar walks were a third of a 100,000-row export.
        statuses = {status: str(label) for status, label in MilestoneStatus.choices}
        levels: dict = {}
        working_days: dict = {}
        as_of = self.as_of
        rows = queryset.values_list(
            "title",
            "task__number",
            "owner__name",
            "owner__name_en",
            "district__name",
            "district__name_en",
            "due_date",
            "status",
            "escalation_level",
            "last_reminder_at",
        )
        for title, task, owner, owner_en, district, district_en, due, status, level, last in rows.iterator(
            chunk_size=2000
        ):
            late = as_of > due and status != MilestoneStatus.COMPLETED
            if late and due not in working_days:
                working_days[due] = workcal.working_days_between(due, as_of)
            if level not in levels:
                levels[level] = escalation_label(level)
            yield [
                title,
                task,
                (owner_en if english and owner_en else owner),  # in the reader's language
                (district_en if english and district_en else district) or "",
                due,
                (as_of - due).days if late else 0,
                working_days[due] if late else 0,
                levels[level],
                last,  # aware: the writers show it in Beijing time
                statuses.get(status, status),
            ]
