from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from tasks_app.core.people import person_label

HISTORY_HIDDEN_FIELDS = ["version", "updated_at"]


def _history_value(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        if related is None:
            return value
        if field.related_model is get_user_model():
            return person_label(related)  # a person by name and unit, never the login name
        return str(related)
    return value


def _file_name(record, field) -> str:
    """A file as its uploader named it (kept in ``<field>_name``), never the storage path."""
    if not getattr(record, field.name, None):
        return "—"
    return getattr(record, f"{field.name}_name", "") or _("(file)")


def history_rows(instance, *, limit: int = 50, file_urls: dict[str, str] | None = None) -> list[dict]:
    """The object's audit trail, newest first: who, when, each changed field (old → new), and why.

    Files show their uploaded name; ``file_urls`` (field → URL) links the current file for a reader
    who may download it. The ``<file>_name`` bookkeeping fields are not listed on their own."""
    file_urls = file_urls or {}
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model_fields = {f.name: f for f in instance._meta.concrete_fields}
    file_fields = {name for name, f in model_fields.items() if isinstance(f, models.FileField)}
    name_fields = {f"{name}_name" for name in file_fields}
    rows = []
    for index, record in enumerate(records[:limit]):
        changes = []
        older = records[index + 1] if index + 1 < len(records) else None
        if older is not None:
            for change in record.diff_against(older, excluded_fields=HISTORY_HIDDEN_FIELDS).changes:
                if change.field in name_fields:
                    continue
                field = model_fields.get(change.field) or instance._meta.get_field(change.field)
                if change.field in file_fields:
                    new_path = getattr(record, field.name, "")
                    current = getattr(instance, field.name, None)
                    url = file_urls.get(field.name) if current and str(current) == str(new_path) else None
                    changes.append(
                        {
                            "field": field.verbose_name,
                            "old": _file_name(older, field),
                            "new": _file_name(record, field),
                            "url": url,
                        }
                    )
                    continue
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _history_value(field, change.old),
                        "new": _history_value(field, change.new),
                    }
                )
        rows.append({"record": record, "changes": changes, "is_creation": record.history_type == "+"})
    return rows


def save_with_history(instance, by, reason: str = "", *, check_unique: bool = True) -> None:
    """Validate and save ``instance``, recording ``by`` (and ``reason``) in its audit history.
    ``check_unique=False`` leaves uniqueness to the database, for a caller that handles a race."""
    instance.full_clean(validate_unique=check_unique, validate_constraints=check_unique)
    instance._history_user = by  # who, in the audit history, also outside a web request
    instance.save()
    if reason:
        update_change_reason(instance, reason)
