"""One gate for malformed requests, in front of every page and every API endpoint.

What no view should have to think about, refused before any view runs:

* a NUL byte in the path or in a query parameter (PostgreSQL refuses it inside a string literal,
  so a lookup such as ``/departments/a%00b/`` or ``?owner=a%00b`` would otherwise end in a 500),
  or in a field of a form body (a user name the sign-in lockout would store: a page answers 400);
* a paging parameter that is not a plain number or is out of range (``?offset=10^20``,
  ``?page=10^20``: the database cannot even represent the offset).

The API answers 400 with the parameter named (``{"offset": ["…"]}``), as a serializer would;
a page answers 404, as for a page past the end. An API path that matches no endpoint is a JSON
404 like every other API answer, not the HTML page. A page past the end of a list (``?page=999``)
is also a 404, wherever the view's paginator notices it (``process_exception``).

Request bodies are checked where they are parsed: tasks_app/core/api_input.py."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.core.paginator import InvalidPage
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from tasks_app.core.api_pagination import MAX_LIMIT, MAX_OFFSET

MAX_PAGE = 1_000_000
API_PREFIX = "/api/"

# name: (smallest, largest); no largest: the paginator caps it at MAX_LIMIT (?limit=10^20 is 500 rows).
PAGING_PARAMETERS: dict[str, tuple[int, int | None]] = {
    "limit": (1, None),
    "page_size": (1, None),
    "per_page": (1, MAX_LIMIT),
    "offset": (0, MAX_OFFSET),
    "page": (1, MAX_PAGE),
}
# Digits only, and few enough of them for a 64-bit integer; anything longer is out of range anyway.
MAX_DIGITS = 18


def _id_out_of_range(path: str) -> bool:
    return any(part.isdigit() and len(part) > MAX_DIGITS for part in path.split("/"))


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _paging_problem(name: str, value: str) -> str | None:
    smallest, largest = PAGING_PARAMETERS[name]
    if name == "page" and value == "last":  # Django's paginators accept it
        return None
    if not value.isascii() or not value.isdigit() or len(value) > MAX_DIGITS:
        return _("Enter a whole number.")
    number = int(value)
    if number < smallest:
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": smallest}
    if largest is not None and number > largest:
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": largest}
    return None


def request_problems(request) -> dict[str, list[str]]:
    """The malformed parts of the request's path and query, keyed by the parameter (``path`` for
    the path itself); empty when there is nothing to refuse."""
    problems: dict[str, list[str]] = {}
    nul = _("Null characters are not allowed.")
    if "\x00" in request.path_info:
        problems["path"] = [nul]
    for name, values in request.GET.lists():
        if "\x00" in name:
            problems.setdefault("query", []).append(nul)
            continue
        for value in values:
            if "\x00" in value:
                problems.setdefault(name, []).append(nul)
            elif name in PAGING_PARAMETERS and (problem := _paging_problem(name, value)):
                problems.setdefault(name, []).append(problem)
    return problems


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def form_problems(request) -> dict[str, list[str]]:
    """NUL characters in the fields of a form body (urlencoded or multipart; not in uploaded files),
    keyed by the field. JSON bodies are checked where the API parses them (core/api_input.py)."""
    # Django parses form bodies of POST only (a PATCH with a form body is left to REST framework's
    # fields, which refuse NUL characters themselves).
    if request.method != "POST" or not request.content_type.startswith(FORM_TYPES):
        return {}
    data = request.POST
    nul = _("Null characters are not allowed.")
    return {
        name.replace("\x00", ""): [nul]
        for name, values in data.lists()
        if "\x00" in name or any("\x00" in value for value in values if isinstance(value, str))
    }


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _id_out_of_range(request.path):
            # /api/v1/notices/118960119098840414211276/: no row has such an id, and the database
            # driver would fail on the number before answering "none".
            if is_api(request):
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404(_("The page was not found."))
        problems = request_problems(request)
        if problems:
            if is_api(request):
                return JsonResponse(problems, status=400)
            raise Http404(_("The page was not found."))
        problems = form_problems(request)
        if problems:  # e.g. a user name with a NUL byte, which the sign-in lockout would store
            if is_api(request):
                return JsonResponse(problems, status=400)
            raise BadRequest(_("Null characters are not allowed."))
        response = self.get_response(request)
        if response.status_code == 404 and is_api(request) and response.get("Content-Type", "").startswith("text/html"):
            # A path under /api/ that matches no endpoint (/api/v1/tasks/abc/): JSON like the rest.
            return JsonResponse({"detail": _("Not found.")}, status=404)
        return response

    def process_exception(self, request, exception):
        """A page number past the end (or not a number) that a view's paginator refused: 404."""
        if isinstance(exception, InvalidPage):
            if is_api(request):
                return JsonResponse({"detail": _("Invalid page.")}, status=404)
            raise Http404(str(exception)) from exception
        return None
