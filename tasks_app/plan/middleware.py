"""The plan in the URL, and the request being answered.

``/plans/<code>/…`` answers any page or API call within that plan: the prefix is taken off before
the URL is resolved, and becomes the script prefix while the request is answered, so every link the
page makes (``{% url %}``, ``reverse``, redirects) stays within the plan. Without the prefix a page
answers for the current plan of the user's government, so existing addresses keep working. A plan
the user may not see is a 404, as everywhere.

``CurrentRequestMiddleware`` remembers the request being answered, so that ``current_plan()`` —
called by pages and API views without a user — answers with the plan of the URL, or else the
current plan of the request user's government."""

from __future__ import annotations

import re

from django.urls import get_script_prefix, reverse, set_script_prefix

from tasks_app.core.changes import data_version_memo_end, data_version_memo_start
from tasks_app.plan.selectors import current_request, plan_in_url

PLAN_IN_URL = re.compile(r"^/plans/(?P<code>[-a-zA-Z0-9_]{1,64})(?P<rest>/.*)$")


def reverse_in_plan(plan_code: str, viewname: str, **kwargs) -> str:
    """The address of a page within a given plan (``/plans/<code>/…``), whatever plan the request
    being answered is in."""
    request = current_request.get()
    prefix = get_script_prefix()
    outer = getattr(request, "outer_script_prefix", None) or prefix
    path = reverse(viewname, kwargs=kwargs or None)[len(prefix) :]
    return f"{outer}plans/{plan_code}/{path}"


class PlanInUrlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PLAN_IN_URL.match(request.path_info)
        if match is None:
            return self.get_response(request)
        code, rest = match.group("code"), match.group("rest")
        request.plan_code_from_url = code
        if request.user.is_authenticated:
            plan_in_url(request)  # 404 now for a plan the user may not see
        # Not signed in yet: a page sends the visitor to sign in (within the same address); an API
        # call authenticates in the view, where its permission check (plan.api_access) looks.
        request.path_info = rest
        outer_prefix = get_script_prefix()
        request.outer_script_prefix = outer_prefix  # the plan switcher's links leave this plan
        set_script_prefix(f"{outer_prefix.rstrip('/')}/plans/{code}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(outer_prefix)


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        versions = data_version_memo_start()  # the change counter: read once per request
        try:
            return self.get_response(request)
        finally:
            data_version_memo_end(versions)
            current_request.reset(token)
