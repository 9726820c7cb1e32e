"""Text as it is stored: no control characters.

A title with a vertical tab or an escape character (pasted from another program) is valid to a form,
but XML — the .docx notice, the .xlsx exports — cannot carry it, and PostgreSQL refuses a NUL. They are
removed on the way in, for every text field of every model (``strip_control_characters_on_save``), so
no page, import, API call or admin edit can store one; tab, line feed and carriage return stay."""

from __future__ import annotations

import re

from django.db import models

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
APPS = {"tasks_app", "departments", "accounts", "workdays"}


def text_clean(value: str) -> str:
    """``value`` without control characters (tab, line feed and carriage return kept)."""
    return CONTROL_CHARACTERS.sub("", value)


def strip_control_characters_on_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or sender._meta.app_label not in APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname, None)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                setattr(instance, field.attname, text_clean(value))


def connect() -> None:
    models.signals.pre_save.connect(strip_control_characters_on_save, dispatch_uid="cbec-text-clean")
