"""A fake 企业微信 + 钉钉 server for the tests: http.server in a thread on 127.0.0.1, a free port.

It speaks both protocols (by path), issues tokens, checks them, records every request, and can be
told to answer the next sends with a canned errcode, to let a token expire after N uses, to name
invalid users, or to hang.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WECOM_TOKEN = "/cgi-bin/gettoken"
WECOM_SEND = "/cgi-bin/message/send"
DING_TOKEN = "/gettoken"
DING_SEND = "/topapi/message/corpconversation/asyncsend_v2"

WECOM_CREDENTIALS = {"corpid": "ww-corp", "corpsecret": "wecom-secret-xyz"}
DING_CREDENTIALS = {"appkey": "ding-key", "appsecret": "ding-secret-xyz"}


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    body: dict | None


class FakeVendor:
    def __init__(self):
        self.received: list[Received] = []
        self.expires_in = 7200
        self.token_uses: int | None = None  # a token is declared expired after this many sends
        self.ding_expired_answer = {
            "errcode": 88,
            "sub_code": "42001",
            "sub_msg": "access_token超时",
            "errmsg": "ding talk error[subcode=42001,submsg=access_token超时]",
        }
        self.send_answers: list[dict] = []  # canned answers for the next sends, first first
        self.invalid_users: set[str] = set()
        self.unlicensed_users: set[str] = set()
        self.hang_sends = False
        self._tokens: dict[str, int] = {}  # token -> sends made with it
        self._issued = 0
        self._lock = threading.Lock()
        self._release = threading.Event()
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                vendor._handle(self, None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                vendor._handle(self, json.loads(raw.decode("utf-8")) if raw else None)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests read -------------------------------------------------------------------
    def requests_to(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    # --- protocol --------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, body: dict | None):
        parts = urlsplit(handler.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        with self._lock:
            self.received.append(Received(handler.command, parts.path, query, body))
        if parts.path in (WECOM_SEND, DING_SEND) and self.hang_sends:
            self._release.wait(30)
            return
        status, answer = self._answer(parts.path, handler.command, query, body)
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _issue(self) -> dict:
        with self._lock:
            self._issued += 1
            token = f"token-{self._issued}"
            self._tokens[token] = 0
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.expires_in}

    def _answer(self, path, method, query, body):
        wecom = path.startswith("/cgi-bin/")
        if path == WECOM_TOKEN and method == "GET":
            if {k: query.get(k) for k in WECOM_CREDENTIALS} != WECOM_CREDENTIALS:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            return 200, self._issue()
        if path == DING_TOKEN and method == "GET":
            if {k: query.get(k) for k in DING_CREDENTIALS} != DING_CREDENTIALS:
                return 200, {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
            return 200, self._issue()
        if path not in (WECOM_SEND, DING_SEND) or method != "POST":
            return 404, {"errcode": 404, "errmsg": "not found"}
        token = query.get("access_token", "")
        with self._lock:
            uses = self._tokens.get(token)
            if uses is not None and self.token_uses is not None and uses >= self.token_uses:
                del self._tokens[token]
                uses = None
                expired = True
            else:
                expired = False
            if uses is not None:
                self._tokens[token] = uses + 1
            canned = self.send_answers.pop(0) if self.send_answers and uses is not None else None
        if uses is None:
            if wecom:
                return 200, (
                    {"errcode": 42001, "errmsg": "access_token expired"}
                    if expired
                    else {"errcode": 40014, "errmsg": "invalid access_token"}
                )
            return 200, (
                self.ding_expired_answer
                if expired
                else {
                    "errcode": 88,
                    "sub_code": "40014",
                    "sub_msg": "不合法的access_token",
                    "errmsg": "ding talk error",
                }
            )
        if canned is not None:
            canned = dict(canned)
            return canned.pop("_status", 200), canned
        if wecom:
            people = body["touser"].split("|")
            invalid = [p for p in people if p in self.invalid_users]
            unlicensed = [p for p in people if p in self.unlicensed_users]
            if len(invalid) == len(people):
                return 200, {
                    "errcode": 81013,
                    "errmsg": "user & party & tag all invalid",
                    "invaliduser": "|".join(invalid),
                }
            return 200, {
                "errcode": 0,
                "errmsg": "ok",
                "invaliduser": "|".join(invalid),
                "unlicenseduser": "|".join(unlicensed),
                "msgid": f"msg-{len(self.received)}",
            }
        return 200, {"errcode": 0, "errmsg": "ok", "task_id": 1000 + len(self.received), "request_id": "r1"}


class SilentServer:
    """Accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(connection)

    def close(self):
        self._stop = True
        self._thread.join(2)
        for connection in self.accepted:
            connection.close()
        self.sock.close()


def closed_port_url() -> str:
    """The address of a port nobody listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class TrickleServer(SilentServer):
    """Answers every request at once with headers, then one byte of the body every 0.2 s."""

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(connection)
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection):
        try:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                if self._stop:
                    return
                connection.sendall(b" ")
                time.sleep(0.2)
        except OSError:
            return
