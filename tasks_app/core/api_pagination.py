"""Pagination of the lists that grow without bound (milestones, progress updates, notifications).

A cursor, not an offset: a page costs the same at the first row or the millionth, no total is
counted (counting a national deployment's million rows on every request would cost more than the
page itself), and rows inserted while a client pages through do not shift or repeat what it reads.
Follow ``next`` until it is null; ``page_size`` sets the rows per page (at most 500)."""

from rest_framework.pagination import CursorPagination


class _Cursor(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class DueDateCursorPagination(_Cursor):
    ordering = ("due_date", "id")


class NewestFirstCursorPagination(_Cursor):
    ordering = ("-created_at", "-id")
