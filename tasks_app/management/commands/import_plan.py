import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import PlanFileError, PlanUnitsDiffer, plan_import


class Command(BaseCommand):
    help = (
        "Load a plan file (cbec-plan/1 JSON; default: the Suzhou CBEC plan in fixtures/). "
        "All or nothing, and a second run changes nothing. The plan's departments and districts are "
        "those of its government (the file's \"government\"); a file that names them differently from "
        "what is stored is refused with the differences listed, unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="plan file to load; '-' reads standard input")
        parser.add_argument(
            "--update",
            action="store_true",
            help="apply the file's names and order of the government's departments and districts where they differ",
        )

    def handle(self, *args, file=None, update=False, **options):
        source = file or str(settings.CBEC_DEFAULT_PLAN_FILE)
        try:
            raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read the plan file {source}: {error.strerror}") from None
        try:
            summary = plan_import(plan_file_parse(raw), update=update)
        except PlanUnitsDiffer as error:
            lines = "\n".join(f"  {place}: {message}" for place, message in error.problems)
            raise CommandError(
                f"{source}: the file names the government's departments or districts differently from what is "
                f"stored; nothing was written. Differences:\n{lines}\nRun again with --update to apply them."
            ) from None
        except PlanFileError as error:
            lines = "\n".join(f"  {place}: {message}" for place, message in error.problems)
            raise CommandError(f"{source}: refused, nothing was written:\n{lines}") from None
        self.stdout.write(self.style.SUCCESS(summary.describe()))
