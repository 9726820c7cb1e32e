"""Self-service in the browser, in Chinese, at 1366 and 390 px: profile and notification
preferences, the password (Django's validators), and the sessions list that signs another browser out."""

import pytest
from playwright.sync_api import expect

from accounts.models import Profile

from .conftest import ARTIFACTS
from .test_phone import LAYOUT_PROBE, PHONE, SQUEEZED_PX

pytestmark = pytest.mark.django_db(transaction=True)


def _fits_a_phone(page):
    layout = page.evaluate(LAYOUT_PROBE, SQUEEZED_PX)
    assert layout["sideways"] <= 1, layout
    assert layout["narrow"] == [], layout


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, PHONE], ids=["desktop", "phone"])
def test_profile_and_notification_preferences(demo_accounts, page_for, live_server, size):
    page = page_for("district-sip", **size)
    page.goto(f"{live_server.url}/accounts/")
    page.fill("#id_phone", "0512-6868 1234")
    page.fill("#id_wecom_userid", "sip-officer")
    page.select_option("#id_notify_wecom", label="每日汇总")
    page.click("form.stack-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("个人资料已保存")
    profile = Profile.objects.get(user=demo_accounts["district-sip"])
    assert (profile.phone, profile.wecom_userid, profile.notify_wecom) == ("0512-6868 1234", "sip-officer", "daily")
    if size is PHONE:
        _fits_a_phone(page)
    page.screenshot(path=str(ARTIFACTS / f"profile-{size['width']}.png"), full_page=True)

    # A wrong phone number is a field error, nothing saved.
    page.fill("#id_phone", "电话")
    page.click("form.stack-form button[type=submit]")
    # The count does not wait for the answer page; expect() does (the click may return before it loads).
    expect(page.locator(".field-error")).to_have_count(1)
    profile.refresh_from_db()
    assert profile.phone == "0512-6868 1234"


def test_password_policy_and_sessions_on_a_phone(demo_accounts, page_for, live_server):
    laptop = page_for("liaison-amr")
    phone = page_for("liaison-amr", **PHONE)
    phone.goto(f"{live_server.url}/accounts/password/")
    phone.fill("#id_old_password", "cbec-demo-2026")
    phone.fill("#id_new_password1", "liaison-amr")  # like the username
    phone.fill("#id_new_password2", "liaison-amr")
    phone.click("form button[type=submit].button")
    assert "密码跟 用户名 太相似了" in phone.inner_text("main")
    phone.fill("#id_old_password", "cbec-demo-2026")
    phone.fill("#id_new_password1", "20261128")  # short and only digits
    phone.fill("#id_new_password2", "20261128")
    phone.click("form button[type=submit].button")
    errors = phone.inner_text(".field-error >> nth=0") + phone.inner_text("main")
    assert "密码太短,至少需要 10 个字符" in errors and "密码只包含数字" in errors, errors
    _fits_a_phone(phone)

    # The phone lists two sessions and signs the laptop out.
    phone.goto(f"{live_server.url}/accounts/security/")
    assert "当前会话" in phone.inner_text("main")
    _fits_a_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "phone-security.png"), full_page=True)
    phone.click("button:has-text('退出其他所有会话')")
    assert "已退出 1 个其他会话" in phone.inner_text("main")
    laptop.goto(f"{live_server.url}/")
    assert "/accounts/login/" in laptop.url
