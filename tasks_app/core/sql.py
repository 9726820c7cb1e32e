"""Helpers for the few statements written in SQL (the reminder scan, the synthetic load)."""

import datetime as dt

from django.db import connection
from django.db.models import DateField, F, Func, IntegerField, Value


def quoted_table(model) -> str:
    """The model's table name, quoted for the database in use."""
    return connection.ops.quote_name(model._meta.db_table)


class DaysBefore(Func):
    """Whole days from a date column to a later date (``until - column``), counted by the database:
    PostgreSQL subtracts dates to an integer; SQLite has no date type and counts Julian days."""

    output_field = IntegerField()

    def __init__(self, until: dt.date, column: str):
        super().__init__(Value(until, output_field=DateField()), F(column))

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
