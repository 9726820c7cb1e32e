import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tasks_app.core.lean_tables import Labels, LeanRowsMixin, link, url_by_pk
from tasks_app.workflow.models import Milestone, Rag

# The columns a list's milestone row shows (MilestoneTable and the overdue board's OverdueTable):
# the lists read only these (``.only``), not the task's full text or the units' other fields.
ROW_COLUMNS = (
    "title",
    "due_date",
    "status",
    "task__number",
    "owner__name",
    "owner__name_en",
    "district__name",
    "district__name_en",
)


class MilestoneTable(LeanRowsMixin, tables.Table):
    """Milestones with their RAG; every column comes from the row and its select_related joins."""

    title = tables.Column(linkify=("tasks_app:milestone_detail", {"pk": tables.A("pk")}))
    task = tables.Column(
        verbose_name=_("Key task"),
        accessor="task__number",
        linkify=("tasks_app:task_detail", {"number": tables.A("task__number")}),
    )
    owner = tables.Column(verbose_name=_("Owner department"), accessor="owner", order_by=("owner__position",))
    district = tables.Column(
        verbose_name=_("District"), accessor="district", default="—", order_by=("district__position",)
    )
    rag = tables.Column(verbose_name=_("RAG"), empty_values=(), orderable=False)

    class Meta:
        model = Milestone
        fields = ["title", "task", "owner", "district", "due_date", "status", "rag"]
        attrs = {"class": "table"}
        order_by = ["due_date"]

    def lean_cells(self, record) -> list:
        """The row as the columns render it (tests/workflow/test_lean_list.py holds them together)."""
        if not hasattr(self, "_lean"):  # worked out once per table: URLs, labels, unit names
            self._lean = (
                url_by_pk("tasks_app:milestone_detail"),
                url_by_pk("tasks_app:task_detail"),
                Labels(),
                timezone.localdate(),
            )
        milestone_url, task_url, labels, today = self._lean
        rag = record.rag(today)
        return [
            link(milestone_url(record.pk), record.title),
            link(task_url(record.task.number), record.task.number),
            labels.of(("owner", record.owner_id), lambda: record.owner),
            labels.of(("district", record.district_id), lambda: record.district) if record.district_id else "—",
            labels.of(("due", record.due_date), lambda: date_format(record.due_date, "SHORT_DATE_FORMAT")),
            labels.of(("status", record.status), record.get_status_display),
            labels.of(("rag", rag), lambda: self.rag_badge(rag)),
        ]

    def render_rag(self, record):
        return self.rag_badge(record.rag(timezone.localdate()))

    @staticmethod
    def rag_badge(rag: str):
        return format_html('<span class="rag rag-{}">{}</span>', rag, Rag(rag).label)
