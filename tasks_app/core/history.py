from __future__ import annotations

from simple_history.utils import update_change_reason

HISTORY_HIDDEN_FIELDS = ["version", "updated_at"]


def _history_value(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else value
    return value


def history_rows(instance, *, limit: int = 50) -> list[dict]:
    """The object's audit trail, newest first: who, when, each changed field (old → new), and why."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            for change in record.diff_against(older, excluded_fields=HISTORY_HIDDEN_FIELDS).changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _history_value(field, change.old),
                        "new": _history_value(field, change.new),
                    }
                )
        rows.append({"record": record, "changes": changes, "is_creation": record.history_type == "+"})
    return rows


def save_with_history(instance, by, reason: str = "") -> None:
    """Validate and save ``instance``, recording ``by`` (and ``reason``) in its audit history."""
    instance.full_clean()
    instance._history_user = by  # who, in the audit history, also outside a web request
    instance.save()
    if reason:
        update_change_reason(instance, reason)
