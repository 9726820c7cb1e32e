from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


class LockoutAwareObtainAuthToken(ObtainAuthToken):
    """`POST /api/v1/auth/token/`: the token for a username and password — refused with 429 and a
    clear message while the account is locked after repeated failures (django-axes)."""

    def post(self, request, *args, **kwargs):
        django_request = request._request
        AxesProxyHandler.update_request(django_request)
        credentials = {"username": request.data.get("username", "")}
        if AxesProxyHandler.is_locked(django_request, credentials):
            return Response(
                {"detail": _("Too many failed sign-in attempts; the account is locked for a while.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        return super().post(request, *args, **kwargs)
