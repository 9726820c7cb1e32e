"""Search across the plan: key tasks, milestones (and, as they come, notices) by words or by number,
each within what the reader may see — a milestone the user may not see is never found (the 404 rule
holds for search too)."""

from __future__ import annotations

import re

from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tasks_app.plan.models import KeyTask
from tasks_app.plan.selectors import current_plan, plan_task_ids
from tasks_app.workflow.permissions import milestones_visible_to

RESULTS_SHOWN = 50
NUMBER = re.compile(r"^#?(\d{1,9})$")


def search_results(user, query: str) -> dict:
    """Tasks and milestones matching ``query``: "#123" a milestone's number, a bare number a task's
    number or a milestone's; words match titles (and a task's text), every word somewhere."""
    query = query.strip()
    plan = current_plan()
    if not query or plan is None:
        return {"tasks": [], "milestones": [], "more": False}
    words = [w for w in re.split(r"\s+", query) if w][:5]
    number = NUMBER.match(query)
    tasks = KeyTask.objects.filter(plan=plan)
    milestones = milestones_visible_to(user).filter(task_id__in=plan_task_ids(plan))
    if number:
        value = int(number.group(1))
        # "#123" is a milestone's number; a bare 5 may be a task's number or a milestone's.
        tasks = tasks.none() if query.startswith("#") else tasks.filter(number=value)
        milestones = milestones.filter(pk=value)
    else:
        for word in words:
            tasks = tasks.filter(Q(title__icontains=word) | Q(title_en__icontains=word) | Q(text__icontains=word))
            milestones = milestones.filter(Q(title__icontains=word) | Q(description__icontains=word))
    found = list(
        milestones.select_related("task", "owner", "district").order_by("due_date", "id")[: RESULTS_SHOWN + 1]
    )
    return {
        "tasks": list(tasks.order_by("number")[:RESULTS_SHOWN]),
        "milestones": found[:RESULTS_SHOWN],
        "more": len(found) > RESULTS_SHOWN,
    }


def search_page(request):
    query = request.GET.get("q", "")[:100]
    results = search_results(request.user, query)
    # One exact hit by number: go straight to it.
    if NUMBER.match(query.strip()) and len(results["milestones"]) + len(results["tasks"]) == 1:
        if results["milestones"]:
            return redirect("tasks_app:milestone_detail", pk=results["milestones"][0].pk)
        return redirect("tasks_app:task_detail", number=results["tasks"][0].number)
    return render(
        request,
        "dashboards/search.html",
        {"query": query, "title": _("Search"), **results},
    )
