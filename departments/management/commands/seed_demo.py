import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from departments.demo import DEFAULT_DEMO_PASSWORD, seed_demo_accounts
from departments.sample import seed_sample


class Command(BaseCommand):
    help = (
        "Create the demo accounts of PRODUCT.md (supervisor, leader, admin, liaison-<department>, "
        "district-<district>) with the password from CBEC_DEMO_PASSWORD. For demonstrations only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on a production site)")
        parser.add_argument(
            "--sample",
            action="store_true",
            help=(
                "also load the example second city (fixtures/example_city_plan_2024_2026.json, synthetic) with "
                "its accounts and a province leadership account (province-leader), and create a sample scenario: "
                "milestones in every state, updates, reminders, figures"
            ),
        )

    def handle(self, *args, force=False, sample=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password; it refuses to run with DEBUG off. "
                "Use --force only on a demonstration site."
            )
        password = os.environ.get("CBEC_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        if sample:
            self._load_example_city()
        try:
            accounts = seed_demo_accounts(password=password, province=sample)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{len(accounts)} demo accounts ready (password from CBEC_DEMO_PASSWORD).")
        )
        if not sample:
            return
        result = seed_sample()
        if result["created"]:
            self.stdout.write(
                self.style.SUCCESS(
                    "Sample scenario: {milestones} milestones, {updates} progress updates, "
                    "{confirmations} confirmations, {reminders} reminders.".format(**result)
                )
            )
        else:
            self.stdout.write("Sample scenario already present: nothing added.")

    def _load_example_city(self):
        from tasks_app.plan.plan_file import plan_file_parse
        from tasks_app.plan.plan_io import PlanFileError, plan_import

        source = settings.CBEC_EXAMPLE_CITY_PLAN_FILE
        try:
            summary = plan_import(plan_file_parse(source.read_bytes()))
        except PlanFileError as error:
            raise CommandError(f"{source}: {error}") from None
        self.stdout.write(f"Example second city (synthetic): {summary.describe()}")
