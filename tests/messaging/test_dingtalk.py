"""钉钉 work notifications against the fake vendor: what goes over the wire, and each errcode."""

import pytest

from messaging import DINGTALK, send_to_people

from .fake_vendor import DING_CREDENTIALS, DING_SEND, DING_TOKEN


def test_markdown_notification_request_and_result(configured, vendor):
    result = send_to_people(DINGTALK, ["manager01", "liaison07"], "Report overdue", "November report missing")

    assert result.ok and not result.temporary and result.failed_users == [] and result.error == ""
    token_request, send = vendor.received
    assert (token_request.method, token_request.path, token_request.query) == ("GET", DING_TOKEN, DING_CREDENTIALS)
    assert (send.method, send.path, send.query) == ("POST", DING_SEND, {"access_token": "token-1"})
    assert send.body == {
        "agent_id": 2000003,
        "userid_list": "manager01,liaison07",
        "msg": {
            "msgtype": "markdown",
            "markdown": {"title": "Report overdue", "text": "#### Report overdue\n\nNovember report missing"},
        },
    }
    assert result.message_ids == ["1002"]


def test_token_fetched_once_for_several_messages(configured, vendor):
    for n in range(3):
        assert send_to_people(DINGTALK, ["manager01"], "t", f"message {n}").ok
    assert len(vendor.requests_to(DING_TOKEN)) == 1
    assert len(vendor.requests_to(DING_SEND)) == 3


@pytest.mark.parametrize(
    "expired_answer",
    [
        {"errcode": 88, "sub_code": "42001", "sub_msg": "access_token超时", "errmsg": "ding talk error"},
        {"errcode": 88, "errmsg": "ding talk error[subcode=40014,submsg=不合法的access_token]"},
        {"errcode": 88, "errmsg": "鉴权异常"},
        {"errcode": 42001, "errmsg": "access_token超时"},
    ],
    ids=["88-sub_code", "88-subcode-in-errmsg", "88-bare", "plain-42001"],
)
def test_token_declared_expired_is_refreshed_once(configured, vendor, expired_answer):
    vendor.token_uses = 1
    vendor.ding_expired_answer = expired_answer

    assert send_to_people(DINGTALK, ["manager01"], "t", "first").ok
    assert send_to_people(DINGTALK, ["manager01"], "t", "second").ok

    assert len(vendor.requests_to(DING_TOKEN)) == 2
    sends = vendor.requests_to(DING_SEND)
    assert [r.query["access_token"] for r in sends] == ["token-1", "token-1", "token-2"]
    assert sends[1].body == sends[2].body


def test_88_again_after_refresh_is_temporary(configured, vendor):
    vendor.send_answers = [{"errcode": 88, "errmsg": "鉴权异常"}, {"errcode": 88, "errmsg": "鉴权异常"}]
    result = send_to_people(DINGTALK, ["manager01"], "t", "x")
    assert not result.ok and result.temporary
    assert len(vendor.requests_to(DING_TOKEN)) == 2 and len(vendor.requests_to(DING_SEND)) == 2


@pytest.mark.parametrize(
    "answer",
    [
        {"errcode": 90018, "errmsg": "频率超限"},
        {"errcode": 90002, "errmsg": "接口调用被暂时禁用"},
        {"errcode": -1, "errmsg": "系统繁忙"},
        {"errcode": 88, "sub_code": "90018", "sub_msg": "频率超限", "errmsg": "ding talk error"},
    ],
)
def test_rate_and_busy_codes_are_temporary(configured, vendor, answer):
    vendor.send_answers = [answer]
    result = send_to_people(DINGTALK, ["manager01", "liaison07"], "t", "x")
    assert not result.ok and result.temporary
    assert f"errcode {answer['errcode']}" in result.error
    assert result.failed_users == ["manager01", "liaison07"]
    assert len(vendor.requests_to(DING_TOKEN)) == 1


def test_permission_problem_under_88_is_permanent_without_refresh(configured, vendor):
    vendor.send_answers = [{"errcode": 88, "sub_code": "60011", "sub_msg": "没有调用该接口的权限", "errmsg": "x"}]
    result = send_to_people(DINGTALK, ["manager01"], "t", "x")
    assert not result.ok and not result.temporary
    assert "60011" in result.error and "没有调用该接口的权限" in result.error
    assert len(vendor.requests_to(DING_TOKEN)) == 1


@pytest.mark.parametrize("code", [90020, 40035])
def test_quota_used_up_and_other_codes_are_permanent(configured, vendor, code):
    vendor.send_answers = [{"errcode": code, "errmsg": "no"}]
    result = send_to_people(DINGTALK, ["manager01"], "t", "x")
    assert not result.ok and not result.temporary
    assert result.error == f"errcode {code}: no"


def test_wrong_app_secret_is_permanent(configured, vendor, settings):
    settings.MESSAGING["DINGTALK"]["APP_SECRET"] = "not-the-secret-456"
    result = send_to_people(DINGTALK, ["manager01"], "t", "x")
    assert not result.ok and not result.temporary
    assert "40089" in result.error and "not-the-secret-456" not in result.error
    assert vendor.requests_to(DING_SEND) == []


def test_comma_in_a_user_id_is_refused(configured, vendor):
    result = send_to_people(DINGTALK, ["manager01", "a,b"], "t", "x")
    assert result.ok and result.failed_users == ["a,b"]
    assert vendor.requests_to(DING_SEND)[0].body["userid_list"] == "manager01"


def test_batches_of_100(configured, vendor):
    people = [f"d{n}" for n in range(250)]
    assert send_to_people(DINGTALK, people, "t", "x").ok
    assert [len(r.body["userid_list"].split(",")) for r in vendor.requests_to(DING_SEND)] == [100, 100, 50]


def test_text_message(configured, vendor):
    assert send_to_people(DINGTALK, ["manager01"], "Title", "body", msgtype="text").ok
    assert vendor.requests_to(DING_SEND)[0].body["msg"] == {"msgtype": "text", "text": {"content": "Title\nbody"}}
