"""The plan switcher and the read-only banner of every page (computed only when a page shows them)."""

from __future__ import annotations

from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from tasks_app.plan.selectors import current_plan, plans_visible_to


def _plan_bar(request) -> dict:
    user = request.user
    plans = plans_visible_to(user)
    shown = current_plan(user)
    outer = getattr(request, "outer_script_prefix", None) or get_script_prefix()
    today = timezone.localdate()
    return {
        "current": shown,
        "read_only": bool(shown and shown.is_read_only(today)),
        # Only where there is a choice: a city's people with one plan see no switcher.
        "choices": [
            {"plan": plan, "url": f"{outer}plans/{plan.code}/", "current": shown is not None and plan.pk == shown.pk}
            for plan in plans
        ]
        if len(plans) > 1
        else [],
    }


def plans(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"plan_bar": SimpleLazyObject(lambda: _plan_bar(request))}
