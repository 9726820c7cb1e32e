from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from tasks_app.core.errors import InvalidState
from tasks_app.core.kept_tables import KeptTableMixin
from tasks_app.core.paginators import CountCachedPaginator
from tasks_app.exports import services as exports
from tasks_app.exports.views import SheetExportMixin, describe_filters
from tasks_app.plan.selectors import current_plan, plan_writable
from tasks_app.reminders.models import Reminder
from tasks_app.reminders.scan import working_days_mode
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.reminders.services import supervision_notices_issue
from tasks_app.reminders.tables import OverdueTable
from tasks_app.workflow.filters import MilestoneFilter
from tasks_app.workflow.permissions import can_approve
from tasks_app.workflow.tables import ROW_COLUMNS
from workdays import calendar as workcal
from workdays.conf import settings_values


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


class OverdueBoardView(KeptTableMixin, SheetExportMixin, SingleTableMixin, FilterView):
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
        # Only the columns the board shows (OverdueTable.lean_cells): not the task's full text, the
        # milestone's description, the units' other fields — 50 rows × 4 objects a page.
        return overdue_milestones(self.request.user, as_of=timezone.localdate()).only(*ROW_COLUMNS)

    def get_table_kwargs(self):
        return {"as_of": timezone.localdate()}

    def kept_table_extra(self) -> list:
        # The escalation level and last reminder come from reminders, which do not move the change
        # counter (the scan writes them in bulk); working days from the calendar.
        # The newest of any kind: one step back along the primary key, whatever its kind.
        return [Reminder.all_kinds.order_by("-id").values_list("id", flat=True).first(), workcal.version()]

    def export_params(self) -> dict:
        return super().export_params() | {"as_of": str(timezone.localdate())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # No bulk 督办 on an ended plan's board (its services refuse it, 409).
        plan = current_plan(self.request.user)
        context["may_issue_notices"] = can_approve(self.request.user) and plan_writable(
            self.request.user, plan.pk if plan else None
        )
        # The board shows both counts and says which one the escalation follows.
        if working_days_mode():
            context["escalation_counts"] = "working"
            context["escalation_every"] = settings_values().escalation_interval
        else:
            context["escalation_counts"] = "calendar"
            context["escalation_every"] = settings.CBEC_ESCALATION_EVERY_DAYS
        return context


@require_POST
def overdue_bulk_action(request):
    """The ticked rows of the overdue board: one 督办 notice to each (the supervision office), or
    their export. Only rows the user sees as overdue now are acted on: a milestone completed since
    the page was drawn is left out and the user told how many."""
    action = request.POST.get("action")
    if action not in ("notice", "xlsx", "csv"):
        return HttpResponseBadRequest(_("Unknown action."))
    if action == "notice" and not can_approve(request.user):
        raise PermissionDenied(_("Only the supervision office may issue a 督办 notice."))
    # Back to the board as it was filtered (a query string only: never another address).
    query = request.POST.get("back", "")
    back = reverse("tasks_app:overdue_board") + (query if query.startswith("?") else "")
    try:
        ticked = {int(pk) for pk in request.POST.getlist("pk")}
    except ValueError:
        return HttpResponseBadRequest(_("A ticked row is not a milestone."))
    today = timezone.localdate()
    milestones = overdue_milestones(request.user, as_of=today).filter(pk__in=ticked).order_by("due_date", "id")
    if action != "notice":
        table = OverdueTable(milestones, as_of=today)
        spec = exports.Sheet(
            name=_("Overdue milestones"),
            headers=table.export_headers(),
            rows=table.export_rows(milestones),
            filters=_("%(n)d ticked rows") % {"n": len(ticked)},
        )
        return exports.streamed_export(action, spec)
    found = list(milestones)
    try:
        supervision_notices_issue(milestones=found, by=request.user, message=request.POST.get("message", ""))
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(back)
    except InvalidState as error:  # e.g. a ticked milestone of a plan that has ended (read-only)
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, _("督办 notice sent to %(n)d milestones.") % {"n": len(found)})
    if len(found) < len(ticked):
        messages.warning(
            request,
            _("%(n)d ticked milestones are no longer overdue and were left out.") % {"n": len(ticked) - len(found)},
        )
    return redirect(back)
