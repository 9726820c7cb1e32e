"""Counts remembered until the data changes: a paginator, and the home page's boxes.

Counting the rows of a long list (the overdue board of a national deployment: half a million) is
most of the page's cost, and the same count is asked for again and again between two changes. The
count is cached under the list's SQL (which holds the user's scope, the filters and the date) and
the change counter that every committed write moves (tasks_app/changes.py), so it is never stale.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from tasks_app.core.changes import data_version

COUNT_CACHE_SECONDS = 600


def _queryset(object_list):
    """The queryset behind what is paginated: itself, or a django-tables2 table's rows' data."""
    if hasattr(object_list, "query"):
        return object_list
    queryset = getattr(getattr(object_list, "data", None), "data", None)
    return queryset if hasattr(queryset, "query") else None


def cached_count(queryset) -> int:
    """``queryset.count()``, remembered under its SQL and the change counter until the data changes."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. no visible task at all)
        return 0
    fingerprint = f"{sql}|{params!r}|{data_version()}".encode()
    key = "cbec:count:" + hashlib.sha256(fingerprint).hexdigest()
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


class CountCachedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        queryset = _queryset(self.object_list)
        return super().count if queryset is None else cached_count(queryset)
