import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

from . import services


class SessionActivityMiddleware:
    """Ends a signed-in session idle for SESSION_IDLE_MINUTES, records activity (at most once a
    minute: it pushes the session's expiry on and updates "last seen" in the session list), and sets
    the account's language cookie after a sign-in; once a day per session it brings the account's
    stand-in groups up to date (services.reconcile_stand_ins). Goes right after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(services.ACTIVITY_KEY)
            if not isinstance(last, int) or now - last > settings.SESSION_IDLE_MINUTES * 60:
                # Idle too long (or a session from before activity was recorded): sign in again.
                logout(request)
            else:
                if now - last >= services.TOUCH_EVERY_SECONDS:
                    services.touch_session(request, timezone.now())
                # A stand-in that began or ended since this session last checked takes effect now.
                services.reconcile_session_day(request, request.user)
        response = self.get_response(request)
        language = getattr(request, "cbec_language", None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
