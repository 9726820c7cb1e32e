"""The first figure of an (indicator, district, period) sent several times at once: one row, no error
(issue "Hardening", item 8: the row lock locked nothing when no row existed yet, and 35 of 40 such
requests answered 500)."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from departments.models import District
from tasks_app.assessment.models import Indicator, IndicatorReport
from tasks_app.assessment.services import indicator_report_submit


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_figures_make_one_row_and_no_error(suzhou_plan, demo_accounts):
    indicator = Indicator.objects.get(code="cbec_volume")
    kunshan = District.objects.get(code="kunshan")
    officer = demo_accounts["district-kunshan"]
    writers = 8 if connection.vendor == "postgresql" else 2  # SQLite serialises writers anyway
    barrier = threading.Barrier(writers)
    errors: list[Exception] = []

    def report(value):
        try:
            barrier.wait()
            indicator_report_submit(indicator=indicator, district=kunshan, period="2031", value=value, by=officer)
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=report, args=(Decimal(100 + n),)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = IndicatorReport.objects.filter(indicator=indicator, district=kunshan, period="2031")
    assert rows.count() == 1
    # every write is on record: one report and the corrections after it
    assert rows.get().history.count() == writers


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_figures_through_the_api_answer_2xx(suzhou_plan, demo_accounts):
    barrier = threading.Barrier(4)
    answers: list[int] = []

    def post(value):
        client = Client()
        client.force_login(demo_accounts["district-kunshan"])
        barrier.wait()
        body = {"indicator": "cbec_volume", "district": "kunshan", "period": "2032", "value": str(value)}
        answers.append(client.post("/api/v1/indicator-reports/", body, content_type="application/json").status_code)
        close_old_connections()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(code in (200, 201) for code in answers), answers
    assert IndicatorReport.objects.filter(indicator__code="cbec_volume", period="2032").count() == 1
