"""The plan in the URL for API calls: a token-authenticated call is someone only once the view has
authenticated it, so its plan (``/plans/<code>/api/…``) is checked here, with the other permission
checks of every endpoint (REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from tasks_app.plan.selectors import plan_in_url


class PlanInUrlVisible(BasePermission):
    """A plan the caller may not see is a 404 (``plan_in_url`` raises it), as everywhere."""

    def has_permission(self, request, view) -> bool:
        if getattr(request._request, "plan_code_from_url", None):
            plan_in_url(request._request)
        return True
