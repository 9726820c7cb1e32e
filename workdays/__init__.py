"""The Chinese working-day calendar (工作日): ``workdays.calendar`` for the arithmetic,
``workdays.settings_values()`` for the reminder rules' working-day settings."""


def settings_values():
    """The WORKDAYS_* settings and REMINDER_DAYS_ARE_WORKING_DAYS, checked (see ``workdays.conf``)."""
    from .conf import settings_values as read

    return read()
