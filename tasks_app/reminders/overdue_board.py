from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from tasks_app.core.paginators import CountCachedPaginator
from tasks_app.exports import services as exports
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.reminders.tables import OverdueTable
from tasks_app.workflow.filters import MilestoneFilter


def overdue_table(user, params, as_of) -> OverdueTable:
    """The overdue board's table for these filters and sort (the page, its exports, a background job)."""
    filterset = MilestoneFilter(params, queryset=overdue_milestones(user, as_of=as_of))
    return OverdueTable(filterset.qs, as_of=as_of, order_by=params.get("sort") or None)


def _overdue_export_source(user, params: dict):
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else timezone.localdate()
    table = overdue_table(user, params, as_of)
    queryset = table.data.data
    return queryset.count(), "overdue", table.export_headers(), table.export_rows(queryset)


class OverdueBoardView(SingleTableMixin, FilterView):
    """Every overdue milestone the user may see; filter, sort, export (CSV, XLSX) in the table's
    order with its filters — streamed while the user waits, or beyond CBEC_EXPORT_INLINE_ROWS rows
    made in the background with progress and a notification."""

    table_class = OverdueTable
    filterset_class = MilestoneFilter
    template_name = "reminders/overdue_board.html"
    # The table paginates (and counts) once; a paginate_by here would make the list view count again.
    table_pagination = {"per_page": 50}
    paginator_class = CountCachedPaginator  # the count is remembered until the data changes
    export_name = "overdue"

    def get_queryset(self):
        return overdue_milestones(self.request.user, as_of=timezone.localdate())

    def get_table_kwargs(self):
        return {"as_of": timezone.localdate()}

    def render_to_response(self, context, **kwargs):
        export = self.request.GET.get("_export")
        if export not in exports.FORMATS:
            return super().render_to_response(context, **kwargs)
        table = context["table"]
        if table.paginator.count > settings.CBEC_EXPORT_INLINE_ROWS:
            params = {key: value for key, value in self.request.GET.items() if key != "_export"}
            params |= {"as_of": str(table.as_of), "language": get_language() or settings.LANGUAGE_CODE}
            exports.export_job_start(user=self.request.user, board=self.export_name, fmt=export, params=params)
            messages.info(
                self.request,
                _(
                    "%(rows)s rows: the export is being made in the background. "
                    "You will get a notification when it is ready."
                )
                % {"rows": table.paginator.count},
            )
            return redirect("tasks_app:export_list")
        return exports.streamed_export(
            export, self.export_name, table.export_headers(), table.export_rows(table.data.data)
        )
