"""The one place that speaks HTTP: a JSON request with a bounded wait, and a JSON answer or a failure.

Standard library ``urllib`` on purpose: the two vendor APIs need GET and POST of small JSON bodies and
nothing more, the project already delivers its webhooks with urllib (tasks_app.reminders), and a new
HTTP dependency would be one more package to pin and audit for no gain. urllib honours the usual
HTTPS_PROXY / NO_PROXY variables, which government networks with an egress proxy need.

Timeouts: every socket operation (connect, each read) waits at most ``timeout`` seconds, and reading
the body stops at an overall deadline of ``timeout`` seconds from the start of the request. A server
that accepts the connection and never answers therefore costs about ``timeout`` seconds, never more
than a few times it.

URLs carry secrets (corpsecret, appsecret, access_token in the query): nothing here puts a URL in an
error message or a log line.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request

MAX_ANSWER_BYTES = 1024 * 1024


class Unavailable(Exception):
    """The server could not be reached or did not answer usefully: worth trying again later."""


class Rejected(Exception):
    """The server answered with an HTTP error that a retry will not cure (e.g. 404: wrong base URL)."""


def request_json(method: str, url: str, payload: dict | None, timeout: float) -> dict:
    """Send ``payload`` as JSON (if given) and return the JSON object answered.

    Raises Unavailable (connection refused or reset, timeout, HTTP 408/429/5xx, an answer that is
    not JSON) or Rejected (any other HTTP error status).
    """
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("only http(s) URLs are allowed")  # settings are checked earlier; a programming error
    data = None
    headers = {"Accept": "application/json"}
    if payload is not None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - scheme checked
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            body = _read_until(response, deadline)
    except urllib.error.HTTPError as error:
        if error.code in (408, 429) or error.code >= 500:
            raise Unavailable(f"HTTP {error.code}") from None
        raise Rejected(f"HTTP {error.code}") from None
    except TimeoutError:
        raise Unavailable(f"no answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise Unavailable(f"no answer within {timeout:g} s") from None
        raise Unavailable(f"cannot connect: {_describe(reason)}") from None
    except (OSError, http.client.HTTPException) as error:
        raise Unavailable(f"connection failed: {_describe(error)}") from None
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Unavailable("the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise Unavailable("the answer is not a JSON object")
    return answer


def _read_until(response, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise Unavailable("the answer is too large")
        chunks.append(chunk)


def _describe(error: object) -> str:
    # The class name and the OS message only: some exceptions carry the host, never the query.
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__
