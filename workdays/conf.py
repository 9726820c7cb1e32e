"""The working-day settings of the reminder rules, read and checked in one place."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class WorkdaySettings:
    due_soon_offsets: tuple[int, ...]  # days before the due date a "due soon" reminder goes out
    overdue_grace: int  # days after the due date before a milestone counts as overdue
    escalation_interval: int  # escalate every N days overdue
    reminder_days_are_working_days: bool  # the three above count working days (else calendar days)


def _int_list(name, value) -> tuple[int, ...]:
    if isinstance(value, str):
        value = [part for part in (p.strip() for p in value.split(",")) if part]
    try:
        numbers = tuple(sorted({int(v) for v in value}, reverse=True))
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"{name} must be whole numbers separated by commas, not {value!r}") from error
    if any(n < 1 for n in numbers):
        raise ImproperlyConfigured(f"{name}: each offset must be at least 1, not {value!r}")
    return numbers


def _int(name, value, minimum) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def settings_values() -> WorkdaySettings:
    return WorkdaySettings(
        due_soon_offsets=_int_list("WORKDAYS_DUE_SOON_OFFSETS", getattr(settings, "WORKDAYS_DUE_SOON_OFFSETS", (5, 1))),
        overdue_grace=_int("WORKDAYS_OVERDUE_GRACE", getattr(settings, "WORKDAYS_OVERDUE_GRACE", 0), 0),
        escalation_interval=_int(
            "WORKDAYS_ESCALATION_INTERVAL", getattr(settings, "WORKDAYS_ESCALATION_INTERVAL", 5), 1
        ),
        reminder_days_are_working_days=bool(getattr(settings, "REMINDER_DAYS_ARE_WORKING_DAYS", True)),
    )
