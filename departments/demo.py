"""Demo accounts (PRODUCT.md): only ever created by ``manage.py seed_demo``.

The default government's (Suzhou's) accounts keep their names (supervisor, leader, liaison-<code>,
district-<code>); another city's carry its code first (example-city-supervisor,
example-city-liaison-commerce, …); the (example) province's leadership and supervision office accounts are
``province-leader`` and ``province-supervisor``."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from departments.models import Department, District, Government, GovernmentLevel
from departments.roles import ensure_office_groups
from departments.services import government_ensure, government_office_groups_ensure

DEFAULT_DEMO_PASSWORD = "cbec-demo-2026"
EXAMPLE_PROVINCE = {"code": "example-province", "name": "示例省", "name_en": "Example Province (synthetic)"}


def demo_prefix(government: Government) -> str:
    """What a government's demo usernames start with ("" for the default government)."""
    return "" if government.code == settings.CBEC_DEFAULT_GOVERNMENT else f"{government.code}-"


def _wanted_accounts() -> list[tuple[str, str, Group | None, bool]]:
    ensure_office_groups()
    government_office_groups_ensure()
    wanted: list[tuple[str, str, Group | None, bool]] = [("admin", "系统管理员", None, True)]
    for government in Government.objects.order_by("pk"):
        prefix = demo_prefix(government)
        if government.level == GovernmentLevel.PROVINCE:
            wanted.append(("province-leader", f"{government.name}领导", government.leadership_group, False))
            wanted.append(("province-supervisor", f"{government.name}督查室", government.supervision_group, False))
            continue
        departments = list(Department.objects.filter(government=government))
        districts = list(District.objects.filter(government=government))
        if not departments and not districts:
            continue
        office = "督查室(综试区办)" if not prefix else f"{government.name}督查室"
        wanted += [
            (f"{prefix}supervisor", office, government.supervision_group, False),
            (
                f"{prefix}leader",
                "领导小组" if not prefix else f"{government.name}领导小组",
                government.leadership_group,
                False,
            ),
        ]
        wanted += [(f"{prefix}liaison-{d.code}", f"{d.name}联络员", d.group, False) for d in departments]
        wanted += [(f"{prefix}district-{d.code}", f"{d.name}", d.group, False) for d in districts]
    return wanted


@transaction.atomic
def seed_demo_accounts(*, password: str, province: bool = False) -> list:
    """Create or reset the demo accounts, each in exactly its own group: every government's
    (and, with ``province``, the example province's leadership and supervision office accounts). Idempotent."""
    if not Department.objects.exists() or not District.objects.exists():
        raise ValueError("no departments or districts yet: run `manage.py import_plan` first")
    if province:
        from tasks_app.plan.permissions import office_permissions_sync  # a demo loader may use the tracker

        government_ensure(**EXAMPLE_PROVINCE, level=GovernmentLevel.PROVINCE)
        office_permissions_sync()  # the province's groups read every city
    wanted = _wanted_accounts()

    user_model = get_user_model()
    # One hash for all: hashing is deliberately slow, and these accounts share one password anyway.
    # Keep the current hash when the password is unchanged, so signed-in demo users stay signed in.
    current = user_model.objects.filter(username="supervisor").first()
    hashed_password = current.password if current and current.check_password(password) else make_password(password)
    accounts = []
    for username, display_name, group, is_admin in wanted:
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name = display_name[:150]
        user.email = f"{username}@example.gov.cn"
        user.is_staff = user.is_superuser = is_admin
        user.is_active = True
        user.password = hashed_password
        user.save()
        user.groups.set([group] if group else [])
        accounts.append(user)
    return accounts
