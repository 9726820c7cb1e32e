"""Saved filters: a person names the filter they are looking at on a list (the milestones, the
overdue board) and finds it above that list next time. Only the filter travels: the page number and
export switches are dropped, and the list's own filter form still validates every value on use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks_app.dashboards.models import SavedFilter

LIST_URLS = {
    SavedFilter.ListName.MILESTONES: "tasks_app:milestone_list",
    SavedFilter.ListName.OVERDUE: "tasks_app:overdue_board",
}
# Not part of a filter: where one is in the list, and the export switches of django-tables2.
NOT_FILTER = {"page", "_export", "export", "csrfmiddlewaretoken"}


def filter_query(query: str) -> str:
    """The query string without paging or export keys and without empty values, keys sorted."""
    values = QueryDict(query or "")
    kept = QueryDict(mutable=True)
    for key in sorted(values):
        if key in NOT_FILTER:
            continue
        for value in values.getlist(key):
            if value != "":
                kept.appendlist(key, value)
    return kept.urlencode()


# --- writes ------------------------------------------------------------------------------------------


def save_filter(user, list_name: str, name: str, query: str) -> SavedFilter:
    """Save (or replace, by name) one of the person's filters on a list."""
    name = (name or "").strip()
    if list_name not in SavedFilter.ListName.values:
        raise ValidationError({"list_name": _("Unknown list.")})
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    if len(name) > SavedFilter._meta.get_field("name").max_length:
        raise ValidationError({"name": _("The name is too long.")})
    query = filter_query(query)
    if len(query) > SavedFilter._meta.get_field("query").max_length:
        raise ValidationError({"query": _("This filter is too long to save.")})
    mine = SavedFilter.objects.filter(user=user, list_name=list_name)
    with transaction.atomic():
        existing = mine.select_for_update().filter(name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if mine.count() >= SavedFilter.MAX_PER_LIST:
            raise ValidationError(
                {"name": _("At most %(n)d saved filters per list: delete one first.") % {"n": SavedFilter.MAX_PER_LIST}}
            )
        try:
            with transaction.atomic():
                return SavedFilter.objects.create(user=user, list_name=list_name, name=name, query=query)
        except IntegrityError:  # the same name saved at the same moment from another tab
            saved = mine.get(name=name)
            saved.query = query
            saved.save(update_fields=["query"])
            return saved


# --- reads -------------------------------------------------------------------------------------------


def saved_filters_of(user, list_name: str) -> list[SavedFilter]:
    if not user.is_authenticated:
        return []
    return list(SavedFilter.objects.filter(user=user, list_name=list_name).order_by("name"))


def saved_filter_url(saved: SavedFilter) -> str:
    url = reverse(LIST_URLS[saved.list_name])
    return f"{url}?{saved.query}" if saved.query else url


# --- pages -------------------------------------------------------------------------------------------


@require_POST
def save_filter_page(request):
    list_name = request.POST.get("list_name", "")
    if list_name not in LIST_URLS:
        raise Http404
    query = request.POST.get("query", "")
    back = reverse(LIST_URLS[list_name])
    try:
        saved = save_filter(request.user, list_name, request.POST.get("name", ""), query)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        query = filter_query(query)
        return redirect(f"{back}?{query}" if query else back)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(saved_filter_url(saved))


@require_POST
def delete_filter_page(request, pk: int):
    # Another person's filter does not exist for this one: 404, as everywhere.
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    back = reverse(LIST_URLS[saved.list_name])
    saved.delete()
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect(back)
