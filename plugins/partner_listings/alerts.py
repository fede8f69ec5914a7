"""Price alerts: listings that drifted out of band when the brand's price moved.

The check runs in the background after a brand price changes (see
``signals``) and periodically. A listing out of band gets one open alert
(raised once, with a webhook and a log line); a listing back in band has
its open alert resolved. The listing itself keeps its status: the brand
decides, from the alert, whether to reject it.
"""

import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import webhooks
from .brand_prices import get_brand_prices
from .governance import BandBook, check_price
from .models import ListingStatus, PartnerListing, PriceAlert, PriceAlertStatus

logger = logging.getLogger(__name__)

LIVE_STATUSES = (
    ListingStatus.APPROVED,
    ListingStatus.PAUSED,
    ListingStatus.PENDING_REVIEW,
)
_BATCH = 2000


def check_variant_listings(variant_ids) -> dict:
    listings = PartnerListing.objects.filter(
        variant_id__in=list(variant_ids), status__in=LIVE_STATUSES
    ).exclude(partner__kind="brand")
    return check_listings(listings)


def check_price_lists_since(since) -> dict:
    """Re-check listings of the variants of price lists changed after
    ``since`` (an ISO date and time)."""
    from django.utils.dateparse import parse_datetime

    from plugins.price_lists.models import PriceListEntry

    variant_ids = (
        PriceListEntry.objects.filter(price_list__updated_at__gt=parse_datetime(since))
        .values_list("variant_id", flat=True)
        .distinct()
    )
    return check_variant_listings(variant_ids)


def check_all_listings() -> dict:
    listings = PartnerListing.objects.filter(status__in=LIVE_STATUSES).exclude(
        partner__kind="brand"
    )
    return check_listings(listings)


def check_listings(queryset) -> dict:
    """Re-check listings against today's brand prices; count the outcomes."""
    counts = {"checked": 0, "raised": 0, "resolved": 0}
    book = BandBook()
    queryset = queryset.select_related("partner", "variant__product").order_by("pk")
    batch = []
    for listing in queryset.iterator(chunk_size=_BATCH):
        batch.append(listing)
        if len(batch) >= _BATCH:
            _check_batch(batch, book, counts)
            batch = []
    if batch:
        _check_batch(batch, book, counts)
    return counts


def _check_batch(listings, book, counts):
    by_country = defaultdict(list)
    for listing in listings:
        by_country[listing.country.code].append(listing)
    for country, group in by_country.items():
        variants = {listing.variant_id: listing.variant for listing in group}
        prices = get_brand_prices(variants.values(), country)
        open_alerts = {
            alert.listing_id: alert
            for alert in PriceAlert.objects.filter(
                listing__in=group, status=PriceAlertStatus.OPEN
            )
        }
        for listing in group:
            counts["checked"] += 1
            brand_price = prices.get(listing.variant_id)
            band = book.band_for(
                listing.partner_id, listing.variant.product.category_id
            )
            if band is None or brand_price is None:
                continue
            if brand_price.currency != listing.currency:
                continue
            verdict = check_price(band, listing.price_amount, brand_price.amount)
            _record_verdict(listing, verdict, open_alerts.get(listing.pk), counts)


def _record_verdict(listing, verdict, open_alert, counts):
    with transaction.atomic():
        PartnerListing.objects.filter(pk=listing.pk).update(
            price_check=verdict.code, brand_price_amount=verdict.brand_price
        )
        if verdict.in_band:
            if open_alert is not None:
                PriceAlert.objects.filter(pk=open_alert.pk).update(
                    status=PriceAlertStatus.RESOLVED, resolved_at=timezone.now()
                )
                counts["resolved"] += 1
                logger.info(
                    "Listing %s: price back in band, alert %s resolved",
                    listing.pk,
                    open_alert.pk,
                )
            return
        if open_alert is not None:
            if open_alert.code != verdict.code:
                PriceAlert.objects.filter(pk=open_alert.pk).update(code=verdict.code)
            return
        try:
            with transaction.atomic():
                alert = PriceAlert.objects.create(
                    listing=listing,
                    partner=listing.partner,
                    code=verdict.code,
                    currency=listing.currency,
                    listing_price_amount=listing.price_amount,
                    brand_price_amount=verdict.brand_price,
                    floor_amount=verdict.floor,
                    ceiling_amount=verdict.ceiling,
                )
        except IntegrityError:
            # Another check raised it in the meantime.
            return
        counts["raised"] += 1
        logger.warning(
            "Listing %s: price %s %s out of band (%s), brand price %s, "
            "band %s-%s; alert %s raised",
            listing.pk,
            listing.price_amount,
            listing.currency,
            verdict.code,
            verdict.brand_price,
            verdict.floor,
            verdict.ceiling,
            alert.pk,
            extra={
                "listing": listing.pk,
                "partner": listing.partner.slug,
                "code": verdict.code,
            },
        )
        webhooks.queue_event(
            listing.partner, webhooks.PRICE_ALERT_RAISED, alert_payload(alert, listing)
        )


def alert_payload(alert, listing) -> dict:
    return {
        "alert": alert.pk,
        "code": alert.code,
        "listing": listing.pk,
        "variant": listing.variant_id,
        "sku": listing.variant.sku,
        "country": str(listing.country),
        "currency": alert.currency,
        "listing_price": str(alert.listing_price_amount),
        "brand_price": str(alert.brand_price_amount),
        "floor": str(alert.floor_amount),
        "ceiling": str(alert.ceiling_amount),
    }
