"""History rows say "X（代 Y）" for what a stand-in did for someone."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import ActingRecord
from tasks_app.core.people import person_label

register = template.Library()


@register.simple_tag
def mark_stand_ins(history) -> str:
    """Gives each history row (``{"record": <historical record>, …}``) whose change a stand-in made
    an ``acting_label`` ("张三（代 李四）"); one query for the table."""
    rows = [r for r in history or [] if isinstance(r, dict) and getattr(r.get("record"), "history_user_id", None)]
    if not rows:
        return ""
    content_type = ContentType.objects.get_for_model(type(rows[0]["record"]))
    acting: dict[int, list] = {}
    for record in ActingRecord.objects.filter(
        content_type=content_type, history_id__in=[row["record"].pk for row in rows]
    ).select_related("person"):
        acting.setdefault(record.history_id, []).append(record.person)
    for row in rows:
        persons = acting.get(row["record"].pk)
        if persons:
            row["acting_label"] = _("%(by)s (for %(for)s)") % {
                "by": person_label(row["record"].history_user),
                "for": "、".join(person_label(person) for person in persons),
            }
    return ""


@register.simple_tag
def is_office(user) -> bool:
    return permissions.is_office(user)
