import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import PlanFileError, plan_import


class Command(BaseCommand):
    help = (
        "Load a plan file (cbec-plan/1 JSON; default: the Suzhou CBEC plan in fixtures/). "
        "All or nothing, and a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="plan file to load; '-' reads standard input")

    def handle(self, *args, file=None, **options):
        source = file or str(settings.CBEC_DEFAULT_PLAN_FILE)
        try:
            raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read the plan file {source}: {error.strerror}") from None
        try:
            summary = plan_import(plan_file_parse(raw))
        except PlanFileError as error:
            lines = "\n".join(f"  {place}: {message}" for place, message in error.problems)
            raise CommandError(f"{source}: refused, nothing was written:\n{lines}") from None
        self.stdout.write(self.style.SUCCESS(summary.describe()))
