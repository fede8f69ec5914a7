"""Creating, changing and reviewing a partner's listings.

The status of a listing follows from what the partner asks (keep a draft,
or submit it), from the price check and from the brand's trust:

- a price outside the band is refused when the band says so;
- a submitted listing priced inside the band is approved at once for the
  brand and for partners with ``auto_approve_listings``, otherwise it waits
  for review; a price held by the band (or that cannot be checked because
  the brand has no price) always waits for review;
- an approved or paused listing whose new price is held goes back to
  review; a new price inside the band keeps it live.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import webhooks
from .brand_prices import get_brand_price, get_region_currency
from .error_codes import PartnerError, PartnerErrorCode
from .governance import BandBook, PriceVerdict, check_price, describe_verdict
from .models import ListingStatus, PartnerListing
from .stocks import set_partner_stocks

logger = logging.getLogger(__name__)

MAX_PRICE = Decimal("999999999.99")


@dataclass
class ListingData:
    """What a partner sends for a listing; ``None`` leaves a field as is."""

    country: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    min_order_quantity: int | None = None
    order_multiple: int | None = None
    lead_time_days: int | None = None
    stocks: list = field(default_factory=list)


def validate_terms(data: ListingData):
    """Refuse malformed values, before anything is looked up."""
    if data.price is not None:
        if not isinstance(data.price, Decimal) or not data.price.is_finite():
            raise PartnerError(
                PartnerErrorCode.INVALID, "The price is not a number.", "price"
            )
        if data.price <= 0 or data.price > MAX_PRICE:
            raise PartnerError(
                PartnerErrorCode.INVALID, "The price must be positive.", "price"
            )
        if data.price.as_tuple().exponent < -2:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                "The price has more than two decimal places.",
                "price",
            )
    for name in ("min_order_quantity", "order_multiple"):
        value = getattr(data, name)
        if value is not None and not 1 <= value <= 1_000_000:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                f"{name} must be between 1 and 1000000.",
                _camel(name),
            )
    if data.lead_time_days is not None and not 0 <= data.lead_time_days <= 365:
        raise PartnerError(
            PartnerErrorCode.INVALID,
            "The lead time must be between 0 and 365 days.",
            "leadTimeDays",
        )


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def next_status(partner, verdict: PriceVerdict, current, *, submit, price_changed):
    """Return the status a listing moves to (the band refusal is apart)."""
    held = not verdict.in_band
    trusted = partner.is_brand or partner.auto_approve_listings
    live = (
        ListingStatus.PENDING_REVIEW if held or not trusted else ListingStatus.APPROVED
    )
    if current is None or current in (ListingStatus.DRAFT, ListingStatus.REJECTED):
        return live if submit else (current or ListingStatus.DRAFT)
    if current == ListingStatus.PENDING_REVIEW:
        return live
    if price_changed and held:
        return ListingStatus.PENDING_REVIEW
    return current


def check_listing_price(partner, variant, country, price, currency, book=None):
    """Return ``(currency, brand price, verdict)``; raise on a refusal."""
    brand_price = get_brand_price(variant, country)
    if currency is None:
        currency = brand_price.currency if brand_price else None
    if currency is None:
        currency = get_region_currency(country)
    if brand_price is not None and brand_price.currency != currency:
        raise PartnerError(
            PartnerErrorCode.CURRENCY_MISMATCH,
            f"Prices in {country} are in {brand_price.currency}, not {currency}.",
            "currency",
        )
    if partner.is_brand:
        return currency, brand_price, PriceVerdict(code="")
    book = book or BandBook()
    band = book.band_for(partner.pk, variant.product.category_id)
    verdict = check_price(
        band, price, brand_price.amount if brand_price is not None else None
    )
    if verdict.refused:
        raise PartnerError(
            PartnerErrorCode(verdict.code), describe_verdict(verdict, currency), "price"
        )
    return currency, brand_price, verdict


def _check_partner(partner, country):
    if not partner.is_active:
        raise PartnerError(
            PartnerErrorCode.PARTNER_SUSPENDED,
            f"{partner.name} is suspended and cannot list products.",
        )
    if country not in partner.regions:
        raise PartnerError(
            PartnerErrorCode.REGION_NOT_SERVED,
            f"{partner.name} does not serve {country}.",
            "country",
        )


def create_listing(partner, variant, data: ListingData, *, submit=True):
    validate_terms(data)
    if not data.country:
        raise PartnerError(
            PartnerErrorCode.REQUIRED, "A country is required.", "country"
        )
    if data.price is None:
        raise PartnerError(PartnerErrorCode.REQUIRED, "A price is required.", "price")
    country = data.country.upper()
    _check_partner(partner, country)
    currency, brand_price, verdict = check_listing_price(
        partner, variant, country, data.price, data.currency
    )
    status = next_status(partner, verdict, None, submit=submit, price_changed=True)
    now = timezone.now()
    listing = PartnerListing(
        partner=partner,
        variant=variant,
        country=country,
        currency=currency,
        price_amount=data.price,
        min_order_quantity=data.min_order_quantity or 1,
        order_multiple=data.order_multiple or 1,
        lead_time_days=data.lead_time_days or 0,
        status=status,
        price_check=verdict.code,
        brand_price_amount=brand_price.amount if brand_price else None,
        submitted_at=now if submit else None,
        reviewed_at=now if status == ListingStatus.APPROVED else None,
    )
    try:
        with transaction.atomic():
            listing.save()
            set_partner_stocks(partner, variant, data.stocks)
    except IntegrityError as error:
        raise PartnerError(
            PartnerErrorCode.UNIQUE,
            f"{partner.name} already lists this variant in {country}.",
            "variant",
        ) from error
    return listing


def update_listing(listing_id, data: ListingData, *, submit=False, paused=None):
    """Change a listing's terms, stock or status, under a row lock."""
    validate_terms(data)
    with transaction.atomic():
        listing = (
            PartnerListing.objects.select_for_update(of=("self",))
            .select_related("partner", "variant__product")
            .get(pk=listing_id)
        )
        partner = listing.partner
        if data.country and data.country.upper() != listing.country.code:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                "The region of a listing cannot change; create another listing.",
                "country",
            )
        if not partner.is_active:
            raise PartnerError(
                PartnerErrorCode.PARTNER_SUSPENDED,
                f"{partner.name} is suspended and cannot change listings.",
            )
        price = data.price if data.price is not None else listing.price_amount
        currency = data.currency or listing.currency
        price_changed = price != listing.price_amount or currency != listing.currency
        current = listing.status
        if paused is True and current not in (
            ListingStatus.APPROVED,
            ListingStatus.PAUSED,
        ):
            raise PartnerError(
                PartnerErrorCode.INVALID_STATUS,
                "Only an approved listing can be paused.",
                "paused",
            )
        if paused is False and current == ListingStatus.PAUSED:
            # Resuming re-checks the price against today's brand price.
            price_changed = True
        if price_changed or submit:
            currency, brand_price, verdict = check_listing_price(
                partner, listing.variant, listing.country.code, price, currency
            )
            listing.price_check = verdict.code
            listing.brand_price_amount = brand_price.amount if brand_price else None
        else:
            verdict = PriceVerdict(code=listing.price_check)
        status = next_status(
            partner, verdict, current, submit=submit, price_changed=price_changed
        )
        if paused is True and status == ListingStatus.APPROVED:
            status = ListingStatus.PAUSED
        elif paused is False and current == ListingStatus.PAUSED:
            status = (
                ListingStatus.APPROVED
                if verdict.in_band
                else ListingStatus.PENDING_REVIEW
            )
        listing.price_amount = price
        listing.currency = currency
        for name in ("min_order_quantity", "order_multiple", "lead_time_days"):
            value = getattr(data, name)
            if value is not None:
                setattr(listing, name, value)
        if status != current:
            listing.status = status
            if status in (ListingStatus.PENDING_REVIEW, ListingStatus.APPROVED):
                listing.rejection_reason = ""
            if submit:
                listing.submitted_at = timezone.now()
        listing.save()
        set_partner_stocks(partner, listing.variant, data.stocks)
    return listing


def delete_listing(listing_id):
    with transaction.atomic():
        listing = PartnerListing.objects.select_for_update().get(pk=listing_id)
        listing.delete()


def approve_listing(listing_id):
    with transaction.atomic():
        listing = (
            PartnerListing.objects.select_for_update(of=("self",))
            .select_related("partner")
            .get(pk=listing_id)
        )
        if listing.status not in (ListingStatus.PENDING_REVIEW, ListingStatus.REJECTED):
            raise PartnerError(
                PartnerErrorCode.INVALID_STATUS,
                f"A listing in status {listing.status} cannot be approved.",
                "id",
            )
        listing.status = ListingStatus.APPROVED
        listing.rejection_reason = ""
        listing.reviewed_at = timezone.now()
        listing.save(update_fields=["status", "rejection_reason", "reviewed_at"])
        logger.info("Listing %s: approved", listing.pk)
        webhooks.queue_event(
            listing.partner, webhooks.LISTING_APPROVED, listing_payload(listing)
        )
    return listing


def reject_listing(listing_id, reason: str):
    reason = (reason or "").strip()
    if not reason:
        raise PartnerError(
            PartnerErrorCode.REQUIRED, "A rejection needs a reason.", "reason"
        )
    with transaction.atomic():
        listing = (
            PartnerListing.objects.select_for_update(of=("self",))
            .select_related("partner")
            .get(pk=listing_id)
        )
        if listing.status in (ListingStatus.DRAFT, ListingStatus.REJECTED):
            raise PartnerError(
                PartnerErrorCode.INVALID_STATUS,
                f"A listing in status {listing.status} cannot be rejected.",
                "id",
            )
        listing.status = ListingStatus.REJECTED
        listing.rejection_reason = reason[:2000]
        listing.reviewed_at = timezone.now()
        listing.save(update_fields=["status", "rejection_reason", "reviewed_at"])
        logger.info("Listing %s: rejected", listing.pk)
        webhooks.queue_event(
            listing.partner, webhooks.LISTING_REJECTED, listing_payload(listing)
        )
    return listing


def listing_payload(listing) -> dict:
    return {
        "listing": listing.pk,
        "variant": listing.variant_id,
        "sku": getattr(listing.variant, "sku", None),
        "country": str(listing.country),
        "price": str(listing.price_amount),
        "currency": listing.currency,
        "status": listing.status,
        "rejection_reason": listing.rejection_reason,
    }
