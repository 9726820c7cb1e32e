import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tasks_app.reminders.services import reminders_scan


class Command(BaseCommand):
    help = "Run one reminder scan (the same service the beat schedule calls) and print what it sent."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="scan as on this day (YYYY-MM-DD; default: today, Asia/Shanghai)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, change nothing")

    def handle(self, *args, as_of=None, dry_run=False, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of takes a date as YYYY-MM-DD, not {as_of!r}") from None
        result = reminders_scan(as_of=day, dry_run=dry_run)
        for line in result.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("dry run: nothing was recorded or sent"))
