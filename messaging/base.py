"""What the two channels share: the result type, their settings, the access-token cache, and the
send loop (batches, one token refresh, classification of the vendor's errcode).

Nothing here touches the database. Exceptions are raised only for programming errors (an unknown
channel, user ids that are not strings); every failure of the network or of the vendor is a
SendResult.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches

from . import http

logger = logging.getLogger("messaging")

# A token is used until this many seconds before the vendor says it expires (both vendors issue
# tokens of 7200 s). Shorter-lived tokens are used for half their life.
TOKEN_MARGIN_SECONDS = 300


@dataclass
class SendResult:
    """The outcome of one send_to_people call.

    ok: every batch was accepted by the vendor (some people may still be in failed_users, e.g.
        an unknown user id that 企业微信 names in `invaliduser`).
    temporary: the failure may go away (network, timeout, rate limit, vendor busy): send to
        failed_users again later. False for failures a retry will not cure (wrong secret,
        no permission, unknown user ...).
    error: what went wrong, for the log and the delivery record ("" when ok and nobody failed).
        Never contains a secret or an access token.
    failed_users: the people the message did not reach, as far as the vendor says at send time.
    message_ids: the vendor's ids of the accepted sends (企业微信 msgid, 钉钉 task_id).
    """

    ok: bool
    temporary: bool = False
    error: str = ""
    failed_users: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)


class Failure(Exception):
    """Internal: one request failed; turned into a SendResult by the send loop."""

    def __init__(
        self, error: str, *, temporary: bool, failed_users: list[str] | None = None, concerns_all: bool = False
    ):
        super().__init__(error)
        self.error = error
        self.temporary = temporary
        self.failed_users = failed_users
        # No token, or the vendor is unreachable or busy: the remaining batches are not tried.
        self.concerns_all = concerns_all or temporary


@dataclass(frozen=True)
class Accepted:
    """Internal: one batch accepted; `failed_users` are people the vendor named as not reached."""

    failed_users: list[str]
    message_id: str


class TokenInvalid(Exception):
    """Internal: the vendor says the access token is invalid or expired."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


def messaging_settings() -> dict:
    return getattr(settings, "MESSAGING", {}) or {}


def timeout_seconds() -> float:
    return float(messaging_settings().get("TIMEOUT_SECONDS", 5))


# One token fetch at a time within a process (threads of one worker); processes share the cache.
_fetch_lock = threading.Lock()


class Channel:
    """One vendor. Subclasses give the settings, the URLs, the payload and the errcode rules."""

    name = ""
    settings_key = ""
    required = ()  # setting names that must all be set
    batch_size = 100

    # --- configuration -----------------------------------------------------------------------
    def config(self) -> dict:
        return messaging_settings().get(self.settings_key, {}) or {}

    def problems(self) -> list[str]:
        """Why this channel cannot be used ([] when it is configured)."""
        config = self.config()
        missing = [name for name in self.required if not str(config.get(name) or "").strip()]
        if missing:
            return [f"not set: {', '.join(missing)}"]
        problems = []
        if not str(config["BASE_URL"]).lower().startswith(("http://", "https://")):
            problems.append("the base URL must start with http:// or https://")
        if not str(config["AGENT_ID"]).strip().isdigit():
            problems.append("the agent id must be a number")
        return problems

    def is_configured(self) -> bool:
        return not self.problems()

    def partly_configured(self) -> bool:
        config = self.config()
        set_names = [name for name in self.required if name != "BASE_URL" and str(config.get(name) or "").strip()]
        return bool(set_names) and not self.is_configured()

    def url(self, path: str, **query: str) -> str:
        return str(self.config()["BASE_URL"]).rstrip("/") + path + "?" + urlencode(query)

    # --- vendor specifics (subclasses) -------------------------------------------------------
    def valid_user_id(self, user_id: str) -> bool:
        raise NotImplementedError

    def token_request(self) -> str:
        """The URL of the token request (GET)."""
        raise NotImplementedError

    def read_token(self, answer: dict) -> tuple[str, int]:
        """(access_token, expires_in) from the token answer, or raise Failure."""
        raise NotImplementedError

    def send_request(self, token: str, user_ids: list[str], title: str, text: str, msgtype: str) -> tuple[str, dict]:
        """(URL, JSON body) of the send request."""
        raise NotImplementedError

    def read_send(self, answer: dict, user_ids: list[str]) -> Accepted:
        """Accepted, or raise TokenInvalid / Failure."""
        raise NotImplementedError

    def after_second_token_failure(self, error: str) -> Failure:
        return Failure(f"{error} (again with a fresh access token)", temporary=True)

    # --- access token ------------------------------------------------------------------------
    def cache_key(self) -> str:
        config = self.config()
        identity = "|".join(str(config.get(name, "")) for name in self.required)
        return f"messaging:{self.name}:token:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"

    def _cache(self):
        return caches[messaging_settings().get("CACHE_ALIAS", "default")]

    def _cached_token(self) -> str | None:
        try:
            return self._cache().get(self.cache_key())
        except Exception:  # a cache that is down must not stop the message: fetch a token instead
            logger.warning("messaging: the token cache cannot be read", exc_info=True)
            return None

    def token(self, replacing: str | None = None) -> str:
        """A valid access token: the cached one, or a new one. `replacing` is a token the vendor
        has just refused: it is not handed out again (unless another process already replaced it)."""
        cached = self._cached_token()
        if cached and cached != replacing:
            return cached
        with _fetch_lock:
            cached = self._cached_token()
            if cached and cached != replacing:
                return cached
            try:
                answer = http.request_json("GET", self.token_request(), None, timeout_seconds())
            except http.Unavailable as error:
                raise Failure(f"access token: {error}", temporary=True) from None
            except http.Rejected as error:
                raise Failure(f"access token: {error}", temporary=False, concerns_all=True) from None
            token, expires_in = self.read_token(answer)
            lifetime = expires_in - TOKEN_MARGIN_SECONDS if expires_in > 2 * TOKEN_MARGIN_SECONDS else expires_in // 2
            try:
                self._cache().set(self.cache_key(), token, max(lifetime, 1))
            except Exception:
                logger.warning("messaging: the token cache cannot be written", exc_info=True)
            return token

    # --- sending -----------------------------------------------------------------------------
    def send(self, user_ids: list[str], title: str, text: str, msgtype: str) -> SendResult:
        unique = list(dict.fromkeys(user_ids))  # each person once, in the order given
        if not unique:
            return SendResult(ok=True)
        problems = self.problems()
        if problems:
            return SendResult(
                ok=False,
                temporary=False,
                error=f"{self.name} is not configured: {'; '.join(problems)}",
                failed_users=unique,
            )
        people = [user_id for user_id in unique if self.valid_user_id(user_id)]
        accepted_ids = set(people)
        refused = [user_id for user_id in unique if user_id not in accepted_ids]
        errors = [f"not a valid {self.name} user id: {', '.join(refused)}"] if refused else []
        failed = list(refused)
        message_ids: list[str] = []
        all_accepted = True
        temporary = False
        for start in range(0, len(people), self.batch_size):
            batch = people[start : start + self.batch_size]
            try:
                accepted = self._send_batch(batch, title, text, msgtype)
            except Failure as failure:
                all_accepted = False
                temporary = temporary or failure.temporary
                errors.append(failure.error)
                failed.extend(failure.failed_users if failure.failed_users is not None else batch)
                logger.warning("messaging: %s send to %d people failed: %s", self.name, len(batch), failure.error)
                if failure.concerns_all:
                    failed.extend(people[start + self.batch_size :])
                    break
                continue
            message_ids.append(accepted.message_id)
            if accepted.failed_users:
                errors.append(f"not reached: {', '.join(accepted.failed_users)}")
                failed.extend(accepted.failed_users)
        failed = list(dict.fromkeys(failed))
        return SendResult(
            ok=all_accepted and len(failed) < len(unique),
            temporary=temporary,
            error="; ".join(errors),
            failed_users=failed,
            message_ids=message_ids,
        )

    def _send_batch(self, batch: list[str], title: str, text: str, msgtype: str) -> Accepted:
        token = self.token()
        with contextlib.suppress(TokenInvalid):
            return self._post(token, batch, title, text, msgtype)
        # The vendor refused the token (expired early, secret rotated ...): one new token, one more try.
        token = self.token(replacing=token)
        try:
            return self._post(token, batch, title, text, msgtype)
        except TokenInvalid as again:
            raise self.after_second_token_failure(again.error) from None

    def _post(self, token: str, batch: list[str], title: str, text: str, msgtype: str) -> Accepted:
        url, body = self.send_request(token, batch, title, text, msgtype)
        try:
            answer = http.request_json("POST", url, body, timeout_seconds())
        except http.Unavailable as error:
            raise Failure(str(error), temporary=True) from None
        except http.Rejected as error:
            raise Failure(str(error), temporary=False) from None
        return self.read_send(answer, batch)


def errcode_of(answer: dict) -> int | None:
    try:
        return int(answer.get("errcode", 0))
    except (TypeError, ValueError):
        return None


def expires_in_of(answer: dict) -> int:
    """The token's lifetime in seconds as the vendor states it (7200, the documented value, if garbled)."""
    try:
        return int(answer.get("expires_in") or 7200)
    except (TypeError, ValueError):
        return 7200


def vendor_error(answer: dict) -> str:
    return f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:300]}"
