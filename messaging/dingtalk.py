"""钉钉 (DingTalk) work notifications (工作通知) to individual members, through the oapi endpoints.

Token:  GET  {base}/gettoken?appkey=…&appsecret=…  → {errcode, errmsg, access_token, expires_in}
Send:   POST {base}/topapi/message/corpconversation/asyncsend_v2?access_token=…
        {agent_id, userid_list: "a,b", msg: {msgtype: "markdown", markdown: {title, text}}}
        → {errcode, errmsg, task_id, request_id}

The errcodes handled, from 钉钉's server error code list (服务端错误码):

* 0 — accepted; `task_id` kept in SendResult.message_ids. The send is asynchronous: unknown user
  ids are not reported here (only later by …/corpconversation/getsendresult, which this module
  does not call), so failed_users stays empty on success.
* 88 (鉴权异常) is a wrapper: the real reason is in `sub_code` (also written as "subcode=…" in
  errmsg). sub_code 40014 (不合法的access_token) / 42001 (access_token超时) / 40001, or no
  sub_code at all → the token is refreshed once and the send tried once more; if 88 comes back
  with the fresh token it is reported as temporary. 88 with a flow-control sub_code (-1, 900xx)
  → temporary. 88 with any other sub_code (e.g. 60011 没有调用该接口的权限) → permanent: a new
  token does not grant a permission.
* 40014, 42001 as plain errcodes (older answers) → one token refresh and retry.
* -1 (系统繁忙) and the 900xx flow-control family (90002 当前接口的调用被暂时禁用 / 频率超限,
  90018 调用频率/并发超过限制, 90001, 90005, 90006 …) → temporary, retry later.
  Exception: 90020 (the organisation's monthly API quota is used up) → permanent: it lasts until
  the next month or a plan upgrade, beyond any retry schedule.
* Everything else is permanent with errcode and errmsg, e.g. 40089 (wrong appkey/appsecret, on
  the token request), 40035 (invalid parameter), 60020 (server IP not in the app's whitelist).

Limits respected: at most 100 recipients per request (more are sent in batches). 钉钉 silently
drops a message whose content is identical to one the same person received the same day from the
same app: callers that remind daily should vary the text (e.g. include the date).
"""

from __future__ import annotations

import re

from .base import Accepted, Channel, Failure, TokenInvalid, errcode_of, expires_in_of, vendor_error

WRAPPER = 88
TOKEN_INVALID = {40014, 42001, 40001}
QUOTA_USED_UP = 90020


def _temporary(code: int | None) -> bool:
    return code == -1 or (code is not None and 90000 <= code <= 90999 and code != QUOTA_USED_UP)


def _sub_code(answer: dict) -> int | None:
    raw = answer.get("sub_code")
    if raw in (None, ""):
        found = re.search(r"subcode=(-?\d+)", str(answer.get("errmsg", "")))
        raw = found.group(1) if found else None
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _error(answer: dict) -> str:
    text = vendor_error(answer)
    if answer.get("sub_code") not in (None, ""):
        text += f" (sub_code {answer.get('sub_code')}: {str(answer.get('sub_msg', ''))[:200]})"
    return text


class DingTalk(Channel):
    name = "dingtalk"
    settings_key = "DINGTALK"
    required = ("BASE_URL", "APP_KEY", "APP_SECRET", "AGENT_ID")
    batch_size = 100

    def valid_user_id(self, user_id: str) -> bool:
        return 0 < len(user_id) <= 64 and "," not in user_id and user_id.strip() == user_id

    def token_request(self) -> str:
        config = self.config()
        return self.url("/gettoken", appkey=config["APP_KEY"], appsecret=config["APP_SECRET"])

    def read_token(self, answer: dict) -> tuple[str, int]:
        code = errcode_of(answer)
        if code == 0 and answer.get("access_token"):
            return str(answer["access_token"]), expires_in_of(answer)
        temporary = _temporary(code) or (code == WRAPPER and _temporary(_sub_code(answer)))
        raise Failure(f"access token: {_error(answer)}", temporary=temporary, concerns_all=True)

    def send_request(self, token: str, user_ids: list[str], title: str, text: str, msgtype: str) -> tuple[str, dict]:
        config = self.config()
        if msgtype == "markdown":
            # The title is what the notification list and the lock screen show; repeated on top of the text.
            shown = f"#### {title}\n\n{text}" if title else text
            msg = {"msgtype": "markdown", "markdown": {"title": title or text[:30], "text": shown}}
        else:
            msg = {"msgtype": "text", "text": {"content": f"{title}\n{text}" if title else text}}
        body = {"agent_id": int(config["AGENT_ID"]), "userid_list": ",".join(user_ids), "msg": msg}
        return self.url("/topapi/message/corpconversation/asyncsend_v2", access_token=token), body

    def read_send(self, answer: dict, user_ids: list[str]) -> Accepted:
        code = errcode_of(answer)
        if code == 0:
            return Accepted(failed_users=[], message_id=str(answer.get("task_id", "")))
        if code in TOKEN_INVALID:
            raise TokenInvalid(_error(answer))
        if code == WRAPPER:
            sub = _sub_code(answer)
            if sub is None or sub in TOKEN_INVALID:
                raise TokenInvalid(_error(answer))
            raise Failure(_error(answer), temporary=_temporary(sub))
        raise Failure(_error(answer), temporary=_temporary(code))
