"""Routing an order's lines to the partners that sell them.

When an order is placed, each line is routed to the partner whose listing
the buyer chose (a line added without a listing goes to the brand, when the
brand is a partner) and its stock is allocated from that partner's
warehouses only, replacing the allocation Saleor made from any warehouse
of the region. Each partner then hears about its lines by webhook.
"""

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from saleor.checkout.models import CheckoutLine
from saleor.core.exceptions import InsufficientStock
from saleor.warehouse.models import Allocation, Stock

from . import webhooks
from .models import (
    OrderLineRoute,
    Partner,
    PartnerKind,
    PartnerListing,
    PartnerWarehouse,
)
from .offers import get_line_listing_id
from .stocks import get_available_quantities, get_stock_sources

logger = logging.getLogger(__name__)


def _pair_lines(order):
    """Pair each order line with the checkout line it was made from.

    Saleor creates the order lines in the order of the checkout lines, so
    they pair by position; the variant must agree for a pair to count.
    """
    order_lines = list(order.lines.order_by("pk"))
    checkout_lines = []
    if order.checkout_token:
        checkout_lines = list(
            CheckoutLine.objects.filter(checkout_id=order.checkout_token).order_by("pk")
        )
    pairs = []
    if len(checkout_lines) == len(order_lines):
        for order_line, checkout_line in zip(order_lines, checkout_lines, strict=True):
            same = order_line.variant_id == checkout_line.variant_id
            pairs.append((order_line, checkout_line if same else None))
    else:
        pairs = [(order_line, None) for order_line in order_lines]
    return pairs


def route_order(order):
    """Record who sells each line and allocate from that partner's stock."""
    pairs = _pair_lines(order)
    listing_ids = {
        get_line_listing_id(checkout_line)
        for _, checkout_line in pairs
        if checkout_line is not None
    } - {None}
    listings = PartnerListing.objects.select_related("partner").in_bulk(listing_ids)
    brand = Partner.objects.filter(kind=PartnerKind.BRAND).first()
    country = order.shipping_address.country.code if order.shipping_address else None
    brand_listings = {}
    if brand is not None and country:
        brand_listings = {
            listing.variant_id: listing
            for listing in PartnerListing.objects.filter(
                partner=brand,
                country=country,
                variant_id__in=[line.variant_id for line, _ in pairs],
            )
        }

    routes = []
    for order_line, checkout_line in pairs:
        listing_id = get_line_listing_id(checkout_line) if checkout_line else None
        listing = listings.get(listing_id) if listing_id else None
        if listing is not None:
            partner = listing.partner
        elif brand is not None:
            partner = brand
            listing = brand_listings.get(order_line.variant_id)
        else:
            continue
        routes.append(
            OrderLineRoute(
                order_line=order_line, order=order, partner=partner, listing=listing
            )
        )
    if not routes:
        return []
    with transaction.atomic():
        OrderLineRoute.objects.bulk_create(routes)
        allocate_partner_stocks(routes)
    transaction.on_commit(lambda: notify_partners(order.pk))
    return routes


def allocate_partner_stocks(routes):
    """Allocate each routed line from its partner's warehouses (or those of
    the partner it sells the stock of).

    Stock rows are locked in primary key order (as Saleor locks them), the
    allocation Saleor made for the line is dropped first, and a partner
    without enough stock fails the whole order with ``InsufficientStock``.
    """
    tracked = [
        route
        for route in routes
        if route.order_line.variant is not None
        and route.order_line.variant.track_inventory
    ]
    if not tracked:
        return
    Allocation.objects.filter(
        order_line__in=[route.order_line for route in tracked]
    ).delete()
    variant_ids = {route.order_line.variant_id for route in tracked}
    sources = get_stock_sources({route.partner_id for route in tracked})
    partner_ids = set(sources.values())
    stocks = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(
            product_variant_id__in=variant_ids,
            warehouse__partner_hold__partner_id__in=partner_ids,
        )
        .order_by("pk")
    )
    holders = dict(
        PartnerWarehouse.objects.filter(
            warehouse_id__in={stock.warehouse_id for stock in stocks}
        ).values_list("warehouse_id", "partner_id")
    )
    allocated = dict(
        Allocation.objects.filter(stock__in=stocks)
        .values("stock_id")
        .annotate(total=Sum("quantity_allocated"))
        .values_list("stock_id", "total")
    )
    by_pair = defaultdict(list)
    for stock in stocks:
        by_pair[(holders[stock.warehouse_id], stock.product_variant_id)].append(stock)
    allocations = []
    for route in tracked:
        line = route.order_line
        needed = line.quantity
        for stock in by_pair[(sources[route.partner_id], line.variant_id)]:
            free = stock.quantity - (allocated.get(stock.pk) or 0)
            take = min(max(free, 0), needed)
            if take <= 0:
                continue
            allocations.append(
                Allocation(order_line=line, stock=stock, quantity_allocated=take)
            )
            allocated[stock.pk] = (allocated.get(stock.pk) or 0) + take
            needed -= take
            if needed == 0:
                break
        if needed:
            raise InsufficientStock(line.variant)
    Allocation.objects.bulk_create(allocations)


def notify_partners(order_id):
    """Send each partner its routed lines, and low-stock notices."""
    routes = list(
        OrderLineRoute.objects.filter(order_id=order_id).select_related(
            "partner", "order_line", "order"
        )
    )
    by_partner = defaultdict(list)
    for route in routes:
        by_partner[route.partner].append(route)
    with transaction.atomic():
        for partner, partner_routes in by_partner.items():
            order = partner_routes[0].order
            webhooks.queue_event(
                partner,
                webhooks.ORDER_LINES_ROUTED,
                {
                    "order": order.pk,
                    "order_token": order.token,
                    "currency": order.currency,
                    "lines": [
                        {
                            "order_line": route.order_line_id,
                            "listing": route.listing_id,
                            "sku": route.order_line.product_sku,
                            "product_name": route.order_line.product_name,
                            "quantity": route.order_line.quantity,
                            "unit_price": str(route.order_line.unit_price_gross_amount),
                        }
                        for route in partner_routes
                    ],
                },
            )
            logger.info(
                "Order %s: %s lines routed to partner %s",
                order.pk,
                len(partner_routes),
                partner.slug,
            )
        check_low_stock(
            [
                (route.partner_id, route.order_line.variant_id)
                for route in routes
                if route.order_line.variant_id
            ]
        )


def check_low_stock(pairs):
    """Notify partners whose stock of a listed variant fell to the
    threshold; notify again only after a restock above it."""
    pairs = set(pairs)
    if not pairs:
        return
    available = get_available_quantities(pairs)
    listings = PartnerListing.objects.select_related("partner", "variant").filter(
        partner_id__in={partner_id for partner_id, _ in pairs},
        variant_id__in={variant_id for _, variant_id in pairs},
    )
    for listing in listings:
        key = (listing.partner_id, listing.variant_id)
        if key not in available:
            continue
        low = available[key] <= listing.partner.low_stock_threshold
        if low and not listing.stock_low_notified:
            PartnerListing.objects.filter(pk=listing.pk).update(stock_low_notified=True)
            logger.info(
                "Listing %s: stock low (%s units) at partner %s",
                listing.pk,
                available[key],
                listing.partner.slug,
            )
            webhooks.queue_event(
                listing.partner,
                webhooks.STOCK_LOW,
                {
                    "listing": listing.pk,
                    "variant": listing.variant_id,
                    "sku": listing.variant.sku,
                    "country": str(listing.country),
                    "available": available[key],
                    "threshold": listing.partner.low_stock_threshold,
                },
            )
        elif not low and listing.stock_low_notified:
            PartnerListing.objects.filter(pk=listing.pk).update(
                stock_low_notified=False
            )
