"""Pricing the lines of draft orders from the price lists."""

from django.conf import settings
from prices import Money, TaxedMoney
from saleor.order import OrderStatus

from .context import PricingContext, get_buyer, normalize_country
from .resolution import resolve_prices


def get_order_pricing_context(order) -> PricingContext:
    """Return the context of a draft order: its buyer, country and currency.

    A draft order is placed by staff, through no sales channel: lists
    reserved to a channel do not apply.
    """
    address = order.shipping_address or order.billing_address
    country = address.country if address and address.country else None
    company_id, group_ids = get_buyer(order.user)
    return PricingContext(
        country=normalize_country(country or settings.DEFAULT_COUNTRY),
        company_id=company_id,
        customer_group_ids=group_ids,
        channel=None,
        at=order.created,
        currency=order.currency,
    )


def calculate_draft_order_line_unit(line, previous_value):
    """Return a draft order line's unit price from the price lists.

    Saleor gives a draft order its default currency, so only lists in that
    currency apply; other lines keep Saleor's price.
    """
    # TODO: draft orders for buyers outside Brazil stay in DEFAULT_CURRENCY -
    # staff rarely draft them and the lines still get a price; it would take
    # replacing draftOrderCreate to set the region's currency.
    order = line.order
    if order.status != OrderStatus.DRAFT or line.variant is None:
        return previous_value
    context = get_order_pricing_context(order)
    (price,) = resolve_prices([(line.variant, line.quantity)], context)
    if price is None or price.price_list_id is None:
        return previous_value
    unit = Money(price.amount, price.currency)
    return TaxedMoney(net=unit, gross=unit)
