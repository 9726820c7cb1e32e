from django import template
from django.utils.translation import get_language

from tasks_app.core.people import person_label

register = template.Library()


@register.filter
def loc(obj, field: str = "name"):
    """The object's English field (``name_en``, ``title_en``) when English is active and it is
    filled in; otherwise the Chinese one. ``{{ task|loc:"title" }}``"""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")


@register.filter
def loc_other(obj, field: str = "name"):
    """The same field in the other language: English beside Chinese, Chinese beside English."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en"):
        return getattr(obj, field, "")
    return getattr(obj, f"{field}_en", "")


@register.filter
def person(user) -> str:
    """A person by name and unit: ``{{ record.history_user|person }}``."""
    return person_label(user)


@register.filter
def days_overdue(milestone, as_of) -> int:
    """``{{ milestone|days_overdue:today }}``"""
    return milestone.days_overdue(as_of)


@register.filter
def notice_overdue(notice, as_of) -> bool:
    """``{{ notice|notice_overdue:today }}``: past its reply date without an answer."""
    return bool(notice) and notice.is_overdue(as_of)


@register.filter
def number(value) -> str:
    """A figure with thousands separators and no trailing ".0": ``{{ 1500000.0|number }}`` → 1,500,000."""
    from tasks_app.core.charts import format_number

    return format_number(value) if value not in (None, "") else ""
