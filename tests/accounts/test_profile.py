"""Profile: contacts, language (applied when saved and at sign-in), notification preferences per
channel with role defaults, and accounts.selectors.channel_preference for the reminders."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Profile
from accounts.selectors import channel_preference, channel_preferences

PASSWORD = "cbec-demo-2026"
CHANNELS = ["email", "wecom", "dingtalk", "in_app"]


def form_data(**overrides):
    data = {
        "phone": "",
        "wecom_userid": "",
        "dingtalk_userid": "",
        "language": "",
        "notify_email": "immediate",
        "notify_wecom": "immediate",
        "notify_dingtalk": "immediate",
        "notify_in_app": "immediate",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("username", "email_default"),
    [("supervisor", "daily"), ("leader", "daily"), ("liaison-customs", "immediate"), ("district-sip", "immediate")],
)
def test_role_defaults(demo_accounts, username, email_default):
    user = demo_accounts[username]
    assert channel_preference(user, "email") == email_default
    for channel in ("wecom", "dingtalk", "in_app"):
        assert channel_preference(user, channel) == "immediate"


def test_unknown_channel_is_an_error(demo_accounts):
    with pytest.raises(ValueError, match="unknown notification channel"):
        channel_preference(demo_accounts["leader"], "fax")


def test_saved_preferences_are_what_the_reminders_read(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    page = client.get("/accounts/")
    assert page.status_code == 200
    assert page.context["form"]["notify_email"].value() == "daily"
    response = client.post(
        "/accounts/",
        form_data(phone="+86 512-6522 0000", wecom_userid="ZhangWei", dingtalk_userid="zw-001",
                  notify_email="off", notify_wecom="daily", notify_in_app="immediate"),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=demo_accounts["supervisor"])
    assert (profile.phone, profile.wecom_userid, profile.dingtalk_userid) == ("+86 512-6522 0000", "ZhangWei", "zw-001")
    user = demo_accounts["supervisor"]
    assert [channel_preference(user, c) for c in CHANNELS] == ["off", "daily", "immediate", "immediate"]
    ids = [user.pk, demo_accounts["leader"].pk, demo_accounts["liaison-tax"].pk]
    assert channel_preferences(ids, "email") == {ids[0]: "off", ids[1]: "daily", ids[2]: "immediate"}
    assert channel_preferences(ids, "wecom") == {ids[0]: "daily", ids[1]: "immediate", ids[2]: "immediate"}


def test_a_choice_equal_to_the_default_follows_the_role(demo_accounts):
    from django.contrib.auth.models import Group

    user = demo_accounts["liaison-tax"]
    client = Client()
    client.force_login(user)
    client.post("/accounts/", form_data())
    assert Profile.objects.get(user=user).notify_email == ""
    user.groups.add(Group.objects.get(name="supervision-office"))
    assert channel_preference(user, "email") == "daily"


def test_bad_phone_is_refused_with_the_field_error(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["liaison-tax"])
    response = client.post("/accounts/", form_data(phone="call me"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Profile.objects.filter(user=demo_accounts["liaison-tax"]).exclude(phone="").exists()


def test_language_applies_when_saved_and_at_the_next_sign_in(demo_accounts):
    client = Client()
    client.post("/accounts/login/", {"username": "district-sip", "password": PASSWORD})
    assert "Today" not in client.get("/").content.decode()  # Chinese by default
    response = client.post("/accounts/", form_data(language="en"))
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Your profile has been saved." in client.get("/accounts/").content.decode()

    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "district-sip", "password": PASSWORD})
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Today" in fresh.get("/").content.decode()


def test_pages_are_chinese_by_default(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["district-sip"])
    for path, text in [("/accounts/", "通知"), ("/accounts/password/", "修改密码"), ("/accounts/security/", "令牌")]:
        assert text in client.get(path).content.decode()
    assert 'href="/accounts/"' in client.get("/").content.decode()  # "my account" in the header


def test_account_pages_require_sign_in(suzhou_plan):
    for path in ["/accounts/", "/accounts/password/", "/accounts/security/"]:
        assert Client().get(path)["Location"].startswith("/accounts/login/")


def test_local_password_change_applies_the_validators(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["liaison-tax"])
    for weak in ["short1", "1234567890123", "password1234", "liaison-tax1"]:
        response = client.post(
            "/accounts/password/", {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        assert response.status_code == 200, weak
        assert response.context["form"].errors["new_password2"], weak
    demo_accounts["liaison-tax"].refresh_from_db()
    assert demo_accounts["liaison-tax"].check_password(PASSWORD)


def test_demo_password_passes_the_validators(demo_accounts):
    for user in demo_accounts.values():
        validate_password(PASSWORD, user)
    with pytest.raises(ValidationError):
        validate_password("short", demo_accounts["admin"])


def test_lockout_page_says_when_to_try_again_in_chinese(demo_accounts, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "leader", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert "可于" in text and "后重试" in text
    assert "约 30 分钟" in text
