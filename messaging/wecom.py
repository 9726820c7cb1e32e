"""企业微信 (WeCom) application messages to individual members.

Token:  GET  {base}/cgi-bin/gettoken?corpid=…&corpsecret=…  → {errcode, errmsg, access_token, expires_in}
Send:   POST {base}/cgi-bin/message/send?access_token=…
        {touser: "a|b", msgtype: "markdown", agentid, markdown: {content}, enable_duplicate_check, …}
        → {errcode, errmsg, invaliduser, unlicenseduser, msgid, …}

The errcodes handled, from 企业微信's global error code list (全局错误码):

* 0 — accepted. The answer may still name people it did not reach: `invaliduser` ("a|b", ids
  that are not members or are outside the app's visible range) and `unlicenseduser` (members
  without an activated account licence, in organisations under the licence regime). Both go to
  SendResult.failed_users; the others got the message.
* 40014 (不合法的access_token), 42001 (access_token已过期), 40001 (不合法的secret / invalid
  credential) on the *send* request — the cached token is no longer good (expired early, the
  secret was reset, the cache held a token of another secret): one new token, one more try. On the
  *token* request 40001 means the secret itself is wrong: permanent.
* -1 (系统繁忙), 45009 (接口调用超过限制), 45033 (接口并发调用超过限制), 45011 (API调用太频繁) —
  the vendor is busy or throttling: temporary, retry later.
* 81013 (UserID、部门ID、标签ID全部非法或无权限) — nobody could be reached: permanent, every
  recipient of the request in failed_users.
* Everything else is permanent, reported with errcode and errmsg, e.g. 40013 (wrong corpid),
  40056 / 301002 (wrong agentid), 48002 (API not permitted for this app), 60020 (the server's IP
  is not among the app's 企业可信IP — a setting to fix in the admin console, not a retry).

Limits respected: at most 1000 recipients per request (more are sent in batches); markdown/text
content at most 2048 bytes (longer is cut at a character boundary with "…"). Duplicate check is on
(30 minutes): a retry after an ambiguous timeout does not give the same person the same message twice.
Markdown application messages are shown in the 企业微信 client only (not in the WeChat plugin).
"""

from __future__ import annotations

from .base import Accepted, Channel, Failure, TokenInvalid, errcode_of, expires_in_of, vendor_error

TOKEN_INVALID = {40014, 42001, 40001}
TEMPORARY = {-1, 45009, 45011, 45033}
ALL_INVALID = 81013
MAX_CONTENT_BYTES = 2048


def fit(text: str, limit: int = MAX_CONTENT_BYTES) -> str:
    """The text cut to at most `limit` UTF-8 bytes, ending in "…" when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode())
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore") + "…"


def _ids(value) -> list[str]:
    return [user_id for user_id in str(value or "").split("|") if user_id]


class WeCom(Channel):
    name = "wecom"
    settings_key = "WECOM"
    required = ("BASE_URL", "CORP_ID", "SECRET", "AGENT_ID")
    batch_size = 1000

    def valid_user_id(self, user_id: str) -> bool:
        # "@all" would message the whole organisation; "|" would split one id into several.
        return 0 < len(user_id.encode("utf-8")) <= 64 and "|" not in user_id and user_id.strip().lower() != "@all"

    def token_request(self) -> str:
        config = self.config()
        return self.url("/cgi-bin/gettoken", corpid=config["CORP_ID"], corpsecret=config["SECRET"])

    def read_token(self, answer: dict) -> tuple[str, int]:
        code = errcode_of(answer)
        if code == 0 and answer.get("access_token"):
            return str(answer["access_token"]), expires_in_of(answer)
        temporary = code in TEMPORARY
        raise Failure(f"access token: {vendor_error(answer)}", temporary=temporary, concerns_all=True)

    def send_request(self, token: str, user_ids: list[str], title: str, text: str, msgtype: str) -> tuple[str, dict]:
        config = self.config()
        if msgtype == "markdown":
            message = {"markdown": {"content": fit(f"**{title}**\n{text}" if title else text)}}
        else:
            message = {"text": {"content": fit(f"{title}\n{text}" if title else text)}}
        body = {
            "touser": "|".join(user_ids),
            "msgtype": msgtype,
            "agentid": int(config["AGENT_ID"]),
            **message,
            "safe": 0,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        }
        return self.url("/cgi-bin/message/send", access_token=token), body

    def read_send(self, answer: dict, user_ids: list[str]) -> Accepted:
        code = errcode_of(answer)
        not_reached = list(dict.fromkeys(_ids(answer.get("invaliduser")) + _ids(answer.get("unlicenseduser"))))
        if code == 0:
            return Accepted(failed_users=not_reached, message_id=str(answer.get("msgid", "")))
        if code in TOKEN_INVALID:
            raise TokenInvalid(vendor_error(answer))
        if code in TEMPORARY:
            raise Failure(vendor_error(answer), temporary=True)
        if code == ALL_INVALID:
            raise Failure(vendor_error(answer), temporary=False, failed_users=list(user_ids))
        raise Failure(vendor_error(answer), temporary=False)
