"""Whether the header shows the link to the province's view: only to those who may see it (the
province's supervision office and leadership, administrators) — a city's accounts never learn it exists."""

from django import template

from tasks_app.dashboards.province import may_see_province

register = template.Library()


@register.simple_tag(takes_context=True)
def province_link_shown(context) -> bool:
    user = context.get("user")
    return user is not None and may_see_province(user)
