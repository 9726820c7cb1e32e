"""Web pages of the workflow: milestones, progress updates, district confirmations, lead changes.

Every view starts from the user's restricted queryset (``tasks_app.permissions``): an object the
user may not see is a 404. A service refusing the actor is a 403, an action not valid in the
object's state re-renders the page with the message and status 409, and bad input re-renders the
form with its errors and status 400 — the same answers the API gives.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from departments.models import Department
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.core.history import history_rows
from tasks_app.core.paginators import CountCachedPaginator
from tasks_app.plan.models import KeyTask
from tasks_app.plan.permissions import (
    can_add_own_milestone,
    can_change_lead,
    can_confirm,
    can_manage_task_milestones,
    can_reject_confirmation,
    implementations_visible_to,
)
from tasks_app.plan.selectors import current_plan, plan_task_ids
from tasks_app.workflow import services
from tasks_app.workflow.filters import MilestoneFilter
from tasks_app.workflow.forms import (
    ConfirmForm,
    ExtensionForm,
    LeadChangeForm,
    MilestoneEditForm,
    MilestoneForm,
    ProgressUpdateForm,
    RejectForm,
    TransitionForm,
)
from tasks_app.workflow.models import MilestoneStatus
from tasks_app.workflow.permissions import (
    can_approve,
    can_edit_planned,
    can_extend,
    can_work_on,
    milestones_visible_to,
    progress_updates_visible_to,
)
from tasks_app.workflow.tables import MilestoneTable


def _plan_tasks():
    plan = current_plan()
    if plan is None:
        raise Http404(_("No plan is loaded."))
    return KeyTask.objects.filter(plan=plan)


def _visible_milestone(user, pk: int):
    queryset = milestones_visible_to(user).select_related("task", "owner", "district")
    return get_object_or_404(queryset, pk=pk)


def _visible_implementation(user, pk: int):
    queryset = implementations_visible_to(user).select_related("task", "district", "confirmed_by")
    return get_object_or_404(queryset, pk=pk)


def _apply_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _perform(request, call, form, on_error):
    """Run a service; map refusals to 403, state conflicts to 409 and bad input to 400."""
    try:
        return call(), None
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except InvalidState as error:
        messages.error(request, str(error))
        return None, on_error(409)
    except ValidationError as error:
        _apply_errors(form, error)
        return None, on_error(400)


def _submit(request, form, on_error, call, *, success: str, then):
    """Validate the form (400 with its errors), run the service on the cleaned data (403 / 409 / 400,
    see ``_perform``), then report success and redirect to ``then``."""
    if not form.is_valid():
        return on_error(400)
    _result, error_response = _perform(request, lambda: call(form.cleaned_data), form, on_error)
    if error_response:
        return error_response
    messages.success(request, success)
    return redirect(then)


def _owner_choices(user, task: KeyTask):
    """The departments the user may create a milestone for on this task."""
    departments = task.departments.order_by("position")
    if can_manage_task_milestones(user, task):
        return departments
    if can_add_own_milestone(user, task):
        return departments.filter(group__user=user)
    return Department.objects.none()


# --- milestones ---------------------------------------------------------------------------------


class MilestoneListView(SingleTableMixin, FilterView):
    """The milestones the user may see, with filters; a constant number of queries per page."""

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
            .order_by("due_date", "id")
        )


def milestone_create(request, number: int):
    task = get_object_or_404(_plan_tasks(), number=number)
    choices = _owner_choices(request.user, task)
    if not choices.exists():
        raise PermissionDenied(_("You may not create milestones for this task."))
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
    milestone, error_response = _perform(
        request,
        lambda: services.milestone_create(
            task=task,
            owner=data["owner"],
            district=data["district"],
            title=data["title"],
            due_date=data["due_date"],
            description=data["description"],
            by=request.user,
        ),
        form,
        on_error,
    )
    if error_response:
        return error_response
    messages.success(request, _("Milestone created."))
    return redirect("tasks_app:milestone_detail", pk=milestone.pk)


def _milestone_page(request, milestone, *, status=200, **forms):
    user = request.user
    today = timezone.localdate()
    can_edit = milestone.status == MilestoneStatus.PLANNED and can_edit_planned(user, milestone)
    may_extend = milestone.status in (
        MilestoneStatus.IN_PROGRESS,
        MilestoneStatus.SUBMITTED,
    ) and can_extend(user)
    can_work = can_work_on(user, milestone) and milestone.status != MilestoneStatus.COMPLETED
    may_approve = can_approve(user) and milestone.status == MilestoneStatus.SUBMITTED
    actions = []
    if can_work_on(user, milestone):
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
                owner_choices=_owner_choices(user, milestone.task) | Department.objects.filter(pk=milestone.owner_id),
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
    }
    return render(request, "workflow/milestone_detail.html", context, status=status)


def milestone_detail(request, pk: int):
    return _milestone_page(request, _visible_milestone(request.user, pk))


@require_POST
def milestone_edit(request, pk: int):
    """Edit a planned milestone (its editors) — sends only the fields that really changed."""
    milestone = _visible_milestone(request.user, pk)
    if not (can_edit_planned(request.user, milestone) or can_extend(request.user)):
        raise PermissionDenied(_("You may not edit this milestone."))
    # A ModelForm writes its values onto the instance it validates: give it a copy.
    form = MilestoneEditForm(
        request.POST,
        instance=_visible_milestone(request.user, pk),
        task=milestone.task,
        owner_choices=milestone.task.departments.all(),
    )

    def on_error(status):
        return _milestone_page(request, milestone, status=status, edit_form=form)

    if not form.is_valid():
        return on_error(400)
    data = form.cleaned_data
    changes = {field: data[field] for field in EDIT_FIELDS if data[field] != getattr(milestone, field)}
    return _update(request, milestone, form, on_error, version=data["version"], changes=changes)


@require_POST
def milestone_extend(request, pk: int):
    """Move the due date of a started milestone (延期): the supervision office, with a reason."""
    milestone = _visible_milestone(request.user, pk)
    if not (can_edit_planned(request.user, milestone) or can_extend(request.user)):
        raise PermissionDenied(_("You may not edit this milestone."))
    form = ExtensionForm(request.POST)

    def on_error(status):
        return _milestone_page(request, milestone, status=status, extension_form=form)

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
    _result, error_response = _perform(
        request,
        lambda: services.milestone_update(
            milestone=milestone, by=request.user, version=version, changes=changes, reason=reason
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
    milestone = _visible_milestone(request.user, pk)
    form = TransitionForm(request.POST)

    def on_error(status):
        return _milestone_page(request, milestone, status=status, transition_form=form)

    return _submit(
        request,
        form,
        on_error,
        lambda data: services.milestone_transition(
            milestone=milestone, action=data["action"], note=data["note"], by=request.user
        ),
        success=_("Done."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )


@require_POST
def progress_update_create(request, pk: int):
    milestone = _visible_milestone(request.user, pk)
    form = ProgressUpdateForm(request.POST, request.FILES)

    def on_error(status):
        return _milestone_page(request, milestone, status=status, update_form=form)

    if not can_work_on(request.user, milestone):
        raise PermissionDenied(_("Only the owner department may report progress on it."))
    return _submit(
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
    return FileResponse(update.attachment.open("rb"), as_attachment=True, filename=update.attachment_name)


# --- implementations ----------------------------------------------------------------------------


def _implementation_page(request, implementation, *, status=200, confirm_form=None, reject_form=None):
    user = request.user
    context = {
        "implementation": implementation,
        "task": implementation.task,
        "history": history_rows(implementation),
        "confirm_form": (confirm_form or ConfirmForm()) if can_confirm(user, implementation) else None,
        "reject_form": (reject_form or RejectForm())
        if can_reject_confirmation(user) and implementation.status == "confirmed"
        else None,
    }
    return render(request, "workflow/implementation_detail.html", context, status=status)


def implementation_detail(request, pk: int):
    return _implementation_page(request, _visible_implementation(request.user, pk))


@require_POST
def implementation_confirm(request, pk: int):
    implementation = _visible_implementation(request.user, pk)
    if not can_confirm(request.user, implementation):
        raise PermissionDenied(_("Only the district itself may confirm its implementation."))
    form = ConfirmForm(request.POST, request.FILES)

    def on_error(status):
        return _implementation_page(request, implementation, status=status, confirm_form=form)

    return _submit(
        request,
        form,
        on_error,
        lambda data: services.implementation_confirm(
            implementation=implementation, by=request.user, note=data["note"], evidence=data["evidence"]
        ),
        success=_("Implementation confirmed."),
        then=reverse("tasks_app:implementation_detail", kwargs={"pk": pk}),
    )


@require_POST
def implementation_reject(request, pk: int):
    implementation = _visible_implementation(request.user, pk)
    if not can_reject_confirmation(request.user):
        raise PermissionDenied(_("Only the supervision office may reject a confirmation."))
    form = RejectForm(request.POST)

    def on_error(status):
        return _implementation_page(request, implementation, status=status, reject_form=form)

    return _submit(
        request,
        form,
        on_error,
        lambda data: services.implementation_reject(
            implementation=implementation, by=request.user, reason=data["reason"]
        ),
        success=_("Confirmation rejected."),
        then=reverse("tasks_app:implementation_detail", kwargs={"pk": pk}),
    )


def implementation_evidence(request, pk: int):
    implementation = _visible_implementation(request.user, pk)
    if not implementation.evidence:
        raise Http404(_("No evidence file."))
    return FileResponse(implementation.evidence.open("rb"), as_attachment=True, filename=implementation.evidence_name)


# --- lead ---------------------------------------------------------------------------------------


@require_POST
def task_lead_change(request, number: int):
    task = get_object_or_404(_plan_tasks(), number=number)
    if not can_change_lead(request.user):
        raise PermissionDenied(_("Only the supervision office may change a task's lead."))
    form = LeadChangeForm(request.POST, task=task)

    def on_error(status):
        from tasks_app.workflow.task_page import TaskDetailView

        view = TaskDetailView()
        view.setup(request, number=number)
        view.plan = task.plan
        context = view.get_context_data(number=number, lead_form=form)
        return render(request, view.template_name, context, status=status)

    return _submit(
        request,
        form,
        on_error,
        lambda data: services.task_lead_change(
            task=task, department=data["department"], by=request.user, reason=data["reason"]
        ),
        success=_("Lead department changed."),
        then=reverse("tasks_app:task_detail", kwargs={"number": number}),
    )
