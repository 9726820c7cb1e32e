"""A sheet of 10,000 milestones: previewed in seconds, imported by a real worker with progress."""

import io
import time

import openpyxl
import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.urls import reverse

from cbec_tracker.celery import app as celery_app
from tasks_app.exports.models import ImportJob, ImportStatus
from tasks_app.workflow.models import Milestone

ROWS = 10_000


def big_sheet(rows=ROWS) -> io.BytesIO:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("节点")
    sheet.append(["任务节点"])  # a title row, skipped
    sheet.append(["节点编号", "重点任务", "任务节点", "责任部门", "板块", "完成时限"])
    for number in range(rows):
        sheet.append(["", 2, f"批量节点{number:05d}", "市财政局" if number % 2 else "市发改委", "", "2026-12-31"])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "批量.xlsx"
    return data


def wait_until(condition, timeout=240.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def worker():
    celery_app.conf.broker_connection_timeout = 2
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60, loglevel="WARNING"):
        yield


def test_a_10000_row_sheet_previews_in_seconds(suzhou_plan, demo_accounts):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    started = time.monotonic()
    response = client.post(reverse("tasks_app:milestone_import"), {"file": big_sheet()})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.rows_total, job.result["created"], job.result["errors"]) == (ROWS, ROWS, [])
    assert elapsed < 10, f"preview took {elapsed:.1f} s"
    assert not Milestone.objects.filter(title__startswith="批量节点").exists()


@pytest.mark.django_db(transaction=True)
def test_a_large_sheet_is_imported_by_the_worker(suzhou_plan, demo_accounts, worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CBEC_IMPORT_INLINE_ROWS = 100
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    response = client.post(reverse("tasks_app:milestone_import"), {"file": big_sheet(600)})
    job = ImportJob.objects.get()
    confirmed = client.post(reverse("tasks_app:import_confirm", args=[job.pk]))
    assert confirmed.status_code == 302 and confirmed.url == response.url
    assert wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE)
    assert Milestone.objects.filter(title__startswith="批量节点").count() == 600
    page = client.get(response.url).content.decode()
    assert "已导入" in page and "600" in page
