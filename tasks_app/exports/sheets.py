"""The one export layer: every CSV and XLSX the product makes is written here.

A table to export is a :class:`Sheet` — its name in the reader's language (逾期节点), a line saying
which filter it shows, its column headers and its rows of plain Python values (text, numbers,
dates, times). This module makes the file ready to hand on:

- XLSX: a title row (what, which filter, as at which date and time in Asia/Shanghai), a bold,
  frozen header, a row-number column, column widths that fit, dates as Excel dates, numbers as
  numbers, a meaningful sheet name; text cells are always written as text, never as formulas.
- CSV: UTF-8 with a byte-order mark (Excel on Windows), dates and times plainly formatted.
- Both: a text value a spreadsheet would run as a formula (starting with = + - @, a tab or a
  carriage return) is neutralised — in CSV prefixed with an apostrophe, in XLSX stored as a text
  cell with Excel's quote prefix — and control characters XML cannot carry are removed.
- The file name is in the reader's language with the date (逾期节点_2026-11-24.xlsx), sent with an
  RFC 5987 ``filename*``.

Rows are written as they come (CSV streamed, XLSX through openpyxl's write-only workbook), so a
table of a hundred thousand rows costs the memory of one chunk.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tasks_app.core.text import text_clean

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE_ROWS = 200  # rows looked at to size the columns
MAX_WIDTH = 60
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"


@dataclass
class Sheet:
    """A table to export. ``name`` is what it is, in the reader's language (sheet and file name);
    ``filters`` says which part of the table it holds ("" for all of it)."""

    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    filters: str = ""
    as_of: dt.datetime | None = None
    # For a sheet to fill in (an import template): allowed values per column (index into
    # ``headers``) offered as drop-downs, and lines of instructions on a sheet of their own.
    choices: dict[int, list[str]] | None = None
    instructions: Sequence[str] = ()

    def title(self) -> str:
        as_of = timezone.localtime(self.as_of or timezone.now())
        parts = [self.name]
        if self.filters:
            parts.append(self.filters)
        parts.append(_("as at %(time)s (Beijing time)") % {"time": f"{as_of:%Y-%m-%d %H:%M}"})
        return " · ".join(parts)


# --- values -------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """``text`` that no spreadsheet will run as a formula (for CSV): an apostrophe before a
    formula start. Control characters are removed first."""
    text = text_clean(text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)  # Asia/Shanghai
    return value.replace(tzinfo=None, microsecond=0)


def csv_value(value) -> str:
    """A value as plain text for CSV: dates 2026-11-24, times 2026-11-24 10:40 (Beijing time)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return f"{_local(value):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return neutralise(str(value))


def _xlsx_cell(sheet, value):
    """A write-only cell: text always as text (never a formula), numbers as numbers, dates as dates."""
    if isinstance(value, bool):
        value = _("yes") if value else _("no")
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = INTEGER_FORMAT
        return cell
    if isinstance(value, (float, Decimal)):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DECIMAL_FORMAT
        return cell
    text = text_clean(str(value))
    cell = WriteOnlyCell(sheet)
    # Set as a string cell directly: openpyxl would otherwise take a leading "=" for a formula.
    cell._value, cell.data_type = text, "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


def _xlsx_value(sheet, value):
    """What a data row appends: the value itself where openpyxl writes it exactly as ``_xlsx_cell``
    would — text that cannot be taken for a formula, a date (its default format is DATE_FORMAT), an
    integer too small for a thousands separator, nothing — and a styled cell otherwise. openpyxl's
    write-only ``append`` tries each cell object as a value first and formats the error it gets, so a
    cell object costs several times a plain value (most of an export's time, measured)."""
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        text = text_clean(value)
        return text if not text.startswith(FORMULA_STARTS) else _xlsx_cell(sheet, text)
    if kind is dt.date or (kind is int and -1000 < value < 1000):
        return value
    return _xlsx_cell(sheet, value)


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, (int, float, Decimal)):
        return len(f"{value:,}") + 1
    text = str(value).split("\n", 1)[0]
    # CJK characters take two columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- files --------------------------------------------------------------------------------------


def sheet_name(name: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return (name.translate(SHEET_NAME_FORBIDDEN).strip() or "Sheet")[:31]


def filename_for(name: str, fmt: str, on: dt.date | None = None) -> str:
    """逾期节点_2026-11-24.xlsx: the table's name in the reader's language and the date."""
    on = on or timezone.localdate()
    safe = "".join(ch for ch in name if ch not in '\\/:*?"<>|\r\n\t').strip() or "export"
    return f"{safe}_{on:%Y-%m-%d}.{fmt}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(spec: Sheet) -> Iterator[bytes]:
    """The CSV of ``spec`` line by line: a byte-order mark, the header, the rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([csv_value(h) for h in spec.headers]).encode("utf-8")
    for row in spec.rows:
        yield writer.writerow([csv_value(value) for value in row]).encode("utf-8")


def write_xlsx(output, spec: Sheet) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(spec.name))
    rows = iter(spec.rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    headers = [_("No."), *[str(h) for h in spec.headers]]
    widths = [max(4, _display_width(len(sample) or 1))] + [_display_width(h) for h in headers[1:]]
    for row in sample:
        for index, value in enumerate(row, start=1):
            if index < len(widths):
                widths[index] = max(widths[index], _display_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width + 2)
    sheet.freeze_panes = "B3"  # the title and the header stay, and so does the row number

    title = _xlsx_cell(sheet, spec.title())
    title.font = Font(bold=True, size=13)
    title.alignment = Alignment(vertical="center")
    sheet.append([title])
    header_cells = []
    for header in headers:
        cell = _xlsx_cell(sheet, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for number, row in enumerate(chain(sample, rows), start=1):
        # The row number is an ordinal, as Excel's own row numbers: no thousands separator.
        sheet.append([number, *(_xlsx_value(sheet, value) for value in row)])
    if spec.choices:
        _add_choices(workbook, sheet, spec)
    if spec.instructions:
        notes = workbook.create_sheet(sheet_name(_("Instructions")))
        notes.column_dimensions["A"].width = 100
        for line in spec.instructions:
            notes.append([_xlsx_cell(notes, line)])
    workbook.save(output)


TEMPLATE_ROWS = 5000  # rows of a sheet to fill in that offer the drop-downs


def _add_choices(workbook, sheet, spec: Sheet) -> None:
    """Drop-downs of the allowed values, listed on a sheet of their own."""
    lists = workbook.create_sheet(sheet_name(_("Allowed values")))
    columns = sorted(spec.choices)
    lists.append([_xlsx_cell(lists, str(spec.headers[index])) for index in columns])
    longest = max((len(spec.choices[index]) for index in columns), default=0)
    for position in range(longest):
        lists.append(
            [
                _xlsx_cell(lists, spec.choices[index][position] if position < len(spec.choices[index]) else None)
                for index in columns
            ]
        )
    for list_column, index in enumerate(columns, start=1):
        values = spec.choices[index]
        if not values:
            continue
        letter = get_column_letter(list_column)
        source = f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}"
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        target = get_column_letter(index + 2)  # after the row-number column
        validation.add(f"{target}3:{target}{TEMPLATE_ROWS}")
        sheet.data_validations.append(validation)


def write_sheet(output, fmt: str, spec: Sheet) -> None:
    """Write ``spec`` to the binary file ``output`` as CSV or XLSX."""
    if fmt == "csv":
        for line in csv_lines(spec):
            output.write(line)
        return
    if fmt != "xlsx":
        raise ValueError(f"unknown export format {fmt!r}")
    write_xlsx(output, spec)


def sheet_response(fmt: str, spec: Sheet):
    """A download of ``spec``: CSV streamed row by row, XLSX from a temporary file."""
    filename = filename_for(spec.name, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(spec), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes (and so removes) it
    write_xlsx(output, spec)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"])
