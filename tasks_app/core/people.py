"""How a person is shown: by name and unit (张三（苏州海关）), never by login name."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from departments.roles import LEADERSHIP_GROUP, SUPERVISION_GROUP

UNIT_CACHE_SECONDS = 60  # a membership change shows in names within a minute


def _units(user_pk: int) -> list[tuple[str, str]]:
    """The user's units as (Chinese name, English name), in a fixed order: offices first."""
    key = f"cbec:person-units:{user_pk}"
    units = cache.get(key)
    if units is None:
        units = []
        for name, department, department_en, district, district_en in Group.objects.filter(
            user__pk=user_pk
        ).values_list("name", "department__name", "department__name_en", "district__name", "district__name_en"):
            if name == SUPERVISION_GROUP:
                units.insert(0, ("督查室", "Supervision office"))
            elif name == LEADERSHIP_GROUP:
                units.insert(0, ("领导小组", "Leadership"))
            elif department:
                units.append((department, department_en or department))
            elif district:
                units.append((district, district_en or district))
        cache.set(key, units, UNIT_CACHE_SECONDS)
    return units


def person_label(user) -> str:
    """The person's name and unit in the reader's language; the unit is left out where the name
    already says it (a demo account named 苏州海关联络员)."""
    if user is None:
        return _("system")
    english = (get_language() or "").startswith("en")
    name = (user.get_full_name() or user.first_name or "").strip()
    memo = getattr(user, "_cbec_units", None)
    if memo is None:
        memo = user._cbec_units = _units(user.pk)
    units = [en if english else zh for zh, en in memo]
    unit = "、".join(u for u in units if u and u not in name) if not english else ", ".join(units)
    if not name:
        # No name on the account: the unit speaks for it (the login name is never shown).
        return unit or _("account #%(id)s") % {"id": user.pk}
    if not unit:
        return name
    return f"{name} ({unit})" if english else f"{name}（{unit}）"
