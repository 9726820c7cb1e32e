import time

from django.core.management.base import BaseCommand, CommandError

from tasks_app.load import generate_load
from tasks_app.selectors import current_plan


class Command(BaseCommand):
    help = "Add synthetic milestones, progress updates and figures, for benchmarks (never on a real site)."

    def add_arguments(self, parser):
        parser.add_argument("--milestones", type=int, required=True)
        parser.add_argument("--updates-per-milestone", type=int, default=10)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, milestones, updates_per_milestone, seed, **options):
        plan = current_plan()
        if plan is None:
            raise CommandError("no plan is loaded; run import_plan first")
        if milestones < 1:
            raise CommandError("--milestones must be at least 1")
        started = time.perf_counter()
        result = generate_load(plan=plan, milestones=milestones, updates_per_milestone=updates_per_milestone, seed=seed)
        self.stdout.write(
            f"{result['milestones']} milestones, {result['progress_updates']} progress updates "
            f"in {time.perf_counter() - started:.1f} s"
        )
