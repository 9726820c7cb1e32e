"""Keep the calendar cache true to the table.

Cache upkeep only, no business rule: a saved or deleted ``CalendarDay`` clears this process's built
years at once (so the rest of the request sees it) and again when the transaction commits, with a new
version token for the other processes then — a process that rebuilt between the save and the commit
read the old rows, and the token moved after the commit makes it rebuild.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarDay


@receiver(post_save, sender=CalendarDay, dispatch_uid="workdays-calendar-saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workdays-calendar-deleted")
def calendar_day_changed(sender, **kwargs):
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate, using=kwargs.get("using"))
