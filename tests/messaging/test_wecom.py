"""企业微信 application messages against the fake vendor: what goes over the wire, and each errcode."""

import time

import pytest

from messaging import WECOM, send_to_people

from .fake_vendor import WECOM_CREDENTIALS, WECOM_SEND, WECOM_TOKEN


def test_markdown_message_request_and_result(configured, vendor):
    result = send_to_people(WECOM, ["zhangsan", "lisi"], "Milestone due in 7 days", "**1.2** 海外仓 — due 2026-12-05")

    assert result.ok and not result.temporary
    assert result.failed_users == [] and result.error == ""
    token_request, send = vendor.received
    assert (token_request.method, token_request.path) == ("GET", WECOM_TOKEN)
    assert token_request.query == WECOM_CREDENTIALS
    assert (send.method, send.path, send.query) == ("POST", WECOM_SEND, {"access_token": "token-1"})
    assert send.body["touser"] == "zhangsan|lisi"
    assert send.body["msgtype"] == "markdown"
    assert send.body["agentid"] == 1000002
    assert send.body["markdown"] == {"content": "**Milestone due in 7 days**\n**1.2** 海外仓 — due 2026-12-05"}
    assert send.body["enable_duplicate_check"] == 1
    assert result.message_ids == ["msg-2"]


def test_text_message(configured, vendor):
    assert send_to_people(WECOM, ["zhangsan"], "Title", "body", msgtype="text").ok
    body = vendor.requests_to(WECOM_SEND)[0].body
    assert body["msgtype"] == "text"
    assert body["text"] == {"content": "Title\nbody"}
    assert "markdown" not in body


def test_token_fetched_once_for_several_messages(configured, vendor):
    for n in range(4):
        assert send_to_people(WECOM, [f"user{n}"], "t", "x").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 1
    assert [r.query["access_token"] for r in vendor.requests_to(WECOM_SEND)] == ["token-1"] * 4


def test_token_declared_expired_is_refreshed_once_and_the_message_sent(configured, vendor):
    vendor.token_uses = 2

    results = [send_to_people(WECOM, ["zhangsan"], "t", f"message {n}") for n in range(3)]

    assert all(r.ok for r in results)
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2
    sends = vendor.requests_to(WECOM_SEND)
    assert [r.query["access_token"] for r in sends] == ["token-1", "token-1", "token-1", "token-2"]
    # The third message was sent again, unchanged, with the new token.
    assert sends[2].body == sends[3].body
    assert "message 2" in sends[3].body["markdown"]["content"]
    # The new token is the cached one from now on.
    assert send_to_people(WECOM, ["zhangsan"], "t", "message 4").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2


@pytest.mark.parametrize("code", [40014, 40001, 42001])
def test_each_token_code_leads_to_one_refresh(configured, vendor, code):
    vendor.send_answers = [{"errcode": code, "errmsg": "token problem"}]
    assert send_to_people(WECOM, ["zhangsan"], "t", "x").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2
    assert [r.query["access_token"] for r in vendor.requests_to(WECOM_SEND)] == ["token-1", "token-2"]


def test_token_refused_again_after_refresh_is_temporary_and_not_a_loop(configured, vendor):
    vendor.send_answers = [{"errcode": 42001, "errmsg": "expired"}, {"errcode": 42001, "errmsg": "expired"}]
    result = send_to_people(WECOM, ["zhangsan"], "t", "x")
    assert not result.ok and result.temporary
    assert "42001" in result.error
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2
    assert len(vendor.requests_to(WECOM_SEND)) == 2


@pytest.mark.parametrize("code", [45009, 45033, -1])
def test_rate_limit_and_busy_are_temporary(configured, vendor, code):
    vendor.send_answers = [{"errcode": code, "errmsg": "slow down"}]
    result = send_to_people(WECOM, ["zhangsan", "lisi"], "t", "x")
    assert not result.ok and result.temporary
    assert f"errcode {code}: slow down" in result.error
    assert result.failed_users == ["zhangsan", "lisi"]
    assert len(vendor.requests_to(WECOM_TOKEN)) == 1  # no token refresh for these


def test_other_errcode_is_permanent_with_code_and_message(configured, vendor):
    vendor.send_answers = [{"errcode": 60020, "errmsg": "not allow to access from your ip"}]
    result = send_to_people(WECOM, ["zhangsan"], "t", "x")
    assert not result.ok and not result.temporary
    assert result.error == "errcode 60020: not allow to access from your ip"
    assert result.failed_users == ["zhangsan"]


def test_invalid_and_unlicensed_users_are_per_user_failures(configured, vendor):
    vendor.invalid_users = {"ghost"}
    vendor.unlicensed_users = {"newcomer"}
    result = send_to_people(WECOM, ["zhangsan", "ghost", "newcomer"], "t", "x")
    assert result.ok  # the message reached zhangsan
    assert result.failed_users == ["ghost", "newcomer"]
    assert "ghost" in result.error


def test_all_users_invalid_is_a_permanent_failure(configured, vendor):
    vendor.invalid_users = {"ghost", "phantom"}
    result = send_to_people(WECOM, ["ghost", "phantom"], "t", "x")
    assert not result.ok and not result.temporary
    assert "81013" in result.error
    assert result.failed_users == ["ghost", "phantom"]


def test_wrong_secret_is_permanent_and_nothing_is_sent(configured, vendor, settings):
    settings.MESSAGING["WECOM"]["SECRET"] = "wrong-secret-123"
    result = send_to_people(WECOM, ["zhangsan"], "t", "x")
    assert not result.ok and not result.temporary
    assert "40001" in result.error
    assert "wrong-secret-123" not in result.error
    assert vendor.requests_to(WECOM_SEND) == []


def test_user_ids_that_would_reach_others_are_refused_without_sending(configured, vendor):
    result = send_to_people(WECOM, ["@all", "a|b", ""], "t", "x")
    assert not result.ok and not result.temporary
    assert result.failed_users == ["@all", "a|b", ""]
    assert vendor.received == []

    result = send_to_people(WECOM, ["zhangsan", "@ALL"], "t", "x")
    assert result.ok and result.failed_users == ["@ALL"]
    assert vendor.requests_to(WECOM_SEND)[0].body["touser"] == "zhangsan"


def test_more_than_1000_people_go_in_batches(configured, vendor):
    people = [f"u{n}" for n in range(1001)]
    result = send_to_people(WECOM, [*people, "u0"], "t", "x")
    assert result.ok and result.failed_users == []
    sends = vendor.requests_to(WECOM_SEND)
    assert [len(r.body["touser"].split("|")) for r in sends] == [1000, 1]
    assert len(result.message_ids) == 2


def test_temporary_failure_stops_the_remaining_batches(configured, vendor):
    vendor.send_answers = [{"errcode": 45009, "errmsg": "limit"}]
    people = [f"u{n}" for n in range(1500)]
    result = send_to_people(WECOM, people, "t", "x")
    assert not result.ok and result.temporary
    assert result.failed_users == people
    assert len(vendor.requests_to(WECOM_SEND)) == 1


def test_content_cut_to_2048_bytes(configured, vendor):
    assert send_to_people(WECOM, ["zhangsan"], "标题", "跨境电商" * 400).ok
    content = vendor.requests_to(WECOM_SEND)[0].body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 2048
    assert content.endswith("…") and content.startswith("**标题**")


def test_http_error_of_a_proxy(configured, vendor):
    vendor.send_answers = [{"_status": 502, "errmsg": "bad gateway"}]
    assert send_to_people(WECOM, ["zhangsan"], "t", "x").temporary
    vendor.send_answers = [{"_status": 403, "errmsg": "forbidden"}]
    result = send_to_people(WECOM, ["zhangsan"], "t", "x")
    assert not result.ok and not result.temporary and result.error == "HTTP 403"


def test_token_kept_until_expires_in_minus_margin(configured, vendor, monkeypatch):
    # With a margin of 1 s, a token that expires in 3 s is used for 2 s; then a new one is fetched.
    monkeypatch.setattr("messaging.base.TOKEN_MARGIN_SECONDS", 1)
    vendor.expires_in = 3
    assert send_to_people(WECOM, ["zhangsan"], "t", "x").ok
    time.sleep(1.2)
    assert send_to_people(WECOM, ["zhangsan"], "t", "y").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 1
    time.sleep(1.0)
    assert send_to_people(WECOM, ["zhangsan"], "t", "z").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2
    assert vendor.requests_to(WECOM_SEND)[-1].query["access_token"] == "token-2"


def test_short_lived_token_used_for_half_its_life(configured, vendor):
    vendor.expires_in = 2  # shorter than twice the 300 s margin: used for 1 s
    assert send_to_people(WECOM, ["zhangsan"], "t", "x").ok
    assert send_to_people(WECOM, ["zhangsan"], "t", "y").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 1
    time.sleep(1.2)
    assert send_to_people(WECOM, ["zhangsan"], "t", "z").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2
