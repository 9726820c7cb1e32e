import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks_app.load import generate_load
from tasks_app.plan.selectors import current_plan


class Command(BaseCommand):
    help = (
        "Add synthetic milestones with their progress updates, permission rows, reminders and indicator "
        "figures, for benchmarks (never on a real site). Runs add to what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--milestones", type=int, required=True)
        parser.add_argument("--updates-per-milestone", type=int, default=10)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--reminders-days-ago",
            type=int,
            default=7,
            help="also create the reminders of a scan this many days ago (negative: none)",
        )

    def handle(self, *args, milestones, updates_per_milestone, seed, reminders_days_ago, **options):
        plan = current_plan()
        if plan is None:
            raise CommandError("no plan is loaded; run import_plan first")
        if milestones < 1:
            raise CommandError("--milestones must be at least 1")
        if not 0 <= updates_per_milestone <= 50:
            raise CommandError("--updates-per-milestone must be between 0 and 50")
        as_of = timezone.localdate() - dt.timedelta(days=reminders_days_ago) if reminders_days_ago >= 0 else None
        started = time.perf_counter()
        result = generate_load(
            plan=plan,
            milestones=milestones,
            updates_per_milestone=updates_per_milestone,
            seed=seed,
            reminders_as_of=as_of,
        )
        self.stdout.write(
            f"{result['milestones']} milestones, {result['progress_updates']} progress updates, "
            f"{sum(result['reminders'].values()) if result['reminders'] else 0} reminders "
            f"in {time.perf_counter() - started:.1f} s"
        )
