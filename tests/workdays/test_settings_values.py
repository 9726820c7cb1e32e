import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

import workdays


def test_defaults():
    values = workdays.settings_values()
    assert values.due_soon_offsets == (5, 1)
    assert values.overdue_grace == 0
    assert values.escalation_interval == 5
    assert values.reminder_days_are_working_days is True


@override_settings(
    WORKDAYS_DUE_SOON_OFFSETS=" 3, 10 ,3",
    WORKDAYS_OVERDUE_GRACE=2,
    WORKDAYS_ESCALATION_INTERVAL="7",
    REMINDER_DAYS_ARE_WORKING_DAYS=False,
)
def test_values_from_settings_are_parsed():
    values = workdays.settings_values()
    assert values.due_soon_offsets == (10, 3)
    assert values.overdue_grace == 2
    assert values.escalation_interval == 7
    assert values.reminder_days_are_working_days is False


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WORKDAYS_DUE_SOON_OFFSETS", "5,x", "whole numbers"),
        ("WORKDAYS_DUE_SOON_OFFSETS", "5,0", "at least 1"),
        ("WORKDAYS_OVERDUE_GRACE", -1, "at least 0"),
        ("WORKDAYS_ESCALATION_INTERVAL", 0, "at least 1"),
        ("WORKDAYS_ESCALATION_INTERVAL", "often", "whole number"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(name, value, message):
    with override_settings(**{name: value}), pytest.raises(ImproperlyConfigured, match=message) as error:
        workdays.settings_values()
    assert name in str(error.value)
