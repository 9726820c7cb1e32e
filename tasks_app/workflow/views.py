"""Web pages of the workflow: milestones, progress updates, district confirmations, lead changes.

Every view starts from the user's restricted queryset (``tasks_app.workflow.permissions``): an object the
user may not see is a 404. A service refusing the actor is a 403, an action not valid in the
object's state re-renders the page with the message and status 409, and bad input re-renders the
form with its errors and status 400 — the same answers the API gives.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from departments.models import Department
from tasks_app.core.attachments import stored_file_response
from tasks_app.core.form_actions import form_submit, service_perform
from tasks_app.core.history import history_rows
from tasks_app.core.kept_tables import KeptTableMixin
from tasks_app.core.paginators import CountCachedPaginator
from tasks_app.exports.views import SheetExportMixin
from tasks_app.plan.models import KeyTask
from tasks_app.plan.permissions import (
    can_add_own_milestone,
    can_change_lead,
    can_manage_task_milestones,
)
from tasks_app.plan.selectors import current_plan, plan_task_ids, plan_writable
from tasks_app.workflow import (
    milestone_sheet,  # noqa: F401 - registers the milestone export and import
    services,
)
from tasks_app.workflow.filters import MilestoneFilter
from tasks_app.workflow.forms import (
    CommentForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ExtensionRequestForm,
    LeadChangeForm,
    MilestoneEditForm,
    MilestoneForm,
    ProgressUpdateForm,
    TaskReportForm,
    TransitionForm,
)
from tasks_app.workflow.models import CompletionReport, ExtensionStatus, MilestoneStatus
from tasks_app.workflow.permissions import (
    can_approve,
    can_edit_planned,
    can_extend,
    can_work_on,
    extension_requests_visible_to,
    milestones_visible_to,
    progress_updates_visible_to,
    task_report_departments,
)
from tasks_app.workflow.tables import ROW_COLUMNS, MilestoneTable


def _plan_tasks():
    plan = current_plan()
    if plan is None:
        raise Http404(_("No plan is loaded."))
    return KeyTask.objects.filter(plan=plan)


def milestone_visible_or_404(user, pk: int):
    queryset = milestones_visible_to(user).select_related("task", "owner", "district")
    return get_object_or_404(queryset, pk=pk)


def _owner_choices(user, task: KeyTask, *, also_id: int | None = None):
    """The departments the user may create a milestone for on this task (plus ``also_id``, the
    current owner on the edit form), each once: chosen by id, not by OR-ing two querysets whose
    join through the responsibilities would list a department once per row of the join."""
    if can_manage_task_milestones(user, task):
        ids = set(task.responsibilities.values_list("department_id", flat=True))
    elif can_add_own_milestone(user, task):
        ids = set(task.responsibilities.filter(department__group__user=user).values_list("department_id", flat=True))
    else:
        ids = set()
    if also_id is not None:
        ids.add(also_id)
    return Department.objects.filter(pk__in=ids).order_by("position", "code")


class MilestoneListView(KeptTableMixin, SheetExportMixin, SingleTableMixin, FilterView):
    """The milestones the user may see, with filters; a constant number of queries per page;
    exports (CSV, XLSX) with the page's filters and sort, in the columns of the milestone import."""

    export_board = "milestones"

    table_class = MilestoneTable
    filterset_class = MilestoneFilter
    template_name = "workflow/milestone_list.html"
    table_pagination = {"per_page": 50}
    # The table counts once (paginate_by would count again), and remembers it until the data changes.
    paginator_class = CountCachedPaginator

    def get_queryset(self):
        return (
            milestones_visible_to(self.request.user)
            .filter(task_id__in=plan_task_ids(current_plan()))
            .select_related("task", "owner", "district")
            # Only the columns the list shows (MilestoneTable.lean_cells): not the task's full text.
            .only(*ROW_COLUMNS)
            .order_by("due_date", "id")
        )


def milestone_create(request, number: int):
    task = get_object_or_404(_plan_tasks(), number=number)
    choices = _owner_choices(request.user, task)
    if not choices.exists():
        raise PermissionDenied(_("You may not create milestones for this task."))
    if request.method != "POST" and not plan_writable(request.user, task.plan_id):
        # The page's button is not shown on an ended plan; an old link is told why (a POST gets the 409).
        messages.error(
            request,
            _("The plan ended in %(year)s and is read-only; the supervision office may reopen it.")
            % {"year": task.plan.end_year},
        )
        return redirect("tasks_app:task_detail", number=task.number)
    # Offer only the departments the user may choose; accept any of the task's, so that the
    # service, not the form, answers "not allowed" — as the API does.
    form = MilestoneForm(request.POST or None, task=task)
    form.fields["owner"].widget.choices = [("", "---------")] + [(d.pk, str(d)) for d in choices]

    def on_error(status):
        return render(request, "workflow/milestone_form.html", {"form": form, "task": task}, status=status)

    if request.method != "POST":
        return on_error(200)
    if not form.is_valid():
        return on_error(400)
    data = form.cleaned_data
    milestone, error_response = service_perform(
        request,
        lambda: services.milestone_create(
            task=task,
            owner=data["owner"],
            district=data["district"],
            title=data["title"],
            due_date=data["due_date"],
            description=data["description"],
            by=request.user,
            reason=data.get("reason", ""),
            strict_dates=True,
        ),
        form,
        on_error,
    )
    if error_response:
        return error_response
    messages.success(request, _("Milestone created."))
    return redirect("tasks_app:milestone_detail", pk=milestone.pk)


def milestone_page(request, milestone, *, status=200, **forms):
    user = request.user
    today = timezone.localdate()
    # An ended plan's record is read as it is: no form or button that its services would refuse.
    writable = plan_writable(user, milestone.task.plan_id)
    can_edit = writable and milestone.status == MilestoneStatus.PLANNED and can_edit_planned(user, milestone)
    may_extend = (
        writable
        and milestone.status in (MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED)
        and can_extend(user)
    )
    # Progress is reported while the work is under way: not before it starts, not once it is handed in.
    can_work = writable and can_work_on(user, milestone) and milestone.status == MilestoneStatus.IN_PROGRESS
    may_approve = writable and can_approve(user) and milestone.status == MilestoneStatus.SUBMITTED
    actions = []
    if writable and can_work_on(user, milestone):
        if milestone.status == MilestoneStatus.PLANNED:
            actions.append(("start", _("Start")))
        if milestone.status == MilestoneStatus.IN_PROGRESS:
            actions.append(("submit", _("Submit for sign-off (申请办结)")))
    if may_approve:
        actions += [("approve", _("Sign off (销号)")), ("return", _("Return (退回)"))]
    context = {
        "notice_form": forms.get("notice_form"),
        "milestone": milestone,
        "task": milestone.task,
        "today": today,
        "rag": milestone.rag(today),
        "days_overdue": milestone.days_overdue(today),
        "working_days_overdue": milestone.working_days_overdue(today),
        "updates": milestone.progress_updates.select_related("department", "author"),
        "history": history_rows(milestone),
        "actions": actions,
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "update_form": (forms.get("update_form") or ProgressUpdateForm()) if can_work else None,
        "edit_form": (
            forms.get("edit_form")
            or MilestoneEditForm(
                instance=milestone,
                task=milestone.task,
                initial={"version": milestone.version},
                owner_choices=_owner_choices(user, milestone.task, also_id=milestone.owner_id),
            )
        )
        if can_edit
        else None,
        "extension_form": (
            forms.get("extension_form")
            or ExtensionForm(initial={"version": milestone.version, "due_date": milestone.due_date})
        )
        if may_extend
        else None,
        "plan_writable": writable,
        **_conversation(user, milestone, forms, writable),
    }
    return render(request, "workflow/milestone_detail.html", context, status=status)


def _conversation(user, milestone, forms, writable: bool) -> dict:
    """The exchange on a milestone: extension requests, completion reports, comments (issue 16)."""
    requests = list(milestone.extension_requests.select_related("department", "requested_by", "decided_by"))
    pending = next((r for r in requests if r.status == ExtensionStatus.PENDING), None)
    under_way = milestone.status in (MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED)
    may_request = writable and can_work_on(user, milestone) and under_way and pending is None
    return {
        "extension_requests": requests,
        "pending_request": pending,
        "extension_request_form": (forms.get("extension_request_form") or ExtensionRequestForm())
        if may_request
        else None,
        "decision_form": (forms.get("decision_form") or ExtensionDecisionForm())
        if writable and pending is not None and can_extend(user)
        else None,
        "completion_reports": list(milestone.completion_reports.select_related("author")[:5]),
        "comments": list(milestone.comments.select_related("author").prefetch_related("mentions")),
        "comment_form": (forms.get("comment_form") or CommentForm()) if writable else None,
    }


def milestone_detail(request, pk: int):
    return milestone_page(request, milestone_visible_or_404(request.user, pk))


@require_POST
def milestone_edit(request, pk: int):
    """Edit a planned milestone (its editors) — sends only the fields that really changed."""
    milestone = milestone_visible_or_404(request.user, pk)
    if not (can_edit_planned(request.user, milestone) or can_extend(request.user)):
        raise PermissionDenied(_("You may not edit this milestone."))
    # A ModelForm writes its values onto the instance it validates: give it a copy.
    form = MilestoneEditForm(
        request.POST,
        instance=milestone_visible_or_404(request.user, pk),
        task=milestone.task,
        owner_choices=milestone.task.departments.all(),
    )

    def on_error(status):
        return milestone_page(request, milestone, status=status, edit_form=form)

    if not form.is_valid():
        return on_error(400)
    data = form.cleaned_data
    changes = {field: data[field] for field in EDIT_FIELDS if data[field] != getattr(milestone, field)}
    return _update(
        request, milestone, form, on_error, version=data["version"], changes=changes, reason=data.get("reason", "")
    )


@require_POST
def milestone_extend(request, pk: int):
    """Move the due date of a started milestone (延期): the supervision office, with a reason."""
    milestone = milestone_visible_or_404(request.user, pk)
    if not (can_edit_planned(request.user, milestone) or can_extend(request.user)):
        raise PermissionDenied(_("You may not edit this milestone."))
    form = ExtensionForm(request.POST)

    def on_error(status):
        return milestone_page(request, milestone, status=status, extension_form=form)

    if not form.is_valid():
        return on_error(400)
    data = form.cleaned_data
    return _update(
        request,
        milestone,
        form,
        on_error,
        version=data["version"],
        changes={"due_date": data["due_date"]},
        reason=data["reason"],
    )


EDIT_FIELDS = ["title", "owner", "district", "due_date", "description"]


def _update(request, milestone, form, on_error, *, version, changes, reason=""):
    _result, error_response = service_perform(
        request,
        lambda: services.milestone_update(
            milestone=milestone,
            by=request.user,
            version=version,
            changes=changes,
            reason=reason,
            strict_dates=True,
        ),
        form,
        on_error,
    )
    if error_response:
        return error_response
    messages.success(request, _("Milestone saved."))
    return redirect("tasks_app:milestone_detail", pk=milestone.pk)


@require_POST
def milestone_transition(request, pk: int):
    milestone = milestone_visible_or_404(request.user, pk)
    form = TransitionForm(request.POST, request.FILES)

    def on_error(status):
        return milestone_page(request, milestone, status=status, transition_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.milestone_transition(
            milestone=milestone,
            action=data["action"],
            note=data["note"],
            evidence=data["evidence"],
            by=request.user,
            report_required=True,
        ),
        success=_("Done."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )


@require_POST
def progress_update_create(request, pk: int):
    milestone = milestone_visible_or_404(request.user, pk)
    form = ProgressUpdateForm(request.POST, request.FILES)

    def on_error(status):
        return milestone_page(request, milestone, status=status, update_form=form)

    if not can_work_on(request.user, milestone):
        raise PermissionDenied(_("Only the owner department may report progress on it."))
    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.progress_update_create(
            milestone=milestone,
            by=request.user,
            percent=data["percent"],
            summary=data["summary"],
            attachment=data["attachment"],
        ),
        success=_("Progress update posted."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )


def progress_update_attachment(request, pk: int):
    update = get_object_or_404(progress_updates_visible_to(request.user), pk=pk)
    if not update.attachment:
        raise Http404(_("No attachment."))
    return stored_file_response(update.attachment, update.attachment_name)


@require_POST
def task_lead_change(request, number: int):
    task = get_object_or_404(_plan_tasks(), number=number)
    if not can_change_lead(request.user):
        raise PermissionDenied(_("Only the supervision office may change a task's lead."))
    form = LeadChangeForm(request.POST, task=task)

    def on_error(status):
        return _task_page_again(request, task, status, lead_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.task_lead_change(
            task=task, department=data["department"], by=request.user, reason=data["reason"]
        ),
        success=_("Lead department changed."),
        then=reverse("tasks_app:task_detail", kwargs={"number": number}),
    )


@require_POST
def extension_request_create(request, pk: int):
    """延期申请: the owner department asks the office for a later due date."""
    milestone = milestone_visible_or_404(request.user, pk)
    if not can_work_on(request.user, milestone):
        raise PermissionDenied(_("Only the owner department may ask for an extension."))
    form = ExtensionRequestForm(request.POST)

    def on_error(status):
        return milestone_page(request, milestone, status=status, extension_request_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.extension_request_create(
            milestone=milestone, by=request.user, due_date=data["due_date"], reason=data["reason"]
        ),
        success=_("Extension requested: the supervision office has been told."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )


@require_POST
def extension_request_decide(request, pk: int):
    """The supervision office grants or refuses an extension request."""
    extension = get_object_or_404(extension_requests_visible_to(request.user).select_related("milestone"), pk=pk)
    if not can_extend(request.user):
        raise PermissionDenied(_("Only the supervision office may decide on an extension."))
    milestone = milestone_visible_or_404(request.user, extension.milestone_id)
    form = ExtensionDecisionForm(request.POST)

    def on_error(status):
        return milestone_page(request, milestone, status=status, decision_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.extension_request_decide(
            request=extension, by=request.user, decision=data["decision"], reason=data["reason"]
        ),
        success=_("Decision recorded."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}),
    )


@require_POST
def milestone_comment_create(request, pk: int):
    milestone = milestone_visible_or_404(request.user, pk)
    form = CommentForm(request.POST)

    def on_error(status):
        return milestone_page(request, milestone, status=status, comment_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.milestone_comment_create(milestone=milestone, by=request.user, text=data["text"]),
        success=_("Comment posted."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}) + "#comments",
    )


def completion_report_evidence(request, pk: int):
    report = get_object_or_404(
        CompletionReport.objects.filter(milestone__in=milestones_visible_to(request.user)), pk=pk
    )
    if not report.evidence:
        raise Http404(_("No attachment."))
    return stored_file_response(report.evidence, report.evidence_name)


def extension_requests_page(request):
    """The office's queue of extension requests awaiting a decision (and the recent decisions)."""
    requests = extension_requests_visible_to(request.user).select_related(
        "milestone__task", "department", "requested_by", "decided_by"
    )
    return render(
        request,
        "workflow/extension_requests.html",
        {
            "pending": list(requests.filter(status=ExtensionStatus.PENDING).order_by("created_at")[:200]),
            "decided": list(requests.exclude(status=ExtensionStatus.PENDING).order_by("-decided_at")[:50]),
        },
    )



def _task_page_again(request, task, status: int, **forms):
    """The task page once more with a refused form (its errors beside the fields), answered ``status``."""
    from tasks_app.workflow.task_page import TaskDetailView

    view = TaskDetailView()
    view.setup(request, number=task.number)
    view.plan = task.plan
    context = view.get_context_data(number=task.number, **forms)
    return render(request, view.template_name, context, status=status)


@require_POST
def task_report_create(request, number: int):
    """月度报送 on the task page: a responsible department's monthly report (its own people only)."""
    task = get_object_or_404(_plan_tasks(), number=number)
    own = list(task_report_departments(request.user, task))
    if not own:
        raise PermissionDenied(_("Only a department responsible for the task reports on it, by its own people."))
    form = TaskReportForm(request.POST, task=task, own_departments=own)

    def on_error(status):
        return _task_page_again(request, task, status, report_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: services.task_report_file(
            task=task, department=data["department"], month=data["month"], summary=data["summary"], by=request.user
        ),
        success=_("Monthly report filed."),
        then=reverse("tasks_app:task_detail", kwargs={"number": number}) + "#monthly-report",
    )
