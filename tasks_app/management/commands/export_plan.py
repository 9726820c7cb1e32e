import json

from django.core.management.base import BaseCommand, CommandError

from tasks_app.plan.models import Plan
from tasks_app.plan.plan_io import plan_export
from tasks_app.plan.selectors import current_plan


class Command(BaseCommand):
    help = "Print a plan as a plan file (cbec-plan/1 JSON) on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="plan code (default: the current plan)")

    def handle(self, *args, plan=None, **options):
        selected = Plan.objects.filter(code=plan).first() if plan else current_plan()
        if selected is None:
            raise CommandError(f"no plan {plan!r}" if plan else "no plan is loaded; run import_plan first")
        self.stdout.write(json.dumps(plan_export(selected), ensure_ascii=False, indent=2))
