"""Part 5 of issue 20, checked: the password policy (Django's validators) speaks Chinese — including
the minimum length, whose message Django 5.2 renamed and its own Chinese catalogue lacks — and the
stand-in's and office's pages need a signed-in account."""

import pytest
from django.test import Client
from django.urls import reverse

PASSWORD = "cbec-demo-2026"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ab3-xyz", "密码太短,至少需要 10 个字符。"),
        ("1234567890123", "密码只包含数字。"),
        ("password1234", "这个密码太常见了。"),
        ("liaison-amr-1", "密码跟 用户名 太相似了。"),
    ],
)
def test_the_password_policy_in_chinese(demo_accounts, new, message):
    client = Client()
    client.force_login(demo_accounts["liaison-amr"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password2"]
    demo_accounts["liaison-amr"].refresh_from_db()
    assert demo_accounts["liaison-amr"].check_password(PASSWORD)


@pytest.mark.parametrize("path", ["/accounts/members/", "/accounts/stand-ins/"])
def test_signed_out_visitors_are_sent_to_sign_in(suzhou_plan, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
