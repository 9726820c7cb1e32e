"""Writes for departments and districts: each row comes with its own account group."""

from django.contrib.auth.models import Group
from django.db import transaction

from departments.models import Department, District
from departments.roles import department_group_name, district_group_name


def _unit_upsert(model, group_name: str, *, code: str, name: str, name_en: str, position: int):
    group, _ = Group.objects.get_or_create(name=group_name)
    unit = model.objects.filter(code=code).first()
    if unit is None:
        unit = model(code=code, name=name, name_en=name_en, position=position, group=group)
        unit.full_clean()
        unit.save()
        return unit, True
    if (unit.name, unit.name_en, unit.position) == (name, name_en, position):
        return unit, False
    unit.name, unit.name_en, unit.position = name, name_en, position
    unit.full_clean()
    unit.save()
    return unit, True


@transaction.atomic
def department_upsert(*, code: str, name: str, name_en: str, position: int) -> tuple[Department, bool]:
    """Create or update a department by code; returns (department, changed)."""
    return _unit_upsert(
        Department, department_group_name(code), code=code, name=name, name_en=name_en, position=position
    )


@transaction.atomic
def district_upsert(*, code: str, name: str, name_en: str, position: int) -> tuple[District, bool]:
    """Create or update a district by code; returns (district, changed)."""
    return _unit_upsert(District, district_group_name(code), code=code, name=name, name_en=name_en, position=position)
