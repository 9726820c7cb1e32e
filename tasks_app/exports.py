"""Exports of long tables (CSV, XLSX) that stream: rows are read from the database in chunks and
written out as they come, so a board of a hundred thousand rows costs the memory of one chunk.

CSV goes to the client row by row (with a byte-order mark, so that Excel reads the Chinese right).
XLSX is a zip that can only be finished at the end: openpyxl's write-only workbook writes rows to
a temporary file, which is then sent in blocks and removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _Echo:
    """A file-like object whose write() hands back what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterable[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(headers).encode("utf-8")
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row]).encode("utf-8")


def _xlsx_cell(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; values come in local time
    return value


def streamed_export(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A response that sends ``rows`` under ``headers`` as ``filename``.csv or .xlsx."""
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(headers, rows), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes (and so removes) it
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES["xlsx"])
