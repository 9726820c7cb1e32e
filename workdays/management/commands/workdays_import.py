"""Load days off and weekend working days from a sheet: ``manage.py workdays_import 2027.csv``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workdays import calendar
from workdays.services import CalendarImportError, calendar_days_import, parse_calendar_sheet


def read_sheet(path: Path) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030, as Chinese Excel saves CSV."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: neither UTF-8 nor GB18030 text") from error


class Command(BaseCommand):
    help = (
        "Load a year's calendar from a CSV sheet with the columns date,kind,name[,note] (kind: holiday or "
        "workday, a weekend day made a working day). All or nothing: a bad line is reported and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: date,kind,name[,note]; a header line is allowed")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="also delete the official days of the sheet's years that the sheet does not list",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            rows = parse_calendar_sheet(read_sheet(path))
            result = calendar_days_import(rows=rows, replace=options["replace"])
        except CalendarImportError as error:
            lines = "\n".join(f"  {message}" for message in error.errors)
            raise CommandError(f"{path}: {len(error.errors)} bad line(s), nothing imported:\n{lines}") from error
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(
            f"{path}: {years}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.deleted} deleted."
        )
        for year in result.years:
            self.stdout.write(f"  {year}: calendar from the {calendar.year_source(year)}")
