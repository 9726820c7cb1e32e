"""The lockout answer (django-axes ``AXES_LOCKOUT_CALLABLE``): says when the account may try again."""

from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .client_ip import client_ip


def retry_at(request, credentials=None):
    """When the lock on this username and address ends (None: locked until an administrator unlocks)."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def retry_after_seconds(when) -> int:
    if when is None:
        return 0
    return max(1, int((when - timezone.now()) / timedelta(seconds=1)) + 1)


def lockout_response(request, original_response=None, credentials=None):
    when = retry_at(request, credentials)
    seconds = retry_after_seconds(when)
    if request.path_info.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        response = JsonResponse(
            {"detail": "locked", "retry_at": when.isoformat() if when else None}, status=429
        )
    else:
        context = {
            "retry_at": timezone.localtime(when) if when else None,
            "minutes": -(-seconds // 60),
            "failure_limit": get_failure_limit(request, credentials),
        }
        response = render(request, "registration/locked_out.html", context, status=429)
    if when:
        response["Retry-After"] = str(seconds)
    return response
