"""Pagination of the lists that grow without bound (milestones, progress updates, notifications).

A cursor, not an offset: a page costs the same at the first row or the millionth, no total is
counted (counting a national deployment's million rows on every request would cost more than the
page itself), and rows inserted while a client pages through do not shift or repeat what it reads.
Follow ``next`` until it is null; ``page_size`` sets the rows per page (at most 500).

The short lists (tasks, departments, districts, implementations, figures, overdue) page by
``limit`` and ``offset``: ``limit`` is capped at 500 as well, and an ``offset`` past ``MAX_OFFSET``
is refused with a 400 naming it (tasks_app/core/request_guard.py), as is any paging parameter that is
not a whole number."""

from rest_framework.pagination import CursorPagination, LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset, with a maximum page size and the bounds stated in the schema."""

    max_limit = MAX_LIMIT

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {"limit": {"minimum": 1, "maximum": MAX_LIMIT}, "offset": {"minimum": 0, "maximum": MAX_OFFSET}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class _Cursor(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_LIMIT

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": MAX_LIMIT})
        return parameters


class DueDateCursorPagination(_Cursor):
    ordering = ("due_date", "id")


class NewestFirstCursorPagination(_Cursor):
    ordering = ("-created_at", "-id")
