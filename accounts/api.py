"""`POST /api/v1/auth/token/`: an expiring API token (django-rest-knox) for a username and password."""

from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .lockout import retry_after_seconds, retry_at


class ObtainExpiringToken(APIView):
    """The token for a username and password (directory accounts too). It expires after
    API_TOKEN_TTL_HOURS, ends when the password changes, and the owner can revoke it on
    /accounts/security/. 429 while the account is locked after repeated failures (django-axes)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer(
            "ApiToken", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
    )
    def post(self, request, *args, **kwargs):
        django_request = request._request
        AxesProxyHandler.update_request(django_request)
        credentials = {"username": request.data.get("username", "")}
        if AxesProxyHandler.is_locked(django_request, credentials):
            when = retry_at(django_request, credentials)
            response = Response(
                {
                    "detail": _("Too many failed sign-in attempts; the account is locked for a while."),
                    "retry_at": when,
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            if when:
                response["Retry-After"] = str(retry_after_seconds(when))
            return response
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, token = services.issue_token(serializer.validated_data["user"])
        return Response({"token": token, "expiry": instance.expiry})
