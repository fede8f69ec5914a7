"""What a buyer sees and buys: the approved offers of a variant in a region.

An offer is an approved listing of an active partner that serves the
region. Offers are ranked best first: lowest price, then shortest lead
time, then partner name. A buyer picks one and adds it to the checkout;
the checkout line remembers the listing in its ``data``, which is also what
lets the same variant be bought from two partners in one checkout.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from prices import Money, TaxedMoney
from saleor.checkout.models import CheckoutLine
from saleor.checkout.utils import update_checkout_quantity
from saleor.core.taxes import quantize_price

from .error_codes import PartnerError, PartnerErrorCode
from .models import (
    ListingStatus,
    Partner,
    PartnerKind,
    PartnerListing,
    PartnerStatus,
)
from .stocks import (
    get_available_quantities,
    get_available_quantity,
    get_held_stock,
)

LINE_DATA_KEY = "partner_listing"

IN_STOCK = "IN_STOCK"
LOW_STOCK = "LOW_STOCK"
OUT_OF_STOCK = "OUT_OF_STOCK"


def offer_partners(country) -> dict:
    """Return ``{partner_id: partner}`` of the active partners serving ``country``."""
    return {
        partner.pk: partner
        for partner in Partner.objects.filter(
            status=PartnerStatus.ACTIVE, regions__contains=[country]
        )
    }


def offer_rank(listing):
    """Sort key of an offer: price, then lead time, then partner name."""
    return (
        listing.price_amount,
        listing.lead_time_days,
        listing.partner.name,
        listing.pk,
    )


def get_offers(variant_ids, country) -> dict:
    """Return ``{variant_id: [listing, ...]}``, best offer first.

    Each listing carries ``available`` (units the partner can ship) and its
    partner. The few partners of a region are read once and shared by their
    listings, and the stock of all the listings is read in one statement.
    """
    offers = defaultdict(list)
    if not country or not variant_ids:
        return offers
    partners = offer_partners(country)
    if not partners:
        return offers
    listings = list(
        PartnerListing.objects.filter(
            country=country,
            status=ListingStatus.APPROVED,
            partner_id__in=list(partners),
            variant_id__in=variant_ids,
        )
    )
    held = get_held_stock(
        {partner.stock_partner_id for partner in partners.values()},
        {listing.variant_id for listing in listings},
    )
    for listing in listings:
        listing.partner = partners[listing.partner_id]
        listing.available = held.get(
            (listing.partner.stock_partner_id, listing.variant_id), 0
        )
        offers[listing.variant_id].append(listing)
    for variant_offers in offers.values():
        variant_offers.sort(key=offer_rank)
    return offers


@dataclass(frozen=True)
class OfferSummary:
    lowest_price: Money | None
    partner_count: int
    listing_count: int


EMPTY_SUMMARY = OfferSummary(lowest_price=None, partner_count=0, listing_count=0)


_SUMMARY_SQL = """
SELECT v.product_id, l.currency, MIN(l.price_amount), COUNT(DISTINCT l.partner_id),
       COUNT(*)
FROM product_productvariant v
JOIN partner_listings_partnerlisting l
  ON l.variant_id = v.id AND l.country = %s AND l.status = %s
JOIN partner_listings_partner p
  ON p.id = l.partner_id AND p.status = %s AND p.regions @> ARRAY[%s]::varchar[]
WHERE v.product_id = ANY(%s)
GROUP BY v.product_id, l.currency
ORDER BY v.product_id, l.currency
"""


def get_offer_summaries(product_ids, country) -> dict:
    """Return ``{product_id: OfferSummary}`` over the product's variants.

    The same offers as ``get_offers``, aggregated in one statement.
    """
    if not country or not product_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _SUMMARY_SQL,
            [
                country,
                ListingStatus.APPROVED.value,
                PartnerStatus.ACTIVE.value,
                country,
                list(product_ids),
            ],
        )
        rows = cursor.fetchall()
    summaries = {}
    for product_id, currency, lowest, partners, listings in rows:
        # One region has one currency; a second one would be a data error,
        # and the first currency in order wins.
        if product_id not in summaries:
            summaries[product_id] = OfferSummary(
                lowest_price=Money(lowest, currency),
                partner_count=partners,
                listing_count=listings,
            )
    return summaries


def get_stock_status(listing, available: int) -> str:
    if available <= 0 or available < listing.min_order_quantity:
        return OUT_OF_STOCK
    if available <= listing.partner.low_stock_threshold:
        return LOW_STOCK
    return IN_STOCK


def check_order_quantity(listing, quantity: int, field="quantity"):
    """Refuse a quantity below the minimum or off the order multiple."""
    if quantity < listing.min_order_quantity:
        raise PartnerError(
            PartnerErrorCode.BELOW_MINIMUM_ORDER_QUANTITY,
            f"{listing.partner.name} sells this in at least "
            f"{listing.min_order_quantity} units.",
            field,
        )
    if quantity % listing.order_multiple:
        raise PartnerError(
            PartnerErrorCode.NOT_ORDER_MULTIPLE,
            f"{listing.partner.name} sells this in multiples of "
            f"{listing.order_multiple} units.",
            field,
        )


def check_listing_available(listing, country, field="listingId"):
    if (
        listing.status != ListingStatus.APPROVED
        or not listing.partner.is_active
        or listing.country.code not in listing.partner.regions
        or not listing.variant.product.is_published
    ):
        raise PartnerError(
            PartnerErrorCode.LISTING_NOT_AVAILABLE,
            "This offer is not available any more.",
            field,
        )
    if listing.country.code != country:
        raise PartnerError(
            PartnerErrorCode.CHECKOUT_COUNTRY_MISMATCH,
            f"This offer is for buyers in {listing.country.code}, the checkout "
            f"ships to {country}.",
            field,
        )


def check_line_stock(listing, quantity, field="quantity"):
    if not listing.variant.track_inventory:
        return
    available = get_available_quantity(listing.partner_id, listing.variant_id)
    if quantity > available:
        raise PartnerError(
            PartnerErrorCode.INSUFFICIENT_STOCK,
            f"{listing.partner.name} has {available} units available.",
            field,
        )


def get_line_listing_id(checkout_line):
    data = checkout_line.data or {}
    value = data.get(LINE_DATA_KEY)
    return int(value) if value is not None else None


def set_checkout_listing_lines(checkout, lines, *, replace=False):
    """Add (or with ``replace``, set) quantities of chosen offers.

    ``lines`` is a list of ``(listing_id, quantity)``. All lines are checked
    before any is written; a quantity of 0 with ``replace`` removes the
    line. The checkout row is locked so concurrent changes queue up.
    """
    from saleor.checkout.models import Checkout

    with transaction.atomic():
        checkout = Checkout.objects.select_for_update().get(pk=checkout.pk)
        country = checkout.get_country()
        listings = {
            listing.pk: listing
            for listing in PartnerListing.objects.select_related(
                "partner", "variant__product"
            ).filter(pk__in=[listing_id for listing_id, _ in lines])
        }
        existing = {}
        for line in checkout.lines.all():
            listing_id = get_line_listing_id(line)
            if listing_id is not None:
                existing[listing_id] = line
        wanted = {}
        for index, (listing_id, quantity) in enumerate(lines):
            field = f"lines.{index}"
            listing = listings.get(listing_id)
            if listing is None:
                raise PartnerError(
                    PartnerErrorCode.NOT_FOUND, "No such offer.", f"{field}.listingId"
                )
            if quantity < 0 or (quantity == 0 and not replace):
                raise PartnerError(
                    PartnerErrorCode.INVALID,
                    "The quantity must be positive.",
                    f"{field}.quantity",
                )
            if listing.currency != checkout.currency:
                raise PartnerError(
                    PartnerErrorCode.CURRENCY_MISMATCH,
                    f"This offer is in {listing.currency}, the checkout in "
                    f"{checkout.currency}.",
                    f"{field}.listingId",
                )
            current = existing.get(listing_id)
            base = 0 if replace or current is None else current.quantity
            new_quantity = wanted.get(listing_id, base) + quantity
            if replace:
                new_quantity = quantity
            wanted[listing_id] = new_quantity
            if new_quantity == 0:
                continue
            check_listing_available(listing, country, f"{field}.listingId")
            check_order_quantity(listing, new_quantity, f"{field}.quantity")
            check_line_stock(listing, new_quantity, f"{field}.quantity")

        for listing_id, quantity in wanted.items():
            line = existing.get(listing_id)
            if quantity == 0:
                if line is not None:
                    line.delete()
            elif line is None:
                listing = listings[listing_id]
                CheckoutLine.objects.create(
                    checkout=checkout,
                    variant=listing.variant,
                    quantity=quantity,
                    data={LINE_DATA_KEY: listing_id},
                )
            elif line.quantity != quantity:
                line.quantity = quantity
                line.save(update_fields=["quantity"])
        update_checkout_quantity(checkout)
    return checkout


def get_line_listing(checkout_line):
    """Return the listing a checkout line was bought from, cached on it."""
    if hasattr(checkout_line, "_partner_listing"):
        return checkout_line._partner_listing
    listing_id = get_line_listing_id(checkout_line)
    listing = None
    if listing_id is not None:
        listing = (
            PartnerListing.objects.select_related("partner")
            .filter(pk=listing_id)
            .first()
        )
    checkout_line._partner_listing = listing
    return listing


def calculate_line_total(checkout_line):
    """Price a line bought from a listing, or None for other lines."""
    listing = get_line_listing(checkout_line)
    if listing is None:
        return None
    total = Money(
        listing.price_amount * Decimal(checkout_line.quantity), listing.currency
    )
    return quantize_price(TaxedMoney(net=total, gross=total), listing.currency)


def validate_checkout_listing_lines(checkout):
    """Check every offer in a checkout just before the order is placed."""
    from saleor.core.exceptions import InsufficientStock

    country = checkout.get_country()
    brand = Partner.objects.filter(kind=PartnerKind.BRAND).first()
    lines = list(checkout.lines.select_related("variant__product"))
    listings = [get_line_listing(line) for line in lines]
    # A line without a listing is routed to the brand and allocated from the
    # brand's warehouses alone; refuse it now, before the payment, rather
    # than when the order is already paid.
    brand_lines = [
        line
        for line, listing in zip(lines, listings, strict=True)
        if listing is None and brand is not None and line.variant.track_inventory
    ]
    brand_stock = get_available_quantities(
        (brand.pk, line.variant_id) for line in brand_lines
    )
    for line in brand_lines:
        if line.quantity > brand_stock[(brand.pk, line.variant_id)]:
            raise InsufficientStock(line.variant)
    for line, listing in zip(lines, listings, strict=True):
        if listing is None:
            continue
        listing.variant = line.variant
        check_listing_available(listing, country)
        check_order_quantity(listing, line.quantity)
        try:
            check_line_stock(listing, line.quantity)
        except PartnerError as error:
            raise InsufficientStock(line.variant) from error
