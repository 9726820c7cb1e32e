from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from tasks_app.core.paginators import CountCachedPaginator
from tasks_app.exports import services as exports
from tasks_app.exports.views import SheetExportMixin, describe_filters
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.reminders.tables import OverdueTable
from tasks_app.workflow.filters import MilestoneFilter


def overdue_table(user, params, as_of) -> OverdueTable:
    """The overdue board's table for these filters and sort (the page, its exports, a background job)."""
    filterset = MilestoneFilter(params, queryset=overdue_milestones(user, as_of=as_of))
    return OverdueTable(filterset.qs, as_of=as_of, order_by=params.get("sort") or None)


def _overdue_export_source(user, params: dict):
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else timezone.localdate()
    filterset = MilestoneFilter(params, queryset=overdue_milestones(user, as_of=as_of))
    table = OverdueTable(filterset.qs, as_of=as_of, order_by=params.get("sort") or None)
    queryset = table.data.data
    spec = exports.Sheet(
        name=_("Overdue milestones"),
        headers=table.export_headers(),
        rows=table.export_rows(queryset),
        filters=describe_filters(filterset),
    )
    return queryset.count(), spec


exports.BOARDS["overdue"] = _overdue_export_source


class OverdueBoardView(SheetExportMixin, SingleTableMixin, FilterView):
    """Every overdue milestone the user may see; filter, sort, export (CSV, XLSX) in the table's
    order with its filters — streamed while the user waits, or beyond CBEC_EXPORT_INLINE_ROWS rows
    made in the background with progress and a notification."""

    table_class = OverdueTable
    filterset_class = MilestoneFilter
    template_name = "reminders/overdue_board.html"
    # The table paginates (and counts) once; a paginate_by here would make the list view count again.
    table_pagination = {"per_page": 50}
    paginator_class = CountCachedPaginator  # the count is remembered until the data changes
    export_board = "overdue"

    def get_queryset(self):
        return overdue_milestones(self.request.user, as_of=timezone.localdate())

    def get_table_kwargs(self):
        return {"as_of": timezone.localdate()}

    def export_params(self) -> dict:
        return super().export_params() | {"as_of": str(timezone.localdate())}
