from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks_app.reminders.forms import SupervisionNoticeForm
from tasks_app.reminders.services import supervision_notice_issue
from tasks_app.workflow.permissions import can_approve
from tasks_app.workflow.views import _milestone_page, _submit, _visible_milestone


@require_POST
def supervision_notice(request, pk: int):
    milestone = _visible_milestone(request.user, pk)
    if not can_approve(request.user):
        raise PermissionDenied(_("Only the supervision office may issue a 督办 notice."))
    form = SupervisionNoticeForm(request.POST)

    def on_error(status):
        return _milestone_page(request, milestone, status=status, notice_form=form)

    return _submit(
        request,
        form,
        on_error,
        lambda data: supervision_notice_issue(milestone=milestone, by=request.user, message=data["message"]),
        success=_("督办 notice sent."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )
