"""One export of the overdue board in a process of its own, so that its peak memory is the whole
process's (resident set, C buffers included), not an estimate. Used by bench/benchmark.py:

    DATABASE_URL=postgres://…/test_cbec_bench python bench/export_run.py xlsx --limit 100000

Prints one JSON line: rows, seconds, bytes, the process's resident memory before the export and at
its peak. The export is the one a background job makes (tasks_app.exports), sorted by days overdue.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_tracker.test_settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from tasks_app.exports.services import write_export  # noqa: E402
from tasks_app.exports.sheets import Sheet  # noqa: E402
from tasks_app.reminders.overdue_board import overdue_table  # noqa: E402


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux VmHWM). Not getrusage's ru_maxrss: that one
    survives exec, so a child started by a big parent would report the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the best there is


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("format", choices=["csv", "xlsx"])
    parser.add_argument("--limit", type=int, default=100_000, help="rows at most (the most overdue first)")
    args = parser.parse_args()
    supervisor = get_user_model().objects.get(username="supervisor")
    table = overdue_table(supervisor, {"sort": "-days_overdue"}, timezone.localdate())
    queryset = table.data.data[: args.limit]
    before = peak_rss_mb()
    started = time.perf_counter()
    rows = 0

    def counted():
        nonlocal rows
        for row in table.export_rows(queryset):
            rows += 1
            yield row

    with tempfile.TemporaryFile() as output:
        write_export(output, args.format, Sheet(name="overdue", headers=table.export_headers(), rows=counted()))
        size = output.tell()
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    # The floor, in the same process right after: the same rows and columns, unformatted, through a
    # minimal streaming writer (csv.writer) or openpyxl's write-only workbook alone.
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        minimal_export(args.format, queryset, output)
    minimal_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(seconds, 2),
                "bytes": size,
                "rss_before_mb": round(before, 1),
                "rss_peak_mb": round(peak, 1),
                "minimal_seconds": round(minimal_seconds, 2),
            }
        )
    )


def minimal_export(fmt: str, queryset, output) -> None:
    rows = queryset.values_list(
        "title",
        "task__number",
        "owner__name",
        "district__name",
        "due_date",
        "due_date",
        "due_date",
        "escalation_level",
        "last_reminder_at",
        "status",
    ).iterator(chunk_size=2000)
    if fmt == "csv":
        text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        for row in rows:
            writer.writerow(row)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for title, task, owner, district, due, _a, _b, level, last, status in rows:
        naive = last.replace(tzinfo=None) if last else None  # openpyxl refuses aware datetimes
        sheet.append([title, task, owner, district, due, 0, 0, level, naive, status])
    workbook.save(output)


if __name__ == "__main__":
    main()
