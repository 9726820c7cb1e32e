import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tasks_app.workflow.models import Milestone, Rag


class MilestoneTable(tables.Table):
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

    def render_rag(self, record):
        rag = record.rag(timezone.localdate())
        label = Rag(rag).label
        return format_html('<span class="rag rag-{}">{}</span>', rag, label)
