"""The saved-filters bar above a list. The lists belong to the workflow and the reminders; the saved
filters to the dashboards above them: the lists' templates ask for the bar here, so their code never
imports the dashboards (docs/architecture.md)."""

from django import template

from tasks_app.dashboards.saved_filters import filter_query, saved_filter_url, saved_filters_of

register = template.Library()


@register.inclusion_tag("dashboards/_saved_filters.html", takes_context=True)
def saved_filters(context, list_name: str):
    request = context["request"]
    current = filter_query(request.GET.urlencode())
    filters = [
        {"filter": f, "url": saved_filter_url(f), "current": f.query == current}
        for f in saved_filters_of(request.user, list_name)
    ]
    return {
        "list_name": list_name,
        "filters": filters,
        "query": current,
        "csrf_token": context.get("csrf_token"),
    }
