"""Pricing a checkout: its context, its currency and its lines' prices.

A checkout is priced without a request: by the hooks Saleor calls while it
computes totals, creates the payment and places the order. So it carries
its whole context: the country of its shipping address (else its billing
address, else the country it was opened in), its user's company and
groups, the channel it was opened through (stored in its private metadata
under ``CHANNEL_METADATA_KEY``) and, as its currency, the currency of that
country's region. ``sync_checkout_currency`` keeps the currency right
whenever the country may have changed.
"""

import logging

from django.utils import timezone

from .context import STOREFRONT_CHANNEL, PricingContext, get_buyer, normalize_country
from .resolution import (
    ResolvedPrice,
    get_region_currency,
    resolve_prices,
)

logger = logging.getLogger(__name__)

CHANNEL_METADATA_KEY = "price_lists.channel"


def get_checkout_country(checkout) -> str:
    """Return the country a checkout is priced for, without saving it."""
    address = checkout.shipping_address or checkout.billing_address
    if address is not None and address.country:
        return normalize_country(address.country)
    return normalize_country(checkout.country)


def get_checkout_channel(checkout) -> str:
    metadata = checkout.private_metadata or {}
    return metadata.get(CHANNEL_METADATA_KEY) or STOREFRONT_CHANNEL


def set_checkout_channel(checkout, channel: str | None) -> None:
    """Record the channel a checkout is opened through (not saved)."""
    checkout.private_metadata = {
        **(checkout.private_metadata or {}),
        CHANNEL_METADATA_KEY: channel or STOREFRONT_CHANNEL,
    }


def get_checkout_pricing_context(checkout, at=None) -> PricingContext:
    """Return the context the checkout's lines are priced for.

    The context fixes the checkout's currency: a line is never priced in
    another currency than its checkout's.
    """
    company_id, group_ids = get_buyer(checkout.user)
    return PricingContext(
        country=get_checkout_country(checkout),
        company_id=company_id,
        customer_group_ids=group_ids,
        channel=get_checkout_channel(checkout),
        at=at or timezone.now(),
        currency=checkout.currency,
    )


def get_brand_pricing_context(checkout, at=None) -> PricingContext:
    """Return the partner-agnostic context of the checkout's region.

    The brand price of a checkout line, which partner listings are
    measured against, is its price for this context.
    """
    return PricingContext(
        country=get_checkout_country(checkout),
        company_id=None,
        customer_group_ids=frozenset(),
        channel=None,
        at=at or timezone.now(),
        currency=checkout.currency,
    )


def get_expected_currency(checkout) -> str:
    """Return the currency the checkout should be in: its region's."""
    return get_region_currency(get_checkout_country(checkout))


def sync_checkout_currency(checkout) -> bool:
    """Put the checkout in its region's currency; return whether it changed.

    A shipping method priced in the old currency no longer applies and is
    removed, as Saleor removes one that does not ship to a new address.
    """
    currency = get_expected_currency(checkout)
    if currency == checkout.currency:
        return False
    previous = checkout.currency
    checkout.currency = currency
    fields = ["currency", "last_change"]
    method = checkout.shipping_method
    if method is not None and method.currency != currency:
        checkout.shipping_method = None
        fields.append("shipping_method")
    if checkout.voucher_code:
        # Saleor computes fixed voucher amounts in DEFAULT_CURRENCY; the
        # discount is recomputed by Saleor after an address change.
        checkout.discount_amount = 0
        fields.append("discount_amount")
    checkout.save(update_fields=fields)
    logger.info(
        "Checkout %s: currency changed from %s to %s",
        checkout.pk,
        previous,
        currency,
        extra={"checkout": str(checkout.pk), "currency": currency},
    )
    return True


def resolve_line_prices(
    lines, context: PricingContext
) -> dict[int, ResolvedPrice | None]:
    """Return the unit price of each line for a context, by line id."""
    lines = list(lines)
    prices = resolve_prices([(line.variant, line.quantity) for line in lines], context)
    return {line.pk: price for line, price in zip(lines, prices, strict=True)}


def resolve_checkout_line_prices(checkout, lines) -> dict[int, ResolvedPrice | None]:
    """Return what the buyer pays per unit on each line, by line id."""
    return resolve_line_prices(lines, get_checkout_pricing_context(checkout))


def resolve_brand_line_prices(checkout, lines) -> dict[int, ResolvedPrice | None]:
    """Return the brand price per unit of each line, by line id."""
    return resolve_line_prices(lines, get_brand_pricing_context(checkout))
