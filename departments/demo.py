"""Demo accounts (PRODUCT.md): only ever created by ``manage.py seed_demo``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from departments.models import Department, District
from departments.roles import ensure_office_groups

DEFAULT_DEMO_PASSWORD = "cbec-demo-2026"


@transaction.atomic
def seed_demo_accounts(*, password: str) -> list:
    """Create or reset the demo accounts, each in exactly its own group. Idempotent."""
    departments = list(Department.objects.all())
    districts = list(District.objects.all())
    if not departments or not districts:
        raise ValueError("no departments or districts yet: run `manage.py import_plan` first")
    supervision, leadership = ensure_office_groups()
    wanted: list[tuple[str, str, Group | None, bool]] = [
        ("supervisor", "督查室(综试区办)", supervision, False),
        ("leader", "领导小组", leadership, False),
        ("admin", "系统管理员", None, True),
    ]
    wanted += [(f"liaison-{d.code}", f"{d.name}联络员", d.group, False) for d in departments]
    wanted += [(f"district-{d.code}", f"{d.name}", d.group, False) for d in districts]

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
