import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tasks_app.core.lean_tables import LeanRowsMixin, link
from tasks_app.workflow.models import Milestone, Rag


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
        return [
            link(reverse("tasks_app:milestone_detail", args=[record.pk]), record.title),
            link(reverse("tasks_app:task_detail", args=[record.task.number]), record.task.number),
            str(record.owner),
            str(record.district) if record.district_id else "—",
            date_format(record.due_date, "SHORT_DATE_FORMAT"),
            record.get_status_display(),
            self.render_rag(record),
        ]

    def render_rag(self, record):
        rag = record.rag(timezone.localdate())
        label = Rag(rag).label
        return format_html('<span class="rag rag-{}">{}</span>', rag, label)
