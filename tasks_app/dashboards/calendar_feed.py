"""Each person's deadlines as a calendar (.ics) that Outlook, WPS and phone calendars subscribe to:
the open milestones of their department(s) or district(s) by due date, the reply dates of 督办 notices
to their department(s), and the monthly reporting day
(from the 25th) for the departments that report. Built with ``icalendar``; the feed is private to
its token, which its owner resets on the page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event, vRecur

from departments.models import Department, District
from tasks_app.dashboards.models import CalendarFeed, feed_token
from tasks_app.plan.models import TaskResponsibility
from tasks_app.plan.selectors import current_plan, plan_task_ids
from tasks_app.workflow.models import OPEN_STATUSES
from tasks_app.workflow.permissions import milestones_visible_to

FEED_PAST_DAYS = 60  # overdue items of the last two months stay in the calendar
FEED_AHEAD_DAYS = 400
FEED_MOST_EVENTS = 2000  # a calendar client reads the whole file on every refresh


# --- writes ------------------------------------------------------------------------------------------


def calendar_feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(user) -> CalendarFeed:
    """A new private address; the old one answers 404 from now on."""
    feed = calendar_feed_for(user)
    feed.token = feed_token()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed


# --- reads -------------------------------------------------------------------------------------------


def feed_milestones(user, today: dt.date):
    """The open milestones owned by the user's departments or tied to their districts — within what
    they may see — due from two months ago to a year ahead."""
    departments = Department.objects.filter(group__user=user)
    districts = District.objects.filter(group__user=user)
    mine = milestones_visible_to(user).filter(task_id__in=plan_task_ids(current_plan(user)), status__in=OPEN_STATUSES)
    mine = mine.filter(owner__in=departments) | mine.filter(district__in=districts)
    return (
        mine.filter(
            due_date__gte=today - dt.timedelta(days=FEED_PAST_DAYS),
            due_date__lte=today + dt.timedelta(days=FEED_AHEAD_DAYS),
        )
        .select_related("task", "owner", "district")
        .order_by("due_date", "id")[:FEED_MOST_EVENTS]
    )


def feed_notices(user, today: dt.date):
    """督办 notices to the user's departments still awaiting receipt or an answer: their reply dates."""
    from tasks_app.reminders.models import NoticeStatus
    from tasks_app.reminders.selectors import notices_visible_to

    return (
        notices_visible_to(user)
        .filter(
            status__in=[NoticeStatus.OPEN, NoticeStatus.ACKNOWLEDGED],
            reminder__milestone__owner__group__user=user,
            reply_due__gte=today - dt.timedelta(days=FEED_PAST_DAYS),
        )
        .order_by("reply_due")[:FEED_MOST_EVENTS]
    )


def feed_calendar(user, *, base_url: str, today: dt.date | None = None) -> bytes:
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//CBEC Plan Tracker//cbec-tracker//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("CBEC deadlines"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for milestone in feed_milestones(user, today):
        event = Event()
        event.add("uid", f"milestone-{milestone.pk}@cbec-tracker")
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.due_date)  # an all-day event on the due date
        event.add("dtend", milestone.due_date + dt.timedelta(days=1))
        event.add(
            "summary",
            _("Due: %(title)s (task %(number)s)") % {"title": milestone.title, "number": milestone.task.number},
        )
        url = base_url + reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk})
        event.add("url", url)
        event.add("description", f"{milestone.owner} · {milestone.get_status_display()}\n{url}")
        calendar.add_component(event)
    for notice in feed_notices(user, today):
        milestone = notice.reminder.milestone
        event = Event()
        event.add("uid", f"notice-{notice.pk}@cbec-tracker")
        event.add("dtstamp", stamp)
        event.add("dtstart", notice.reply_due)
        event.add("dtend", notice.reply_due + dt.timedelta(days=1))
        event.add("summary", _("Reply due: 督办 notice on %(title)s") % {"title": milestone.title})
        url = base_url + reverse("tasks_app:notice_detail", kwargs={"pk": notice.pk})
        event.add("url", url)
        event.add("description", f"{notice.get_status_display()}\n{url}")
        calendar.add_component(event)
    reporting = TaskResponsibility.objects.filter(
        task__plan=current_plan(user), department__group__user=user
    ).exists()
    if reporting:
        event = Event()
        event.add("uid", f"monthly-report-{user.pk}@cbec-tracker")
        event.add("dtstamp", stamp)
        first = today.replace(day=settings.CBEC_MONTHLY_REPORT_DAY)
        event.add("dtstart", first)
        event.add("dtend", first + dt.timedelta(days=1))
        event.add("rrule", vRecur({"FREQ": "MONTHLY", "BYMONTHDAY": settings.CBEC_MONTHLY_REPORT_DAY}))
        event.add("summary", _("Monthly progress report (月度报送) opens"))
        calendar.add_component(event)
    return calendar.to_ical()


# --- pages -------------------------------------------------------------------------------------------


@login_not_required  # a calendar client cannot sign in: the private token is the key
def calendar_feed(request, token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404(_("No such calendar."))
    body = feed_calendar(feed.user, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cbec-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def calendar_feed_page(request):
    feed = calendar_feed_for(request.user)
    url = request.build_absolute_uri(reverse("tasks_app:calendar_feed", kwargs={"token": feed.token}))
    return render(request, "dashboards/calendar_feed.html", {"feed": feed, "url": url})


@require_POST
def calendar_feed_reset_page(request):
    calendar_feed_reset(request.user)
    return redirect("tasks_app:calendar_feed_page")
