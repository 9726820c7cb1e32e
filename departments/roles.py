"""The roles of PRODUCT.md and how an account's role is read from its groups.

Department and district groups are created with their Department / District rows
(``departments.services``); the office groups below are fixed.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import Group

SUPERVISION_GROUP = "supervision-office"
LEADERSHIP_GROUP = "leadership"
DEPARTMENT_GROUP_PREFIX = "department:"
DISTRICT_GROUP_PREFIX = "district:"


class Role(StrEnum):
    LIAISON = "liaison"
    SUPERVISION = "supervision"
    DISTRICT = "district"
    LEADERSHIP = "leadership"
    ADMIN = "admin"
    NONE = "none"


def _scoped(code: str, government_code: str | None) -> str:
    # The first government's units keep the site's original names ("department:commerce"); another
    # government's carry its code ("department:wuxi-demo:commerce"), so the names never collide.
    if government_code is None or government_code == settings.CBEC_DEFAULT_GOVERNMENT:
        return code
    return f"{government_code}:{code}"


def department_group_name(code: str, government_code: str | None = None) -> str:
    return f"{DEPARTMENT_GROUP_PREFIX}{_scoped(code, government_code)}"


def district_group_name(code: str, government_code: str | None = None) -> str:
    return f"{DISTRICT_GROUP_PREFIX}{_scoped(code, government_code)}"


def office_group_names(government_code: str) -> tuple[str, str]:
    """The supervision office and leadership group names of a government."""
    if government_code == settings.CBEC_DEFAULT_GOVERNMENT:
        return SUPERVISION_GROUP, LEADERSHIP_GROUP
    return f"{SUPERVISION_GROUP}:{government_code}", f"{LEADERSHIP_GROUP}:{government_code}"


def ensure_office_groups() -> tuple[Group, Group]:
    supervision, _ = Group.objects.get_or_create(name=SUPERVISION_GROUP)
    leadership, _ = Group.objects.get_or_create(name=LEADERSHIP_GROUP)
    return supervision, leadership


def user_roles(user) -> set[Role]:
    """Every role the account holds (an officer may sit in more than one group)."""
    if not user.is_authenticated:
        return set()
    roles: set[Role] = set()
    if user.is_superuser:
        roles.add(Role.ADMIN)
    for name in user.groups.values_list("name", flat=True):
        if name == SUPERVISION_GROUP or name.startswith(f"{SUPERVISION_GROUP}:"):
            roles.add(Role.SUPERVISION)
        elif name == LEADERSHIP_GROUP or name.startswith(f"{LEADERSHIP_GROUP}:"):
            roles.add(Role.LEADERSHIP)
        elif name.startswith(DEPARTMENT_GROUP_PREFIX):
            roles.add(Role.LIAISON)
        elif name.startswith(DISTRICT_GROUP_PREFIX):
            roles.add(Role.DISTRICT)
    return roles
