import json
import logging
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from plugins.partner_listings import webhooks
from plugins.partner_listings.models import (
    DeliveryStatus,
    PriceAlert,
    PriceAlertStatus,
    WebhookDelivery,
)
from plugins.price_lists.models import PriceListEntry
from tests.fixtures.api import ApiClient
from tests.fixtures.partners import create_listing

PRICE_ALERTS = """
{ priceAlerts(first: 10) { edges { node {
  code status partner { slug }
  listingPrice { amount } brandPrice { amount } floor { amount } ceiling { amount }
} } } }
"""

LISTING_REJECT = """
mutation ($id: ID!, $reason: String!) {
  partnerListingReject(id: $id, reason: $reason) { errors { code } }
}
"""


def set_brand_price(price_list, variant, amount):
    entry = PriceListEntry.objects.get(
        price_list=price_list, variant=variant, min_quantity=1
    )
    entry.amount = Decimal(amount)
    entry.save()


@pytest.fixture
def listed(variant, br_price_list, default_band, partner_a, partner_b):
    """A listings of A at 190.00 and of B at 220.00, the brand at 189.90."""
    return (
        create_listing(partner_a, variant, "190.00"),
        create_listing(partner_b, variant, "220.00"),
    )


def test_brand_price_move_raises_alerts_for_drifted_listings(
    listed,
    variant,
    br_price_list,
    partner_b,
    partner_manager,
    member_a,
    caplog,
    django_capture_on_commit_callbacks,
):
    # given: the band is 95%-120%; at 210.00, A's 190.00 falls below 199.50
    caplog.set_level(logging.INFO, logger="plugins.partner_listings")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        set_brand_price(br_price_list, variant, "210.00")

    # then
    alert = PriceAlert.objects.get()
    assert alert.listing == listed[0]
    assert alert.code == "PRICE_BELOW_FLOOR"
    assert (alert.brand_price_amount, alert.floor_amount) == (
        Decimal("210.00"),
        Decimal("199.50"),
    )
    assert any(
        f"Listing {listed[0].pk}: price 190.00 BRL out of band" in record.message
        for record in caplog.records
    )

    # then: the brand sees every alert, a partner its own only
    brand_view = ApiClient(user=partner_manager).execute(PRICE_ALERTS)
    [edge] = brand_view["priceAlerts"]["edges"]
    assert edge["node"]["code"] == "PRICE_BELOW_FLOOR"
    assert edge["node"]["floor"]["amount"] == 199.5
    assert len(ApiClient(user=member_a).execute(PRICE_ALERTS)["priceAlerts"]["edges"])
    from tests.fixtures.partners import create_member

    member_b = create_member(partner_b, "b2@beta.example.com")
    assert ApiClient(user=member_b).execute(PRICE_ALERTS)["priceAlerts"]["edges"] == []


def test_brand_price_move_back_resolves_alert_and_raises_once(
    listed, variant, br_price_list, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        set_brand_price(br_price_list, variant, "210.00")

    # when: the price moves again, still out of band, then back
    with django_capture_on_commit_callbacks(execute=True):
        set_brand_price(br_price_list, variant, "212.00")
    open_alerts = PriceAlert.objects.filter(status=PriceAlertStatus.OPEN).count()
    with django_capture_on_commit_callbacks(execute=True):
        set_brand_price(br_price_list, variant, "189.90")

    # then
    assert open_alerts == 1
    alert = PriceAlert.objects.get()
    assert alert.status == PriceAlertStatus.RESOLVED
    assert alert.resolved_at is not None


def test_price_alerts_query_is_refused_to_buyers(user_api_client):
    # when
    response = user_api_client.post(PRICE_ALERTS).json()

    # then
    assert response["data"]["priceAlerts"] is None
    assert "permission" in response["errors"][0]["message"].lower()


def test_price_alert_webhook_is_signed(
    listed,
    variant,
    br_price_list,
    partner_a,
    webhook_receiver,
    django_capture_on_commit_callbacks,
):
    # given
    partner_a.webhook_url = webhook_receiver.url
    partner_a.save()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_brand_price(br_price_list, variant, "210.00")
    while callbacks:
        pending = list(callbacks)
        callbacks.clear()
        for callback in pending:
            callback()

    # then
    [request] = webhook_receiver.requests
    body = request["body"]
    signature = request["headers"][webhooks.SIGNATURE_HEADER]
    assert webhooks.verify_signature(partner_a.webhook_secret, signature, body)
    assert not webhooks.verify_signature("another-secret", signature, body)
    event = json.loads(body)
    assert event["event"] == "price_alert.raised"
    assert event["data"]["code"] == "PRICE_BELOW_FLOOR"
    assert event["data"]["sku"] == variant.sku
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_listing_rejected_webhook_reaches_partner(
    listed,
    partner_a,
    partner_manager,
    webhook_receiver,
    django_capture_on_commit_callbacks,
):
    # given
    from graphene import Node

    partner_a.webhook_url = webhook_receiver.url
    partner_a.save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        ApiClient(user=partner_manager).execute(
            LISTING_REJECT,
            {
                "id": Node.to_global_id("PartnerListing", listed[0].pk),
                "reason": "Price too close to the floor",
            },
        )

    # then
    [event] = webhook_receiver.events()
    assert event["event"] == "listing.rejected"
    assert event["partner"] == partner_a.slug
    assert event["data"]["rejection_reason"] == "Price too close to the floor"


def test_failed_delivery_is_retried_with_backoff(partner_a, webhook_receiver, caplog):
    # given: the endpoint fails twice, then accepts
    partner_a.webhook_url = webhook_receiver.url
    partner_a.save()
    webhook_receiver.status_codes = [500, 503]
    delivery = webhooks.queue_event(partner_a, webhooks.STOCK_LOW, {"sku": "X"})

    # when
    first = webhooks.deliver(delivery.pk)
    not_due = webhooks.get_due_delivery_ids()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("retry_partner_webhooks", stdout=open("/dev/null", "w"))
    second = WebhookDelivery.objects.get(pk=delivery.pk)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    third = webhooks.deliver(delivery.pk)

    # then
    assert (first.status, first.attempts, first.last_status_code) == (
        DeliveryStatus.PENDING,
        1,
        500,
    )
    assert first.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert delivery.pk not in not_due
    assert (second.attempts, second.last_error) == (2, "HTTP 503")
    assert second.next_attempt_at - timezone.now() > timedelta(seconds=55)
    assert (third.status, third.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert len(webhook_receiver.requests) == 3
    assert "failed (attempt 1)" in caplog.text


def test_delivery_gives_up_after_max_attempts(partner_a):
    # given: nothing listens on this port
    partner_a.webhook_url = "http://127.0.0.1:9/hooks"
    partner_a.save()
    delivery = webhooks.queue_event(partner_a, webhooks.STOCK_LOW, {"sku": "X"})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=webhooks.MAX_ATTEMPTS - 1
    )

    # when
    result = webhooks.deliver(delivery.pk)

    # then
    assert result.status == DeliveryStatus.FAILED
    assert result.next_attempt_at is None
    assert "ConnectionError" in result.last_error


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (10, 3600)]
)
def test_retry_delay_doubles_up_to_an_hour(attempts, seconds):
    assert webhooks.retry_delay(attempts) == timedelta(seconds=seconds)


def test_verify_signature_refuses_old_timestamp():
    # given
    body = b'{"event":"x"}'
    old = int(time.time()) - 3600

    # when
    header = webhooks.signature_header("secret", old, body)

    # then
    assert not webhooks.verify_signature("secret", header, body)


ENTRIES_UPSERT = """
mutation ($list: ID!, $entries: [PriceListEntryInput!]!) {
  priceListEntriesBulkUpsert(priceListId: $list, entries: $entries) {
    errors { field message }
  }
}
"""


def test_brand_price_move_through_price_list_api_raises_alert(
    listed, variant, br_price_list, staff_user
):
    # given: price_lists writes entries in bulk, without model signals
    from django.contrib.auth.models import Permission
    from graphene import Node

    staff_user.user_permissions.add(
        Permission.objects.get(codename="manage_price_lists")
    )
    client = ApiClient(user=staff_user)
    client.execute("{ shop { name } }")  # the process has seen the lists
    entries = [
        {
            "variantId": Node.to_global_id("ProductVariant", variant.pk),
            "amount": "210.00",
        }
    ]

    # when
    data = client.execute(
        ENTRIES_UPSERT,
        {"list": Node.to_global_id("PriceList", br_price_list.pk), "entries": entries},
    )

    # then
    assert data["priceListEntriesBulkUpsert"]["errors"] == []
    alert = PriceAlert.objects.get()
    assert (alert.listing, alert.code) == (listed[0], "PRICE_BELOW_FLOOR")
