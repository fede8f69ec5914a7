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
import threading

from django.core.exceptions import ValidationError
from django.utils import timezone
from prices import Money, TaxedMoney
from saleor.checkout.error_codes import CheckoutErrorCode
from saleor.core.taxes import zero_taxed_money
from saleor.product.models import ProductVariant

from .context import STOREFRONT_CHANNEL, PricingContext, get_buyer, normalize_country
from .currencies import quantize_amount
from .resolution import (
    ListRule,
    ResolvedPrice,
    get_region_currency,
    load_rules,
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


def get_unpriced_lines(checkout, lines) -> list:
    """Return the lines that have no price for the checkout's buyer."""
    cache = get_request_cache() or CheckoutPricingCache()
    return [line for line in lines if cache.get_price(checkout, line) is None]


def price_not_available_error(checkout, lines) -> ValidationError:
    skus = ", ".join(sorted(line.variant.sku for line in lines))
    country = get_checkout_country(checkout)
    return ValidationError(
        {
            "lines": ValidationError(
                f"No price in {checkout.currency} for buyers in {country}: {skus}.",
                code=CheckoutErrorCode.INVALID.value,
                params={"skus": skus},
            )
        }
    )


def check_checkout_lines_priced(checkout) -> None:
    """Raise ``ValidationError`` if a line has no price for the buyer."""
    unpriced = get_unpriced_lines(checkout, checkout.lines.select_related("variant"))
    if unpriced:
        raise price_not_available_error(checkout, unpriced)


class CheckoutPricingCache:
    """Unit prices of checkout lines, resolved once per checkout.

    Keyed by what the checkout's context depends on (its currency, user
    and country), then by (variant, quantity): a line whose quantity
    changed is resolved again.
    """

    def __init__(self):
        self._rules: dict[tuple, tuple[PricingContext, list[ListRule]]] = {}
        self._prices: dict[tuple, ResolvedPrice | None] = {}

    def get_price(self, checkout, line) -> ResolvedPrice | None:
        checkout_key = (
            checkout.pk,
            checkout.currency,
            checkout.user_id,
            get_checkout_country(checkout),
        )
        key = (*checkout_key, line.variant_id, line.quantity)
        if key not in self._prices:
            self._resolve(checkout, checkout_key, line)
        return self._prices[key]

    def _resolve(self, checkout, checkout_key, line):
        if checkout_key not in self._rules:
            context = get_checkout_pricing_context(checkout)
            self._rules[checkout_key] = (context, load_rules(context))
        context, rules = self._rules[checkout_key]

        # Resolve every line of the checkout at once: Saleor asks for them
        # one by one, right after each other.
        pairs = {(line.variant_id, line.quantity)}
        pairs.update(
            checkout.lines.values_list("variant_id", "quantity") if checkout.pk else ()
        )
        variants = ProductVariant.objects.in_bulk({pair[0] for pair in pairs})
        if line.variant_id not in variants:
            variants[line.variant_id] = line.variant
        pairs = sorted(pairs)
        resolved = resolve_prices(
            [(variants[variant_id], quantity) for variant_id, quantity in pairs],
            context,
            rules=rules,
        )
        for pair, price in zip(pairs, resolved, strict=True):
            self._prices[(*checkout_key, *pair)] = price


_request = threading.local()


def start_request_cache(**_kwargs):
    """Share one ``CheckoutPricingCache`` between the hooks of a request.

    Saleor builds a plugins manager, and so a plugin, for almost every
    calculation; a request computes a checkout's totals a dozen times.
    Connected to ``request_started``; nothing changes a price list during a
    checkout's request.
    """
    _request.cache = CheckoutPricingCache()


def end_request_cache(**_kwargs):
    _request.cache = None


def get_request_cache() -> "CheckoutPricingCache | None":
    return getattr(_request, "cache", None)


def calculate_checkout_line_total(line, previous_value, *, cache=None):
    """Return the line's total at its unit price from the price lists.

    Saleor's own total (its base price, its sales applied) stands when no
    list prices the line; a line with no price at all cannot be priced.
    """
    checkout = line.checkout
    cache = get_request_cache() or cache or CheckoutPricingCache()
    price = cache.get_price(checkout, line)
    if price is None:
        raise price_not_available_error(checkout, [line])
    if price.price_list_id is None:
        return previous_value
    total = Money(
        quantize_amount(price.amount * line.quantity, price.currency), price.currency
    )
    return TaxedMoney(net=total, gross=total)


def calculate_checkout_shipping(checkout, previous_value):
    """Return no shipping price for a method in another currency.

    Such a method is removed when the checkout changes currency, and
    Saleor refuses to complete a checkout whose method does not apply; it
    can only be seen between the two.
    """
    if previous_value.currency != checkout.currency:
        return zero_taxed_money(checkout.currency)
    return previous_value


def check_checkout_before_order(checkout) -> None:
    """Refuse to place an order priced otherwise than the checkout shows."""
    expected = get_expected_currency(checkout)
    if expected != checkout.currency:
        raise ValidationError(
            f"Buyers in {get_checkout_country(checkout)} pay in {expected}; "
            f"update the checkout's address to reprice it.",
            code=CheckoutErrorCode.INVALID.value,
        )
    payment = checkout.get_last_active_payment()
    if payment is not None and payment.currency != checkout.currency:
        raise ValidationError(
            f"The payment is in {payment.currency}, the checkout in "
            f"{checkout.currency}.",
            code=CheckoutErrorCode.PAYMENT_ERROR.value,
        )
    check_checkout_lines_priced(checkout)
