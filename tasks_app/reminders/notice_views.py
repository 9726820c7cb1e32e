from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks_app.core.form_actions import form_submit
from tasks_app.reminders.forms import SupervisionNoticeForm
from tasks_app.reminders.services import supervision_notice_issue
from tasks_app.workflow.permissions import can_approve
from tasks_app.workflow.views import milestone_page, milestone_visible_or_404


@require_POST
def supervision_notice(request, pk: int):
    milestone = milestone_visible_or_404(request.user, pk)
    if not can_approve(request.user):
        raise PermissionDenied(_("Only the supervision office may issue a 督办 notice."))
    form = SupervisionNoticeForm(request.POST)

    def on_error(status):
        return milestone_page(request, milestone, status=status, notice_form=form)

    return form_submit(
        request,
        form,
        on_error,
        lambda data: supervision_notice_issue(milestone=milestone, by=request.user, message=data["message"]),
        success=_("督办 notice sent."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )
