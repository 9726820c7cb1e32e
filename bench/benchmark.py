"""Benchmark: server time and query counts of the pages users wait for, at growing scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cbec_bench \
        .venv/bin/python bench/benchmark.py --scales 1000,10000,100000,1000000

It builds a database (test_<name>), loads the plan and the demo accounts, and grows it scale by
scale: at each scale `generate_load` adds milestones up to that count (with progress updates,
permission rows, the reminders of a scan a week earlier, figures), then each page is measured
in-process (Django's test client without its template instrumentation: server time, no network)
`--repeat` times — median, p95, query count, and the ratio of the median to the first scale's —
then the reminder scan (the daily one, the same again with nothing new, and one a week late), and
the time and peak process memory of the overdue board's CSV and XLSX exports.
`--keep` leaves the database for a later `--reuse` run (measure again without rebuilding).
`--cities N` adds N-1 synthetic cities beside it before measuring (each a copy of the plan's structure
under a government of its own, with as many milestones as the scale, bulk-inserted), for the
province's view that compares them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_tracker.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import _TestState, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGES = [
    ("liaison home", "liaison-commerce", "/", {}),
    # Its milestone boxes are kept until the data changes: right after a change they are drawn again.
    ("liaison home, just changed", "liaison-commerce", "/", {"_changed": True}),
    ("overdue board", "supervisor", "/overdue/", {}),
    # Its table is kept as HTML until the data changes (tasks_app/core/kept_tables.py): right after a
    # change it is drawn again; so is the milestone list's.
    ("overdue board, just changed", "supervisor", "/overdue/", {"_changed": True}),
    ("overdue board, filtered", "supervisor", "/overdue/", {"owner": "customs"}),
    ("overdue board, by days overdue", "supervisor", "/overdue/", {"sort": "-days_overdue"}),
    ("district board", "district-sip", "/overdue/", {}),
    ("milestone list", "liaison-commerce", "/milestones/", {}),
    ("milestone list, just changed", "liaison-commerce", "/milestones/", {"_changed": True}),
    ("督办 notices board", "supervisor", "/notices/", {}),
    ("task page", "liaison-customs", "/tasks/6/", {}),
    ("assessment of a year", "supervisor", "/assessment/2025/", {}),
    # The same page right after a change to its data: computed again, not served from the cache.
    ("assessment, just changed", "supervisor", "/assessment/2025/", {"_changed": True}),
    # The year still running, where the load's milestones fall (2025 has none of them): its overdue
    # list is six figures at a million milestones; the page reads one page of it.
    ("assessment of this year", "supervisor", "/assessment/{this_year}/", {}),
    ("assessment of this year, just changed", "supervisor", "/assessment/{this_year}/", {"_changed": True}),
    ("通报 of this year (page)", "supervisor", "/assessment/{this_year}/notice/", {}),
    ("milestone list API", "liaison-commerce", "/api/v1/milestones/", {}),
    ("province view", "province-leader", "/province/", {}),
    # Right after a change: the page shows the last count and asks a worker to count again (the
    # worker's count is measured below, "province figures counted").
    ("province view, just changed", "province-leader", "/province/", {"_changed": True}),
]


def measure(client: Client, path: str, params: dict, repeat: int) -> tuple[float, float, int]:
    from tasks_app.core.changes import ASSESSMENT, counter_bump

    timings, queries = [], 0
    settings.DEBUG = True  # so that connection.queries counts
    changed = params.pop("_changed", False)
    for _ in range(repeat):
        if changed:
            counter_bump(ASSESSMENT)  # as a committed write would
        reset_queries()
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(connection.queries)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, queries


# Side by side (issue 23): each list page against the SQL it needs (its first page of rows and its
# count, run through a cursor: the floor no page can beat) and against the Django admin's changelist
# over the same rows, measured in turn within each repeat so that the machine's moods hit all three.
SIDE_BY_SIDE = [
    ("overdue board", "supervisor", "/overdue/", "overdue"),
    ("district board", "district-sip", "/overdue/", "overdue"),
    ("milestone list", "liaison-commerce", "/milestones/", "milestones"),
    ("liaison home", "liaison-commerce", "/", "home"),
]


def _rows_and_count(user, what: str):
    """The queries a list page cannot do without: its first 50 rows and its count."""
    from tasks_app.reminders.selectors import overdue_milestones
    from tasks_app.workflow.models import OPEN_STATUSES
    from tasks_app.workflow.permissions import milestones_visible_to

    today = timezone.localdate()
    if what == "overdue":
        rows = overdue_milestones(user, as_of=today)
    elif what == "milestones":
        rows = milestones_visible_to(user).select_related("task", "owner", "district").order_by("due_date", "id")
    else:  # the home's main box: the user's department's open milestones
        rows = (
            milestones_visible_to(user)
            .filter(owner__group__user=user, status__in=OPEN_STATUSES)
            .select_related("task", "owner")
            .order_by("due_date", "id")
        )
    return rows


def measure_side_by_side(users: dict, repeat: int) -> dict:
    from django.db import connection as db

    figures = {}
    admin = Client()
    admin.force_login(users["admin"])
    for name, username, path, what in SIDE_BY_SIDE:
        client = Client()
        client.force_login(users[username])
        rows = _rows_and_count(users[username], what)
        page_sql, page_params = rows[:50].query.sql_with_params()
        count_sql, count_params = rows.order_by().values("pk").query.sql_with_params()
        count_sql = f"SELECT COUNT(*) FROM ({count_sql}) AS counted"  # noqa: S608 - the ORM's own SQL
        ids = ",".join(str(pk) for pk in rows[:50].values_list("pk", flat=True)) or "0"
        admin_path = f"/admin/tasks_app/milestone/?id__in={ids}"
        client.get(path)
        admin.get(admin_path)
        times = {"page": [], "sql": [], "admin": []}
        for _ in range(repeat):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            times["page"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with db.cursor() as cursor:
                cursor.execute(page_sql, page_params)
                cursor.fetchall()
                cursor.execute(count_sql, count_params)
                cursor.fetchall()
            times["sql"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            assert admin.get(admin_path).status_code == 200
            times["admin"].append((time.perf_counter() - started) * 1000)
        medians = {k: statistics.median(v) for k, v in times.items()}
        figures[name] = medians
        print(
            f"  side by side, {name:16} page {medians['page']:7.1f} ms · its SQL {medians['sql']:6.1f} ms"
            f" (×{medians['page'] / max(medians['sql'], 0.01):5.1f}) · admin changelist {medians['admin']:7.1f} ms"
            f" (×{medians['page'] / max(medians['admin'], 0.01):4.2f})",
            flush=True,
        )
    return figures


SCANS = ["reminder scan, daily", "reminder scan, again", "reminder scan, a week late"]


def measure_scans() -> dict[str, float]:
    """The reminder scan as the daily beat runs it: yesterday's scan is done (the load's reminders
    are a week old, so yesterday's is run first, untimed), today's is timed, then the same scan
    again (nothing new). Last, a scan a week after today's — the beat was down for a week — timed
    inside a transaction that is rolled back, so the next scale starts from the same state."""
    from django.db import transaction

    from tasks_app.reminders.services import reminders_scan
    from workdays import calendar as workcal

    # Scans run on working days (a scan on a day off sends nothing): today is the next working day,
    # yesterday the working day before it, a week late five working days after it.
    today = workcal.next_working_day(timezone.localdate())
    reminders_scan(as_of=workcal.add_working_days(today, -1))
    figures = {}
    for name in SCANS[:2]:
        started = time.perf_counter()
        result = reminders_scan(as_of=today)
        figures[name] = (time.perf_counter() - started) * 1000
        print(
            f"  {name}: {figures[name] / 1000:.1f} s, {result.created:,} new reminders, "
            f"{result.notifications:,} notifications, {result.sent:,} sent",
            flush=True,
        )
    emails_per_day(today)
    with transaction.atomic():
        started = time.perf_counter()
        result = reminders_scan(as_of=workcal.add_working_days(today, 5))
        name = SCANS[2]
        figures[name] = (time.perf_counter() - started) * 1000
        print(
            f"  {name}: {figures[name] / 1000:.1f} s, {result.created:,} new reminders, "
            f"{result.notifications:,} notifications, {result.sent:,} sent",
            flush=True,
        )
        transaction.set_rollback(True)
    return figures


def emails_per_day(day: dt.date) -> tuple[int, int]:
    """The e-mails of one day's scan: before digests (one per reminder per person with an address)
    and with them (per reminder only for those who chose "immediate", plus one digest per person
    who chose the daily digest: by default the supervision office and leadership)."""
    from tasks_app.reminders.models import Delivery, Notification

    before = Notification.objects.filter(reminder__as_of=day).exclude(recipient__email="").count()
    after = (
        Delivery.objects.filter(channel="email", reminder__as_of=day).count()
        + Delivery.objects.filter(channel="email", digest_day=day).count()
    )
    print(f"  e-mails for the day's scan: {before:,} one per reminder, {after:,} with daily digests", flush=True)
    return before, after


def grow_to(scale: int, updates: int) -> float:
    """Add milestones to the plan up to ``scale``; returns the seconds it took (0 when already there).
    Only the plan's own milestones count: the other cities' (``--cities``) grow by themselves."""
    from tasks_app.plan.selectors import current_plan, plan_task_ids
    from tasks_app.workflow.models import Milestone

    missing = scale - Milestone.objects.filter(task_id__in=plan_task_ids(current_plan())).count()
    if missing <= 0:
        return 0.0
    started = time.perf_counter()
    call_command(
        "generate_load", "--milestones", str(missing), "--updates-per-milestone", str(updates), stdout=io.StringIO()
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load: index-only scans work
    return time.perf_counter() - started


STATUS_CHOICES = ["completed"] * 4 + ["in_progress"] * 3 + ["planned", "submitted"]


def _city_milestones(plan, count: int, first: int, rng: random.Random, creator_id: int):
    """``count`` milestones on the city's plan: its tasks and their departments, its districts, due
    dates over the plan's years, a share completed (on time or late), submitted, under way."""
    from departments.models import District
    from tasks_app.workflow.models import Milestone, MilestoneStatus

    pairs = list(plan.tasks.values_list("pk", "responsibilities__department_id"))
    districts = list(District.objects.filter(government_id=plan.government_id).values_list("pk", flat=True))
    start, today = dt.date(plan.start_year, 1, 1), timezone.localdate()
    span = (dt.date(plan.end_year, 12, 31) - start).days
    tz = timezone.get_default_timezone()
    for number in range(first, first + count):
        task_id, owner_id = pairs[rng.randrange(len(pairs))]
        due = start + dt.timedelta(days=rng.randrange(span))
        status = rng.choice(
            [MilestoneStatus.COMPLETED] * 4 + [MilestoneStatus.IN_PROGRESS] * 3 + ["planned", "submitted"]
        )
        completed = None
        if due > today and status in (MilestoneStatus.COMPLETED, MilestoneStatus.SUBMITTED):
            status = MilestoneStatus.IN_PROGRESS
        if status == MilestoneStatus.COMPLETED:
            finished = min(due + dt.timedelta(days=rng.randint(-20, 15)), today)
            completed = timezone.make_aware(dt.datetime.combine(finished, dt.time(15)), tz)
        yield Milestone(
            task_id=task_id,
            owner_id=owner_id,
            district_id=districts[rng.randrange(len(districts))] if districts and rng.random() < 0.3 else None,
            title=f"基准城市节点 {number}",
            due_date=due,
            baseline_due_date=due,
            status=status,
            created_by_id=creator_id,
            completed_at=completed,
        )


def _city_milestones_sql(plan, count: int, first: int, creator_id: int) -> None:
    """The same milestones as ``_city_milestones`` (shares of each status, due dates over the plan's
    years, 30 % with a district), made by PostgreSQL itself from a series — a million in seconds, so
    that 13 cities of a million each fit a session — and escalation reminders for a share of the
    overdue ones (1 to 3 rounds), as the daily scans would have left them."""
    from departments.models import District

    if count <= 0:
        return
    pairs = list(plan.tasks.values_list("pk", "responsibilities__department_id"))
    districts = list(District.objects.filter(government_id=plan.government_id).values_list("pk", flat=True)) or [None]
    start, today = dt.date(plan.start_year, 1, 1), timezone.localdate()
    span = (dt.date(plan.end_year, 12, 31) - start).days
    params = {
        "tasks": [t for t, _d in pairs],
        "owners": [d for _t, d in pairs],
        "npairs": len(pairs),
        "districts": districts,
        "ndistricts": len(districts),
        "first": first,
        "last": first + count - 1,
        "start": start,
        "span": span,
        "today": today,
        "creator": creator_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tasks_app_milestone (title, description, due_date, baseline_due_date, status, return_reason,
                created_at, updated_at, started_at, submitted_at, completed_at, version, created_by_id, district_id,
                owner_id, task_id)
            SELECT '基准城市节点 ' || g, '', due, due, status, '',
                   -- created a quarter before it falls due, as tasks_app.load makes them
                   LEAST(((due - 90) + time '09:00') AT TIME ZONE 'Asia/Shanghai', now()), now(), NULL, NULL,
                   CASE WHEN status = 'completed' THEN
                       (LEAST(due + ((g * 13) %% 36 - 20)::int, %(today)s::date) + time '15:00')
                       AT TIME ZONE 'Asia/Shanghai'
                   END,
                   1, %(creator)s,
                   CASE WHEN g %% 10 < 3 THEN (%(districts)s::bigint[])[1 + (g * 17) %% %(ndistricts)s] END,
                   (%(owners)s::bigint[])[1 + (g * 7919) %% %(npairs)s],
                   (%(tasks)s::bigint[])[1 + (g * 7919) %% %(npairs)s]
            FROM (
                SELECT g, due,
                       CASE WHEN s < 4 AND due <= %(today)s THEN 'completed'
                            WHEN s < 7 OR (s = 8 AND due > %(today)s) OR (s < 4) THEN 'in_progress'
                            WHEN s = 7 THEN 'planned' ELSE 'submitted' END AS status
                FROM (SELECT g, %(start)s::date + ((g * 104729) %% %(span)s)::int AS due, (g * 31) %% 9 AS s
                      FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g) AS numbered
            ) AS made
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO tasks_app_reminder (kind, subject, occurrence, level, as_of, message, created_at, fanned_out,
                milestone_id, task_id)
            SELECT 'escalation', 'milestone:' || m.id, 'L' || lv || '@' || m.due_date, lv, %(today)s, '', now(), true,
                   m.id, m.task_id
            FROM tasks_app_milestone m
            CROSS JOIN generate_series(1, 3) AS lv
            WHERE m.task_id = ANY(%(tasks)s::bigint[]) AND m.title LIKE '基准城市节点 %%'
              AND m.status IN ('planned', 'in_progress', 'submitted') AND m.due_date < %(today)s - 7
              AND lv <= 1 + m.id %% 3 AND m.id %% 2 = 0
            ON CONFLICT DO NOTHING
            """,
            params,
        )


def grow_cities(cities: int, scale: int) -> float:
    """Make sure ``cities - 1`` synthetic cities stand beside the plan's, each a copy of its structure
    (a government of its own with its departments, districts, plan, tasks, responsibilities,
    implementations and indicators, through the plan file) with ``scale`` milestones, bulk-inserted.
    Returns the seconds it took."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from tasks_app.core.changes import counter_bump
    from tasks_app.plan.models import Plan
    from tasks_app.plan.plan_io import plan_export, plan_import
    from tasks_app.plan.selectors import current_plan, plan_task_ids
    from tasks_app.workflow.models import Milestone

    if cities <= 1:
        return 0.0
    started = time.perf_counter()
    exported = None
    creator = get_user_model().objects.filter(is_superuser=True).first()
    for n in range(2, cities + 1):
        code = f"bench-city-{n}"
        plan = Plan.objects.filter(government__code=code).first()
        if plan is None:
            exported = exported or plan_export(current_plan())
            copy = json.loads(json.dumps(exported))
            copy["government"] = {"code": code, "name": f"基准市{n}", "name_en": f"Bench City {n}", "level": "city"}
            copy["plan"]["code"] = f"{code}-cbec"
            plan_import(copy)
            plan = Plan.objects.get(code=f"{code}-cbec")
        have = Milestone.objects.filter(task_id__in=plan_task_ids(plan)).count()
        if connection.vendor == "postgresql":
            _city_milestones_sql(plan, max(0, scale - have), have + 1, creator.pk)
            continue
        rng = random.Random(f"{code}:{have}")  # noqa: S311 - synthetic data, repeatable
        rows = _city_milestones(plan, max(0, scale - have), have + 1, rng, creator.pk)
        while batch := [row for _, row in zip(range(10_000), rows, strict=False)]:
            with transaction.atomic():
                Milestone.objects.bulk_create(batch, batch_size=2000)
    counter_bump()  # bulk inserts send no signals
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def export_in_own_process(fmt: str, limit: int) -> dict:
    """bench/export_run.py against this database: its peak memory is a whole process's."""
    url = os.environ.get("DATABASE_URL", "")
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    else:
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    script = Path(__file__).with_name("export_run.py")
    output = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, str(script), fmt, "--limit", str(limit)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


PROVINCE_COUNT = "province figures counted"


class _VisibleText(HTMLParser):
    """The text a reader sees: every text node outside script, style and title."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "title")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def board_html_ratio(user) -> tuple[int, int]:
    """The overdue board's HTML and its visible text (whitespace collapsed), in bytes of UTF-8."""
    client = Client()
    client.force_login(user)
    html = client.get("/overdue/").content.decode()
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    return len(html.encode()), len(text.encode())


def measure_province_count() -> float:
    """The province view's tallies counted over every city (what the worker does after a change)."""
    from tasks_app.dashboards.province import province_figures_refresh

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        province_figures_refresh()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run_scale(scale: int, repeat: int, updates: int, scan: bool, export_limit: int, cities: int = 1) -> dict:
    from django.contrib.auth import get_user_model

    from departments.models import Government
    from tasks_app.plan.selectors import current_plan
    from tasks_app.reminders.models import Reminder
    from tasks_app.workflow.models import Milestone, ProgressUpdate

    results = {"load": grow_to(scale, updates)}
    if cities > 1:
        seconds = grow_cities(cities, scale)
        results["load"] += seconds
        print(f"  {cities} cities ({Government.objects.count()} governments): {seconds:.1f} s", flush=True)
    print(
        f"{scale:,}: {Milestone.objects.count():,} milestones, {ProgressUpdate.objects.count():,} progress updates, "
        f"{Reminder.objects.count():,} reminders (load {results['load']:.0f} s)",
        flush=True,
    )
    users = {u.username: u for u in get_user_model().objects.all()}
    plan = current_plan()
    this_year = min(timezone.localdate().year, plan.end_year)
    for name, username, path, params in PAGES:
        path = path.format(this_year=this_year)
        client = Client()
        client.force_login(users[username])
        client.get(path, {k: v for k, v in params.items() if not k.startswith("_")})  # warm up
        results[name] = measure(client, path, dict(params), repeat)
        median, p95, queries = results[name]
        print(f"  {name:34} {median:8.1f} ms median {p95:8.1f} ms p95 {queries:3d} queries", flush=True)
    results["board html"] = board_html_ratio(users["supervisor"])
    print(
        f"  overdue board HTML {results['board html'][0]:,} bytes for {results['board html'][1]:,} bytes of visible "
        f"text (×{results['board html'][0] / max(results['board html'][1], 1):.2f})",
        flush=True,
    )
    results[PROVINCE_COUNT] = measure_province_count()
    print(f"  {PROVINCE_COUNT:34} {results[PROVINCE_COUNT]:8.0f} ms median of 3 (the worker's job)", flush=True)
    results["side by side"] = measure_side_by_side(users, repeat)
    if scan:
        results.update(measure_scans())
    else:
        results.update(dict.fromkeys(SCANS, 0.0))
    for fmt in ("csv", "xlsx"):
        figures = export_in_own_process(fmt, export_limit)
        results[f"overdue {fmt.upper()} export"] = figures
        print(
            f"  {fmt} export: {figures['rows']:,} rows in {figures['seconds']} s, {figures['bytes'] / 2**20:.1f} MB, "
            f"process memory {figures['rss_before_mb']} → peak {figures['rss_peak_mb']} MB; the same rows through "
            f"{'a minimal csv.writer' if fmt == 'csv' else 'openpyxl write-only alone'} {figures['minimal_seconds']} s "
            f"(×{figures['seconds'] / max(figures['minimal_seconds'], 0.01):.2f})",
            flush=True,
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1000,10000", help="comma-separated milestone counts")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--updates-per-milestone", type=int, default=10)
    parser.add_argument("--no-scan", action="store_true", help="skip the reminder scan")
    parser.add_argument("--export-rows", type=int, default=100_000, help="rows of the measured exports at most")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="start from the database a --keep run left")
    parser.add_argument(
        "--cities",
        type=int,
        default=1,
        help="cities in all: N-1 synthetic copies of the plan beside it",
    )
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]

    setup_test_environment()
    # Server time as in production: the test environment makes every template render send a signal
    # that the test client answers by copying the whole context — a cost no real request pays.
    Template._render = _TestState.saved_data.template_render
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        from departments.demo import seed_demo_accounts
        from tasks_app.plan.selectors import current_plan

        if current_plan() is None:
            call_command("import_plan", stdout=io.StringIO())
        seed_demo_accounts(password="bench-password-2026", province=True)  # the province view's reader
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
        table = {
            scale: run_scale(
                scale, args.repeat, args.updates_per_milestone, not args.no_scan, args.export_rows, args.cities
            )
            for scale in scales
        }
    finally:
        if args.keep:
            connection.close()
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    first = table[scales[0]]
    print(f"\n{'measure':36}" + "".join(f"{s:>28,}" for s in scales))
    for name, *_ in PAGES:
        cells = []
        for scale in scales:
            median, p95, queries = table[scale][name]
            ratio = median / first[name][0] if first[name][0] else 0
            cells.append(f"{median:7.1f}/{p95:6.1f} ms {queries:3d}q ×{ratio:4.1f}")
        print(f"{name:36}" + "".join(f"{c:>28}" for c in cells))
    for name in (*SCANS, PROVINCE_COUNT):
        cells = [f"{table[s][name]:9.0f} ms ×{table[s][name] / (first[name] or 1):4.1f}" for s in scales]
        print(f"{name:36}" + "".join(f"{c:>28}" for c in cells))
    for fmt in ("CSV", "XLSX"):
        name = f"overdue {fmt} export"
        cells = [f"{table[s][name]['rows']:>7,} rows {table[s][name]['seconds']:6.1f} s" for s in scales]
        print(f"{name:36}" + "".join(f"{c:>28}" for c in cells))
        cells = [f"{table[s][name]['rss_peak_mb']:8.1f} MB peak" for s in scales]
        print(f"{'  process memory':36}" + "".join(f"{c:>28}" for c in cells))
    for name, *_ in SIDE_BY_SIDE:
        cells = []
        for scale in scales:
            m = table[scale]["side by side"][name]
            cells.append(f"×{m['page'] / max(m['sql'], 0.01):4.1f} SQL ×{m['page'] / max(m['admin'], 0.01):4.2f} admin")
        print(f"{name + ' vs its SQL, admin':36}" + "".join(f"{c:>28}" for c in cells))
    print(f"{'generate_load':36}" + "".join(f"{table[s]['load']:27.1f}s" for s in scales))
    print("\nmedian/p95 server time, queries per request, ratio of the median to the first scale")


if __name__ == "__main__":
    main()
