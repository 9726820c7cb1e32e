"""/calendar/<year>/: every signed-in user, 12 months, the marks and names, the fallback banner."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse

from workdays import calendar
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def get(client, user, year, language=None):
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("workdays:calendar_year", args=[year]))


def month_section(html, month):
    sections = re.findall(r'<section class="workdays-month".*?</section>', html, re.S)
    assert len(sections) == 12
    return sections[month - 1]


def day_cell(html, day):
    section = month_section(html, day.month)
    pattern = r'<td class="day([^"]*)"[^>]*>\s*<span class="wd-num">' + str(day.day) + r"</span>(.*?)</td>"
    match = re.search(pattern, section, re.S)
    assert match, day
    return match.group(1).split(), match.group(0)


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    response = client.get("/calendar/2026/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_calendar_goes_to_this_year_in_shanghai(client, demo_accounts):
    client.force_login(demo_accounts["district-sip"])
    response = client.get("/calendar/")
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/{calendar.today().year}/"
    assert calendar.today() == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def test_a_package_year_in_chinese(client, demo_accounts):
    response = get(client, demo_accounts["liaison-commerce"], 2026)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026 年工作日历" in html
    assert "尚未录入" not in html
    assert "国务院办公厅节假日安排" in html
    assert "<strong>248</strong>" in html
    classes, text = day_cell(html, dt.date(2026, 10, 1))
    assert {"off", "holiday"} <= set(classes)
    assert 'title="国庆节"' in text and "休" in text
    classes, text = day_cell(html, dt.date(2026, 10, 10))  # a Saturday worked (调休)
    assert "makeup" in classes and "weekend" in classes and "off" not in classes
    assert 'title="国庆节"' in text and "班" in text
    classes, text = day_cell(html, dt.date(2026, 10, 11))  # an ordinary Sunday
    assert "off" in classes and "holiday" not in classes and "title=" not in text
    classes, _ = day_cell(html, dt.date(2026, 10, 12))
    assert classes == []
    february = month_section(html, 2)
    assert "2月15日–2月23日</span> 春节 · 放假" in february
    assert "2月14日</span> 春节 · 上班" in february
    assert 'href="/calendar/2025/"' in html and 'href="/calendar/2027/"' in html


def test_a_package_year_in_english_shows_no_chinese_but_the_language_menu(client, demo_accounts):
    html = get(client, demo_accounts["leader"], 2026, language="en").content.decode()
    assert "Working-day calendar 2026" in html
    february = month_section(html, 2)
    assert "Feb 15–Feb 23</span> Spring Festival · day off" in february
    assert "Feb 14</span> Spring Festival · working day" in february
    main = html.split('<main id="main" class="wrap">', 1)[1]
    assert not CJK.search(main), CJK.findall(main)[:10]


def test_a_fallback_year_shows_the_banner(client, demo_accounts):
    html = get(client, demo_accounts["supervisor"], 2031).content.decode()
    assert "2031 年官方节假日安排尚未录入" in html
    assert 'role="alert"' in html
    classes, _ = day_cell(html, dt.date(2031, 10, 2))
    assert "holiday" in classes
    html = get(client, demo_accounts["supervisor"], 2031, language="en").content.decode()
    assert "The official calendar for 2031 has not been entered." in html


def test_a_year_entered_in_the_table_has_no_banner_and_shows_its_days(client, demo_accounts):
    CalendarDay.objects.create(date=dt.date(2027, 2, 8), kind="holiday", name="春节")
    CalendarDay.objects.create(date=dt.date(2027, 2, 20), kind="workday", name="春节")
    html = get(client, demo_accounts["district-kunshan"], 2027).content.decode()
    assert "尚未录入" not in html
    assert "按日历表中录入的节假日安排" in html
    classes, _ = day_cell(html, dt.date(2027, 2, 20))
    assert "makeup" in classes


def test_the_admin_link_only_for_those_who_may_enter_days(client, demo_accounts):
    admin_link = reverse("admin:workdays_calendarday_changelist") + "?year=2031"
    assert admin_link not in get(client, demo_accounts["liaison-commerce"], 2031).content.decode()
    assert admin_link in get(client, demo_accounts["admin"], 2031).content.decode()


def test_years_out_of_range_are_not_found(client, demo_accounts):
    assert get(client, demo_accounts["leader"], 1899).status_code == 404
    assert get(client, demo_accounts["leader"], 2200).status_code == 404


def test_the_page_reads_the_table_once(client, demo_accounts, django_assert_max_num_queries):
    client.force_login(demo_accounts["leader"])
    with django_assert_max_num_queries(8):  # session, user, notifications badge, the calendar table
        assert client.get("/calendar/2031/").status_code == 200


def test_admin_filters_by_year_and_kind(client, demo_accounts):
    CalendarDay.objects.create(date=dt.date(2027, 2, 8), kind="holiday", name="春节")
    CalendarDay.objects.create(date=dt.date(2027, 2, 20), kind="workday", name="春节")
    CalendarDay.objects.create(date=dt.date(2031, 3, 14), kind="holiday", name="本地放假", local=True)
    client.force_login(demo_accounts["admin"])
    url = reverse("admin:workdays_calendarday_changelist")
    html = client.get(url).content.decode()
    assert "?year=2027" in html and "?year=2031" in html and "kind__exact=workday" in html
    response = client.get(url, {"year": "2027", "kind__exact": "holiday"})
    assert [day.date for day in response.context["cl"].result_list] == [dt.date(2027, 2, 8)]
    response = client.get(url, {"year": "2031"})
    assert [day.name for day in response.context["cl"].result_list] == ["本地放假"]
    day = CalendarDay.objects.get(date=dt.date(2027, 2, 8))
    assert client.get(reverse("admin:workdays_calendarday_history", args=[day.pk])).status_code == 200
