"""Writes for governments, departments and districts: each row comes with its own account group.

Units belong to a government and are found by code only within it: a second city's "commerce" is
another department, with another group, and writing it never touches the first city's."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from departments.models import Department, District, Government, GovernmentLevel
from departments.roles import department_group_name, district_group_name, office_group_names


@transaction.atomic
def government_ensure(*, code: str, name: str, name_en: str = "", level: str = GovernmentLevel.CITY) -> Government:
    """The government with this code, created with its office groups when new. An existing
    government is returned as it is (its names are changed in the admin, not by a plan file)."""
    government = Government.objects.filter(code=code).first()
    if government is None:
        government = Government(code=code, name=name, name_en=name_en, level=level)
        government.full_clean()
    if government.supervision_group_id is None or government.leadership_group_id is None:
        supervision_name, leadership_name = office_group_names(code)
        government.supervision_group, _ = Group.objects.get_or_create(name=supervision_name)
        government.leadership_group, _ = Group.objects.get_or_create(name=leadership_name)
        government.save()
    return government


def government_office_groups_ensure() -> None:
    """Give every government without them its supervision office and leadership groups."""
    for government in Government.objects.filter(supervision_group=None) | Government.objects.filter(
        leadership_group=None
    ):
        supervision_name, leadership_name = office_group_names(government.code)
        government.supervision_group, _ = Group.objects.get_or_create(name=supervision_name)
        government.leadership_group, _ = Group.objects.get_or_create(name=leadership_name)
        government.save()


def default_government() -> Government:
    """The government a plan file that names none belongs to (``CBEC_DEFAULT_GOVERNMENT``; the
    migrations create it, and it is created again on a database emptied since)."""
    return government_ensure(code=settings.CBEC_DEFAULT_GOVERNMENT, name=settings.CBEC_DEFAULT_GOVERNMENT_NAME)


def unit_differences(government: Government, model, units: list[dict], place: str) -> list[tuple[str, str]]:
    """How the stored units of ``government`` differ from ``units`` (the file's list, in order):
    one (place, message) per differing name, English name or position. New units are no difference."""
    stored = {unit.code: unit for unit in model.objects.filter(government=government)}
    problems = []
    for index, unit in enumerate(units):
        current = stored.get(unit["code"])
        if current is None:
            continue
        wanted = {"name": unit["name"], "name_en": unit["name_en"], "position": index + 1}
        for name, value in wanted.items():
            if getattr(current, name) != value:
                problems.append(
                    (f"{place}[{index}].{name}", f"stored {getattr(current, name)!r}, the file says {value!r}")
                )
    return problems


def _unit_upsert(model, group_name: str, government: Government, *, code: str, name: str, name_en: str, position: int):
    unit = model.objects.filter(government=government, code=code).first()
    if unit is None:
        group, _ = Group.objects.get_or_create(name=group_name)
        unit = model(government=government, code=code, name=name, name_en=name_en, position=position, group=group)
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
def department_upsert(
    *, code: str, name: str, name_en: str, position: int, government: Government | None = None
) -> tuple[Department, bool]:
    """Create or update a department of ``government`` (default: the default government) by code;
    returns (department, changed)."""
    government = government or default_government()
    return _unit_upsert(
        Department,
        department_group_name(code, government.code),
        government,
        code=code,
        name=name,
        name_en=name_en,
        position=position,
    )


@transaction.atomic
def district_upsert(
    *, code: str, name: str, name_en: str, position: int, government: Government | None = None
) -> tuple[District, bool]:
    """Create or update a district of ``government`` (default: the default government) by code;
    returns (district, changed)."""
    government = government or default_government()
    return _unit_upsert(
        District,
        district_group_name(code, government.code),
        government,
        code=code,
        name=name,
        name_en=name_en,
        position=position,
    )
