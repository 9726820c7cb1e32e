"""My account: profile, password, and the sessions and API tokens signed in as me."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ProfileForm


def profile(request):
    instance = services.ensure_profile(request.user)
    form = ProfileForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        language = saved.language or settings.LANGUAGE_CODE
        translation.activate(language)  # the message below already in the chosen language
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
        return response
    return render(request, "accounts/profile.html", {"form": form, "profile": instance, "section": "profile"})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Local accounts change their password here; every API token and every other session of the
    account ends (signals.password_changed), this session stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (
            selectors.is_directory_account(request.user) or not request.user.has_usable_password()
        ):
            return render(request, "accounts/password_directory.html", {"section": "password"})
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="password", **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # saves (ending tokens and sessions), keeps this session
        services.record_session(self.request, self.request.user)
        messages.success(
            self.request,
            _("Your password has been changed. Your API tokens and your other sessions have been signed out."),
        )
        return response


def security(request):
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": selectors.active_sessions(request.user),
            "tokens": selectors.active_tokens(request.user),
            "current_session_key": request.session.session_key,
            "token_ttl_hours": settings.API_TOKEN_TTL_HOURS,
            "section": "security",
        },
    )


@require_POST
def revoke_session(request, session_id):
    if not services.revoke_session(request.user, session_id):
        raise Http404
    messages.success(request, _("The session has been signed out."))
    return redirect("accounts:security")


@require_POST
def revoke_other_sessions(request):
    count = services.revoke_other_sessions(request.user, request.session.session_key)
    messages.success(request, _("Signed out of %(count)d other session(s).") % {"count": count})
    return redirect("accounts:security")


@require_POST
def revoke_token(request, digest):
    if not services.revoke_token(request.user, digest):
        raise Http404
    messages.success(request, _("The API token has been revoked."))
    return redirect("accounts:security")
