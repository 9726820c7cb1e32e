"""Sending the deliveries: e-mail, department group robots (webhooks), 企业微信 / 钉钉 messages to
individuals, and the daily digests — each message at most once.

How a batch goes (``deliver_pending``):

1. **Claim** a small batch (``CBEC_DELIVERY_BATCH`` rows, default 20) in one short transaction:
   status ``sending``, a fresh ``claim_token``, ``claimed_at``. The claim is a lease of
   ``lease_seconds()``, longer than the batch can take (every message bounded by its timeout).
2. For each message, **fence**: one committed ``UPDATE … SET started_at = now WHERE id = … AND
   claim_token = <ours> AND started_at IS NULL``. Only if it changed the row is the message handed
   over (sent); another worker that took the row over has changed the token, and ours does nothing.
   A batch close to the end of its lease stops and gives its unstarted rows back.
3. **Record** the outcome in its own commit (``sent``, ``failed`` with a retry, or ``pending`` again
   for a temporary 企业微信 / 钉钉 outage, which costs no attempt).

A worker killed (kill -9) during a batch leaves rows ``sending``. Once their lease has run out:
rows never started are claimed again and sent (nothing is lost); the one row that was being handed
over (``started_at`` set, no outcome) is marked ``uncertain`` and **not sent again**: the server
may have received it before the worker died, and a second copy is the worse failure for a 督办
message. The supervision office sees ``uncertain`` on the reminder. So: every message is sent at
most once; each is sent exactly once unless its worker dies in the seconds it is being handed over.
A send that fails with an answer (HTTP 500, SMTP refusal, a vendor error code) is retried — the
server said it did not take it. A send that timed out after the request went out is retried as
well (at least once for that ambiguous case): 企业微信 drops a repeat within 30 minutes by its
duplicate check; e-mail and robots may show it twice.

One SMTP connection serves a whole batch (opened at the first e-mail, reopened after an error),
with ``EMAIL_TIMEOUT`` on every socket operation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tasks_app.reminders.models import Delivery, DeliveryChannel, DeliveryStatus

logger = logging.getLogger(__name__)


def delivery_batch() -> int:
    return max(1, int(getattr(settings, "CBEC_DELIVERY_BATCH", 20)))


def email_timeout() -> float:
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or 10)


def webhook_timeout() -> float:
    return float(getattr(settings, "CBEC_WEBHOOK_TIMEOUT_SECONDS", 5))


def message_budget() -> float:
    """The longest one message may take: a 企业微信 / 钉钉 send is a token request, a send and one
    token refresh with a second send (4 requests); an e-mail a connection and the SMTP dialogue."""
    messaging = float((getattr(settings, "MESSAGING", {}) or {}).get("TIMEOUT_SECONDS", 5))
    return max(4 * email_timeout(), 2 * webhook_timeout(), 4 * messaging)


def lease_margin() -> float:
    return float(getattr(settings, "CBEC_DELIVERY_LEASE_MARGIN_SECONDS", 60))


def lease_seconds(batch: int | None = None) -> float:
    """How long a claim holds: ``CBEC_DELIVERY_LEASE_SECONDS``, but never less than the batch can
    take at its timeouts plus a minute."""
    batch = batch or delivery_batch()
    floor = batch * message_budget() + lease_margin()
    return max(float(getattr(settings, "CBEC_DELIVERY_LEASE_SECONDS", 0) or 0), floor)


class TemporaryFailure(Exception):
    """A channel that is down for now: the delivery goes back to pending without using an attempt."""


# --- the message -------------------------------------------------------------------------------


def _site() -> str:
    return _("Cross-border e-commerce action plan")


def _content(delivery: Delivery) -> tuple[str, str]:
    """(heading, text) in the site's language (Chinese), whoever runs the worker."""
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.digest_day:
            heading = _("Daily digest %(day)s") % {"day": delivery.digest_day.isoformat()}
            return heading, delivery.body
        reminder = delivery.reminder
        text = reminder.text
        heading = text.split("】")[0].lstrip("【") if text.startswith("【") else reminder.get_kind_display()
        return str(heading), text


class _Mailer:
    """One SMTP connection for the batch."""

    def __init__(self):
        self.connection = None

    def send(self, address: str, subject: str, text: str) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False, timeout=email_timeout())
            self.connection.open()
        message = EmailMessage(subject, text, None, [address], connection=self.connection)
        try:
            message.send(fail_silently=False)
        except Exception:
            self.close()  # the connection may be broken: the next e-mail opens a new one
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a broken connection
                logger.debug("closing the SMTP connection failed", exc_info=True)
            self.connection = None


def _post_webhook(url: str, text: str) -> None:
    # 企业微信 / 钉钉 group robots both accept this shape. Only http(s): never file: or others.
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("a webhook must be an http(s) address")
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    timeout = webhook_timeout()
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            answer = b""
            while chunk := response.read1(16 * 1024):
                answer += chunk
                if time.monotonic() > deadline or len(answer) > 64 * 1024:
                    break
    except urllib.error.HTTPError as error:
        raise OSError(f"webhook answered HTTP {error.code}") from None
    if status >= 300:
        raise OSError(f"webhook answered HTTP {status}")
    try:
        errcode = json.loads(answer.decode("utf-8") or "{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0  # an answer that is not JSON: the HTTP status said it was taken
    if errcode not in (0, "0", None):
        raise OSError(f"webhook answered errcode {errcode}")


def _send_individual(channel: str, user_id: str, heading: str, text: str) -> None:
    from messaging import send_to_people

    result = send_to_people(channel, [user_id], f"{_site()} · {heading}", text)
    if result.ok and not result.failed_users:
        return
    if result.temporary:
        raise TemporaryFailure(result.error or "temporary failure")
    raise OSError(result.error or "not delivered")


def _send(delivery: Delivery, mailer: _Mailer) -> None:
    heading, text = _content(delivery)
    if delivery.channel == DeliveryChannel.EMAIL:
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[{_site()}] {heading}"
        mailer.send(delivery.target, subject, text)
    elif delivery.channel == DeliveryChannel.WEBHOOK:
        _post_webhook(delivery.target, text)
    elif delivery.channel in (DeliveryChannel.WECOM, DeliveryChannel.DINGTALK):
        with translation.override(settings.LANGUAGE_CODE):
            _send_individual(delivery.channel, delivery.target, heading, text)
    else:
        raise ValueError(f"unknown channel {delivery.channel}")


# --- the batch ---------------------------------------------------------------------------------


def settle_lost_claims(now: dt.datetime | None = None) -> int:
    """Rows a lost worker was handing over when it died (lease run out, started, no outcome):
    ``uncertain``, never sent again. Returns how many."""
    now = now or timezone.now()
    expired = now - dt.timedelta(seconds=lease_seconds())
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=expired, started_at__isnull=False
    ).update(status=DeliveryStatus.UNCERTAIN, last_error="the worker was lost while handing this message over")


def _claim(batch: int, now: dt.datetime) -> tuple[str, list[int]]:
    token = uuid.uuid4().hex
    expired = now - dt.timedelta(seconds=lease_seconds(batch))
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(attempts__lt=settings.CBEC_DELIVERY_MAX_ATTEMPTS)
            .filter(
                Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
                | Q(status=DeliveryStatus.SENDING, claimed_at__lt=expired, started_at__isnull=True)
            )
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, claimed_at=now, claim_token=token, started_at=None
        )
    return token, ids


def _hand_over_until(batch: int) -> float:
    """Stop handing messages over once the next one might outlast the lease (monotonic clock)."""
    return time.monotonic() + lease_seconds(batch) - message_budget() - lease_margin() / 2


def deliver_pending(limit: int | None = None) -> tuple[int, int]:
    """Send one batch of open deliveries; returns (sent, failed). Safe in several workers at once."""
    batch = limit or delivery_batch()
    now = timezone.now()
    settle_lost_claims(now)
    token, ids = _claim(batch, now)
    if not ids:
        return 0, 0
    stop_at = _hand_over_until(batch)
    mailer = _Mailer()
    sent = failed = 0
    mine = Delivery.objects.filter(claim_token=token, status=DeliveryStatus.SENDING)
    try:
        for delivery in (
            Delivery.objects.filter(pk__in=ids)
            .select_related("reminder__task", "reminder__milestone", "reminder__department")
            .order_by("id")
        ):
            if time.monotonic() > stop_at:
                break
            # The fence: hand the message over only while the claim is still ours (its own commit).
            if not mine.filter(pk=delivery.pk, started_at__isnull=True).update(started_at=timezone.now()):
                continue
            try:
                _send(delivery, mailer)
            except TemporaryFailure as error:
                failed += 1
                logger.warning("delivery %s (%s) will be retried: %s", delivery.pk, delivery.channel, error)
                mine.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, last_error=str(error)[:2000])
            except Exception as error:  # any failure of a channel is recorded, not raised
                failed += 1
                logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
                mine.filter(pk=delivery.pk).update(
                    status=DeliveryStatus.FAILED, attempts=delivery.attempts + 1, last_error=str(error)[:2000]
                )
            else:
                sent += 1
                Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
                    status=DeliveryStatus.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now(), last_error=""
                )
    finally:
        mailer.close()
        # What this batch did not reach (stopped early, or an error above) goes back to the queue.
        mine.filter(started_at__isnull=True).update(status=DeliveryStatus.PENDING)
    return sent, failed
