from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class RagColumn(tables.Column):
    LABELS = {"green": _("green"), "amber": _("amber"), "red": _("red"), "grey": _("not assessed")}

    def render(self, value):
        return format_html('<span class="rag rag-{}">{}</span>', value, self.LABELS.get(value, value))

    def value(self, value):
        return value


class DistrictScoreTable(tables.Table):
    """The districts' ranking; the column of the rubric's headline indicator is added by name
    (``headline_column``), from the plan's data."""

    rank = tables.Column(verbose_name=_("Rank"), default="—")
    name = tables.Column(verbose_name=_("District"))
    score = tables.Column(verbose_name=_("Score"), default="—", attrs={"td": {"class": "num"}})
    change = tables.Column(verbose_name=_("Change since previous period"), default="—", attrs={"td": {"class": "num"}})
    rag = RagColumn(verbose_name=_("RAG"))
    confirmations = tables.Column(verbose_name=_("Confirmations"), default="—")
    overdue = tables.Column(verbose_name=_("Overdue milestones"), attrs={"td": {"class": "num"}})
    note = tables.Column(verbose_name=_("Note"), default="", orderable=False)

    class Meta:
        attrs = {"class": "table"}
        order_by = ["rank"]


def headline_column(label: str) -> list[tuple[str, tables.Column]]:
    return [
        (
            "volume",
            tables.Column(
                verbose_name=_("%(indicator)s attainment %%") % {"indicator": label},
                default="—",
                attrs={"td": {"class": "num"}},
            ),
        )
    ]


class DepartmentScoreTable(tables.Table):
    rank = tables.Column(verbose_name=_("Rank"), default="—")
    name = tables.Column(verbose_name=_("Department"))
    score = tables.Column(verbose_name=_("Score"), default="—", attrs={"td": {"class": "num"}})
    change = tables.Column(verbose_name=_("Change since previous period"), default="—", attrs={"td": {"class": "num"}})
    rag = RagColumn(verbose_name=_("RAG"))
    milestones_due = tables.Column(verbose_name=_("Milestones due"), attrs={"td": {"class": "num"}})
    on_time = tables.Column(verbose_name=_("On time"), attrs={"td": {"class": "num"}})
    overdue = tables.Column(verbose_name=_("Overdue"), attrs={"td": {"class": "num"}})
    average_days_overdue = tables.Column(verbose_name=_("Average days overdue"), attrs={"td": {"class": "num"}})
    monthly = tables.Column(verbose_name=_("Monthly updates on time"))
    note = tables.Column(verbose_name=_("Note"), default="", orderable=False)

    class Meta:
        attrs = {"class": "table"}
        order_by = ["rank"]
