"""Helpers for the few statements written in SQL (the reminder scan, the synthetic load)."""

from django.db import connection


def quoted_table(model) -> str:
    """The model's table name, quoted for the database in use."""
    return connection.ops.quote_name(model._meta.db_table)
