from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import (
    Q,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tasks_app.reminders.models import Delivery, DeliveryChannel, DeliveryStatus

logger = logging.getLogger(__name__)


def _send(delivery: Delivery) -> None:
    reminder = delivery.reminder
    # E-mails and group robots speak the site's language (Chinese), whoever runs the worker.
    with translation.override(settings.LANGUAGE_CODE):
        text = reminder.text
        heading = text.split("】")[0].lstrip("【") if text.startswith("【") else reminder.get_kind_display()
        site = _("Cross-border e-commerce action plan")
    if delivery.channel == DeliveryChannel.EMAIL:
        send_mail(f"[{site}] {heading}", text, None, [delivery.target], fail_silently=False)
    else:
        # 企业微信 / 钉钉 group robots both accept this shape. Only http(s): never file: or others.
        if not delivery.target.lower().startswith(("http://", "https://")):
            raise ValueError("a webhook must be an http(s) address")
        body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            delivery.target, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=settings.CBEC_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"webhook answered HTTP {response.status}")


DELIVERY_BATCH = 1000


def deliver_pending(limit: int | None = None) -> tuple[int, int]:
    """Send open deliveries; returns (sent, failed). Safe to run in several workers at once."""
    now = timezone.now()
    stale_claim = now - dt.timedelta(minutes=settings.CBEC_DELIVERY_CLAIM_MINUTES)
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(attempts__lt=settings.CBEC_DELIVERY_MAX_ATTEMPTS)
            .filter(
                Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
                | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale_claim)
            )
            .order_by("id")[: limit or DELIVERY_BATCH]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(status=DeliveryStatus.SENDING, claimed_at=now)
    sent = failed = 0
    claimed_deliveries = Delivery.objects.filter(pk__in=[d.pk for d in claimed]).select_related(
        "reminder__task", "reminder__milestone", "reminder__department"
    )
    for delivery in claimed_deliveries:
        try:
            _send(delivery)
        except Exception as error:  # any failure of a channel is recorded, not raised
            failed += 1
            logger.warning("reminder delivery %s to %s failed: %s", delivery.pk, delivery.target, error)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, attempts=delivery.attempts + 1, last_error=str(error)[:2000]
            )
        else:
            sent += 1
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now(), last_error=""
            )
    return sent, failed
