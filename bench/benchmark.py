"""Benchmark: server time and query counts of the pages users wait for, at growing scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cbec .venv/bin/python bench/benchmark.py --scales 1000,10000

For each scale it builds a fresh database (test_<name>, dropped at the end), loads the plan and the
demo accounts, generates that many milestones (`generate_load`), then measures each page in-process
(Django's test client: server time, no network) `--repeat` times and prints median, p95, query count
and the ratio of the median to the first scale's; then the reminder scan (first and repeated) and
the peak memory of the overdue board's XLSX export.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_tracker.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGES = [
    ("liaison home", "liaison-commerce", "/", {}),
    ("overdue board", "supervisor", "/overdue/", {}),
    ("overdue board, filtered", "supervisor", "/overdue/", {"owner": "customs"}),
    ("overdue board, by days overdue", "supervisor", "/overdue/", {"sort": "-days_overdue"}),
    ("task page", "liaison-customs", "/tasks/6/", {}),
    ("assessment of a year", "supervisor", "/assessment/2025/", {}),
    ("milestone list API", "liaison-commerce", "/api/v1/milestones/", {}),
]


def measure(client: Client, path: str, params: dict, repeat: int) -> tuple[float, float, int]:
    timings, queries = [], 0
    settings.DEBUG = True  # so that connection.queries counts
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(connection.queries)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, queries


def run_scale(scale: int, repeat: int) -> dict:
    from django.contrib.auth import get_user_model

    from tasks_app.models import Milestone
    from tasks_app.reminders import reminders_scan

    out = io.StringIO()
    Milestone.objects.all().delete()
    started = time.perf_counter()
    call_command("generate_load", "--milestones", str(scale), "--updates-per-milestone", "3", stdout=out)
    results = {"load": time.perf_counter() - started}
    users = {u.username: u for u in get_user_model().objects.all()}
    for name, username, path, params in PAGES:
        client = Client()
        client.force_login(users[username])
        client.get(path, params)  # warm up
        results[name] = measure(client, path, params, repeat)
    started = time.perf_counter()
    reminders_scan(as_of=timezone.localdate())
    results["reminder scan (first)"] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    reminders_scan(as_of=timezone.localdate())
    results["reminder scan (again)"] = (time.perf_counter() - started) * 1000
    client = Client()
    client.force_login(users["supervisor"])
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/overdue/", {"_export": "xlsx"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    results["overdue XLSX export"] = (time.perf_counter() - started) * 1000
    results["export peak memory MB"] = tracemalloc.get_traced_memory()[1] / 2**20
    results["export bytes"] = len(body)
    tracemalloc.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1000,10000", help="comma-separated milestone counts")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from departments.demo import seed_demo_accounts

        call_command("import_plan", stdout=io.StringIO())
        seed_demo_accounts(password="bench-password-2026")
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        table = {scale: run_scale(scale, args.repeat) for scale in scales}
    finally:
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
    for name in ("reminder scan (first)", "reminder scan (again)", "overdue XLSX export"):
        cells = [f"{table[s][name]:9.0f} ms ×{table[s][name] / first[name]:4.1f}" for s in scales]
        print(f"{name:36}" + "".join(f"{c:>28}" for c in cells))
    print(f"{'export peak memory':36}" + "".join(f"{table[s]['export peak memory MB']:25.1f} MB" for s in scales))
    print(f"{'generate_load':36}" + "".join(f"{table[s]['load']:27.1f}s" for s in scales))
    print("\nmedian/p95 server time, queries per request, ratio of the median to the first scale")


if __name__ == "__main__":
    main()
