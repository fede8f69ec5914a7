"""The brand's regional price of a variant, as the price_lists plugin sets it.

Listings are measured against the price a buyer of the region would pay the
brand with no company contract: ``resolve_price`` for a pricing context
holding only the country. Without the price_lists plugin installed, the
brand's price is Saleor's variant price in the default currency.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class BrandPrice:
    amount: Decimal
    currency: str


def _price_lists_installed():
    return apps.is_installed("plugins.price_lists")


def _regional_context(country):
    from plugins.price_lists.context import get_region_context

    return get_region_context(country, at=timezone.now())


def _saleor_prices(variants):
    from saleor.product.models import Product

    product_prices = dict(
        Product.objects.filter(
            pk__in={variant.product_id for variant in variants}
        ).values_list("pk", "price_amount")
    )
    prices = {}
    for variant in variants:
        amount = variant.price_override_amount
        if amount is None:
            amount = product_prices.get(variant.product_id)
        prices[variant.pk] = (
            BrandPrice(Decimal(amount), settings.DEFAULT_CURRENCY)
            if amount is not None
            else None
        )
    return prices


def get_brand_prices(variants, country) -> dict:
    """Return ``{variant_id: BrandPrice | None}`` for one region."""
    variants = list(variants)
    if not variants:
        return {}
    if not _price_lists_installed():
        return _saleor_prices(variants)

    from plugins.price_lists.resolution import resolve_prices

    context = _regional_context(country)
    resolved = resolve_prices([(variant, 1) for variant in variants], context)
    return {
        variant.pk: BrandPrice(Decimal(price.amount), price.currency)
        if price is not None
        else None
        for variant, price in zip(variants, resolved, strict=True)
    }


def get_brand_price(variant, country) -> BrandPrice | None:
    return get_brand_prices([variant], country).get(variant.pk)


def get_region_currency(country) -> str:
    """The currency listings of a region are priced in."""
    if not _price_lists_installed():
        return settings.DEFAULT_CURRENCY
    from plugins.price_lists.resolution import get_region_currency as region_currency

    return region_currency(country)
