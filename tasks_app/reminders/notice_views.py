"""督办 notices as pages: issue one (the office, from a milestone), the notices board, and a notice's
page where the receiving department signs for it (签收) and replies (反馈), and the office closes it
or issues a follow-up. Every page starts from the notices the user may see (404 for the others)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from departments.models import Department
from tasks_app.core.attachments import stored_file_response
from tasks_app.core.form_actions import form_submit
from tasks_app.core.forms import DateInput
from tasks_app.core.people import person_label
from tasks_app.core.validators import date_plausible
from tasks_app.exports import services as exports
from tasks_app.plan.selectors import current_government_units, plan_writable
from tasks_app.reminders.forms import SupervisionNoticeForm
from tasks_app.reminders.models import NoticeReply, NoticeStatus
from tasks_app.reminders.selectors import NOTICE_STATES, notices_board, notices_visible_to
from tasks_app.reminders.services import (
    can_answer_notice,
    notice_acknowledge,
    notice_close,
    notice_reply,
    supervision_notice_issue,
)
from tasks_app.workflow.permissions import can_approve
from tasks_app.workflow.views import milestone_page, milestone_visible_or_404


class NoticeReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Reply (反馈)"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=gettext_lazy("Attachment (optional)"), required=False)


class NoticeCloseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up notice (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Written here, a new notice is issued at once when this one closes."),
    )
    reply_due = forms.DateField(
        label=gettext_lazy("Follow-up reply due"), required=False, widget=DateInput(), validators=[date_plausible]
    )


def _reply_due(request):
    raw = (request.POST.get("reply_due") or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


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
        lambda data: supervision_notice_issue(
            milestone=milestone, by=request.user, message=data["message"], reply_due=_reply_due(request)
        ),
        success=_("督办 notice sent."),
        then=reverse("tasks_app:milestone_detail", kwargs={"pk": pk}),
    )


def notice_board(request):
    """Open / signed / replied / overdue notices, filtered by state and receiving department; CSV and
    XLSX export of the filtered list."""
    state = request.GET.get("state", "")
    state = state if state in NOTICE_STATES else ""
    department = request.GET.get("department", "")
    today = timezone.localdate()
    notices = notices_board(request.user, state=state, department=department, as_of=today)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        filters = " · ".join(
            part
            for part in (
                _state_label(state) if state else "",
                f"{_('Department')}：{department}" if department else "",
            )
            if part
        )
        return _export(fmt, notices, today, filters)
    visible = notices_visible_to(request.user)
    counts = {
        "open": visible.filter(status=NoticeStatus.OPEN).count(),
        "acknowledged": visible.filter(status=NoticeStatus.ACKNOWLEDGED).count(),
        "replied": visible.filter(status=NoticeStatus.REPLIED).count(),
        "overdue": visible.filter(
            status__in=[NoticeStatus.OPEN, NoticeStatus.ACKNOWLEDGED], reply_due__lt=today
        ).count(),
    }
    return render(
        request,
        "reminders/notice_board.html",
        {
            "notices": list(notices[:200]),
            "state": state,
            "department": department,
            "states": [(s, _state_label(s)) for s in NOTICE_STATES],
            "departments": current_government_units(Department).order_by("position", "code"),
            "counts": counts,
            "today": today,
        },
    )


def _state_label(state: str) -> str:
    return _("overdue") if state == "overdue" else str(NoticeStatus(state).label)


def _export(fmt: str, notices, today, filters: str):
    """The board as CSV or XLSX through the one export layer (formula-safe, dates as dates)."""

    def rows():
        for notice in notices[:10000]:
            reminder = notice.reminder
            yield [
                reminder.task.number,
                reminder.milestone.title if reminder.milestone_id else "",
                reminder.department.name if reminder.department_id else "",
                reminder.created_at,
                notice.reply_due,
                notice.get_status_display(),
                person_label(notice.acknowledged_by) if notice.acknowledged_by_id else "",
                _("yes") if notice.is_overdue(today) else "",
            ]

    headers = [
        _("Task"),
        _("Milestone"),
        _("Department"),
        _("Issued"),
        _("Reply due"),
        _("Status"),
        _("Signed by"),
        _("Overdue"),
    ]
    return exports.streamed_export(
        fmt, exports.Sheet(name=_("督办 notices"), headers=headers, rows=rows(), filters=filters)
    )


def _notice_or_404(user, pk: int):
    return get_object_or_404(notices_visible_to(user), pk=pk)


def notice_page(request, notice, *, status=200, **forms_):
    user = request.user
    # A notice about an ended plan's work is read as it is (its services refuse any answer, 409).
    writable = plan_writable(user, notice.reminder.task.plan_id if notice.reminder.task_id else None)
    answer = writable and can_answer_notice(user, notice) and notice.status != NoticeStatus.CLOSED
    office = writable and can_approve(user) and notice.status != NoticeStatus.CLOSED
    return render(
        request,
        "reminders/notice_detail.html",
        {
            "notice": notice,
            "reminder": notice.reminder,
            "replies": notice.replies.select_related("author"),
            "today": timezone.localdate(),
            "overdue": notice.is_overdue(timezone.localdate()),
            "may_acknowledge": answer and notice.status == NoticeStatus.OPEN,
            "reply_form": (forms_.get("reply_form") or NoticeReplyForm()) if answer else None,
            "close_form": (forms_.get("close_form") or NoticeCloseForm()) if office else None,
        },
        status=status,
    )


def notice_detail(request, pk: int):
    return notice_page(request, _notice_or_404(request.user, pk))


@require_POST
def notice_acknowledge_view(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    if not can_answer_notice(request.user, notice):
        raise PermissionDenied(_("Only the receiving department may sign for this notice."))
    form = forms.Form(request.POST)
    return form_submit(
        request,
        form,
        lambda status: notice_page(request, notice, status=status),
        lambda data: notice_acknowledge(notice=notice, by=request.user),
        success=_("Signed for (已签收)."),
        then=reverse("tasks_app:notice_detail", kwargs={"pk": pk}),
    )


@require_POST
def notice_reply_view(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    if not can_answer_notice(request.user, notice):
        raise PermissionDenied(_("Only the receiving department may reply to this notice."))
    form = NoticeReplyForm(request.POST, request.FILES)
    return form_submit(
        request,
        form,
        lambda status: notice_page(request, notice, status=status, reply_form=form),
        lambda data: notice_reply(notice=notice, by=request.user, text=data["text"], attachment=data["attachment"]),
        success=_("Reply sent (已反馈)."),
        then=reverse("tasks_app:notice_detail", kwargs={"pk": pk}),
    )


@require_POST
def notice_close_view(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    if not can_approve(request.user):
        raise PermissionDenied(_("Only the supervision office may close a 督办 notice."))
    form = NoticeCloseForm(request.POST)
    return form_submit(
        request,
        form,
        lambda status: notice_page(request, notice, status=status, close_form=form),
        lambda data: notice_close(
            notice=notice, by=request.user, note=data["note"], follow_up=data["follow_up"], reply_due=data["reply_due"]
        ),
        success=_("Notice closed."),
        then=reverse("tasks_app:notice_detail", kwargs={"pk": pk}),
    )


def notice_reply_attachment(request, pk: int):
    reply = get_object_or_404(NoticeReply.objects.filter(notice__in=notices_visible_to(request.user)), pk=pk)
    if not reply.attachment:
        raise Http404(_("No attachment."))
    return stored_file_response(reply.attachment, reply.attachment_name)
