"""Remembers the request being answered, so that ``current_plan()`` — called by pages and API views
without a user — answers with the current plan of the request user's government."""

from tasks_app.plan.selectors import current_request


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
