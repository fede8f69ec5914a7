from marketplace.celery import app

from . import alerts, webhooks


@app.task(name="partner_listings.deliver_webhook")
def deliver_partner_webhook(delivery_id):
    """Attempt a webhook delivery; with a broker, schedule its retry."""
    delivery = webhooks.deliver(delivery_id)
    if delivery is None or delivery.next_attempt_at is None:
        return
    # Inline (no broker) a retry would run at once in the same request:
    # retries wait for the periodic ``retry_partner_webhooks`` instead.
    if not app.conf.task_always_eager:
        countdown = webhooks.retry_delay(delivery.attempts).total_seconds()
        deliver_partner_webhook.apply_async((delivery_id,), countdown=countdown)


@app.task(name="partner_listings.retry_webhooks")
def retry_partner_webhooks():
    """Send every delivery whose retry is due; run it periodically."""
    for delivery_id in webhooks.get_due_delivery_ids():
        webhooks.deliver(delivery_id)


@app.task(name="partner_listings.check_listing_prices")
def check_listing_prices(variant_ids):
    """Re-check the listings of variants whose brand price changed."""
    return alerts.check_variant_listings(variant_ids)


@app.task(name="partner_listings.check_all_listing_prices")
def check_all_listing_prices():
    """Re-check every live listing: price lists also change with time."""
    return alerts.check_all_listings()


@app.task(name="partner_listings.check_price_lists_since")
def check_price_lists_since(since):
    """Re-check the listings of variants of price lists changed since then."""
    return alerts.check_price_lists_since(since)
