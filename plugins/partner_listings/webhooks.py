"""Signed webhooks to a partner's endpoint, retried with backoff.

Each event is stored as a ``WebhookDelivery`` before it is sent, so that
nothing is lost when the endpoint is down. The body is JSON; the
``X-Partner-Signature`` header is ``t=<unix time>,v1=<hex>`` where ``<hex>``
is the HMAC-SHA256, keyed by the partner's webhook secret, of
``"<unix time>.<body>"``. A delivery that fails is tried again after
30 s, 1 min, 2 min, ... (doubling, at most an hour apart) until
``MAX_ATTEMPTS``, then marked failed.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)

ORDER_LINES_ROUTED = "order_lines.routed"
LISTING_APPROVED = "listing.approved"
LISTING_REJECTED = "listing.rejected"
PRICE_ALERT_RAISED = "price_alert.raised"
STOCK_LOW = "stock.low"
EVENTS = (
    ORDER_LINES_ROUTED,
    LISTING_APPROVED,
    LISTING_REJECTED,
    PRICE_ALERT_RAISED,
    STOCK_LOW,
)

SIGNATURE_HEADER = "X-Partner-Signature"
MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 5
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600


def sign_payload(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign_payload(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: bytes, tolerance=300) -> bool:
    """Check a signature header the way a partner's endpoint should."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign_payload(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))


def retry_delay(attempts: int) -> timedelta:
    seconds = FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


def queue_event(partner, event: str, data: dict) -> WebhookDelivery | None:
    """Store an event for the partner and send it once the transaction
    commits; a partner without an endpoint gets nothing."""
    if not partner.webhook_url:
        return None
    payload = {
        "event": event,
        "partner": partner.slug,
        "created_at": timezone.now(),
        "data": data,
    }
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    delivery = WebhookDelivery.objects.create(
        partner=partner, event=event, payload=payload, next_attempt_at=timezone.now()
    )

    def send():
        from .tasks import deliver_partner_webhook

        deliver_partner_webhook.delay(delivery.pk)

    transaction.on_commit(send)
    return delivery


def deliver(delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt at a due delivery; return it, or None if not due.

    The row stays locked during the attempt, so two workers never send the
    same delivery at once.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("partner")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None
        partner = delivery.partner
        body = json.dumps(delivery.payload, separators=(",", ":")).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "marketplace-partner-webhooks/1",
            "X-Partner-Event": delivery.event,
            "X-Partner-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature_header(partner.webhook_secret, timestamp, body),
        }
        delivery.attempts += 1
        status_code, error = None, ""
        try:
            response = requests.post(
                partner.webhook_url,
                data=body,
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]

        delivery.last_status_code = status_code
        delivery.last_error = error
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            logger.info(
                "Webhook delivery %s: %s delivered to %s",
                delivery.pk,
                delivery.event,
                partner.slug,
                extra={"partner": partner.slug, "attempts": delivery.attempts},
            )
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            logger.warning(
                "Webhook delivery %s: %s to %s failed for good after %s attempts: %s",
                delivery.pk,
                delivery.event,
                partner.slug,
                delivery.attempts,
                error,
                extra={"partner": partner.slug},
            )
        else:
            delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
            logger.warning(
                "Webhook delivery %s: %s to %s failed (attempt %s), retry at %s: %s",
                delivery.pk,
                delivery.event,
                partner.slug,
                delivery.attempts,
                delivery.next_attempt_at.isoformat(),
                error,
                extra={"partner": partner.slug},
            )
        delivery.save()
    return delivery


def get_due_delivery_ids(now=None, limit=500) -> list:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
