"""List pages whose table is kept as HTML until what it shows may have changed.

Between two changes the overdue board and the milestone list are asked for again and again with
the same filters, sort and page; their table — the rows' query, 50 rows of cells, header and pager —
was most of each request's time. The table's HTML and the list's count are kept in the cache under
everything they depend on: the page's class and query string (filters, sort, page), the user and
their access (the membership and data counters, ``tasks_app.core.access.access_version``), the day
(days overdue, RAG), the language, the plan in the URL (the links), and what a page adds
(``kept_table_extra``: the board's reminders, which do not move the counters). Any change moves a
part of the key, so a kept table is never stale; inside a transaction (a test, a write) nothing is
kept.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_tables2 import SingleTableMixin

from tasks_app.core.access import access_version

KEPT_TABLE_SECONDS = 600


class KeptTableMixin:
    """Before ``SingleTableMixin`` in a list view's bases. The template shows ``table_html`` and
    ``table_count`` when they are set, and renders ``table`` itself otherwise."""

    def kept_table_extra(self) -> list:
        """What else the table shows that the key's other parts do not cover."""
        return []

    def _kept_table_key(self) -> str:
        request = self.request
        parts = [
            type(self).__qualname__,
            sorted(request.GET.lists()),
            request.user.pk,
            access_version(),
            timezone.localdate().isoformat(),
            get_language() or "",
            get_script_prefix(),
            *self.kept_table_extra(),
        ]
        return "cbec:table:" + hashlib.sha256(repr(parts).encode()).hexdigest()

    def get_context_data(self, **kwargs):
        if connection.in_atomic_block or not self.request.user.is_authenticated or "_export" in self.request.GET:
            return super().get_context_data(**kwargs)
        key = self._kept_table_key()
        kept = cache.get(key)
        if kept is None:
            context = super().get_context_data(**kwargs)  # the table, configured and paginated
            table = context["table"]
            # The table's own template with the page's request only (not through the context
            # processors again: they already ran for the page).
            html = get_template(table.template_name).render({"table": table, "request": self.request})
            kept = (str(html), table.paginator.count if table.paginator else len(table.rows))
            cache.set(key, kept, KEPT_TABLE_SECONDS)
        else:
            # Everything but the table: the filter form and the list's (lazy) queryset.
            context = super(SingleTableMixin, self).get_context_data(**kwargs)
        context["table_html"] = mark_safe(kept[0])  # noqa: S308 - rendered by the table's template
        context["table_count"] = kept[1]
        return context
