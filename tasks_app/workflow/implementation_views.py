"""The district confirmation pages (落实确认): a (task, district) record, its confirmation with evidence,
the supervision office's rejection, and the evidence file for those allowed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks_app.core.attachments import stored_file_response
from tasks_app.core.form_actions import form_submit
from tasks_app.core.history import history_rows
from tasks_app.plan.permissions import (
    can_confirm,
    can_reject_confirmation,
    implementations_visible_to,
)
from tasks_app.plan.selectors import plan_writable
from tasks_app.workflow import services
from tasks_app.workflow.forms import (
    ConfirmForm,
    RejectForm,
)


def _visible_implementation(user, pk: int):
    queryset = implementations_visible_to(user).select_related("task", "district", "confirmed_by")
    return get_object_or_404(queryset, pk=pk)


def _implementation_page(request, implementation, *, status=200, confirm_form=None, reject_form=None):
    user = request.user
    writable = plan_writable(user, implementation.task.plan_id)  # an ended plan's record is read as it is
    context = {
        "implementation": implementation,
        "task": implementation.task,
        # Whoever sees the record may download its evidence (implementation_evidence).
        "history": history_rows(
            implementation,
            file_urls={"evidence": reverse("tasks_app:implementation_evidence", kwargs={"pk": implementation.pk})},
        ),
        "confirm_form": (confirm_form or ConfirmForm()) if writable and can_confirm(user, implementation) else None,
        "reject_form": (reject_form or RejectForm())
        if writable and can_reject_confirmation(user) and implementation.status == "confirmed"
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

    return form_submit(
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

    return form_submit(
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
    return stored_file_response(implementation.evidence, implementation.evidence_name)
