"""How a page runs a service: one helper for every form action, so every page answers alike —
403 for a refusal, 409 (with a message) for a step not valid now, 400 with the form's errors for
bad input, a redirect after success."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from tasks_app.core.errors import InvalidState, NotAllowed


def form_errors_apply(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def service_perform(request, call, form, on_error):
    """Run a service; map refusals to 403, state conflicts to 409 and bad input to 400."""
    try:
        return call(), None
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except InvalidState as error:
        messages.error(request, str(error))
        return None, on_error(409)
    except ValidationError as error:
        form_errors_apply(form, error)
        return None, on_error(400)


def form_submit(request, form, on_error, call, *, success: str, then):
    """Validate the form (400 with its errors), run the service on the cleaned data (403 / 409 / 400,
    see ``service_perform``), then report success and redirect to ``then``."""
    if not form.is_valid():
        return on_error(400)
    _result, error_response = service_perform(request, lambda: call(form.cleaned_data), form, on_error)
    if error_response:
        return error_response
    messages.success(request, success)
    return redirect(then)
