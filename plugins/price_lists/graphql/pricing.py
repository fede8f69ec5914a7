"""The storefront's price fields, priced from the lists for the buyer.

``Product.pricing``, ``Product.minimalVariantPrice`` and
``ProductVariant.pricing`` keep Saleor's types and gain ``country`` and
``quantity`` arguments; ``ProductVariant.pricingTiers`` lists the buyer's
volume breaks. A variant no list prices shows Saleor's own pricing (its
sales included), exactly as the checkout then charges it.
"""

from decimal import Decimal

from graphql.error import GraphQLError
from prices import Money, TaxedMoney, TaxedMoneyRange
from promise import Promise
from saleor.core.taxes import zero_taxed_money
from saleor.graphql.checkout.dataloaders import CheckoutLinesByCheckoutTokenLoader
from saleor.graphql.discount.dataloaders import DiscountsByDateTimeLoader
from saleor.graphql.product.dataloaders import (
    CollectionsByProductIdLoader,
    ProductVariantsByProductIdLoader,
)
from saleor.graphql.product.types import Product, ProductVariant
from saleor.graphql.product.types.products import (
    ProductPricingInfo,
    VariantPricingInfo,
)
from saleor.product.utils.availability import get_variant_price

from marketplace.orders import get_order_subtotal

from ..context import get_pricing_context
from .dataloaders import PriceTiersLoader, VariantPriceLoader
from .types import PriceTier


def _taxed(price) -> TaxedMoney:
    money = Money(price.amount, price.currency)
    return TaxedMoney(net=money, gross=money)


def _clean_quantity(quantity):
    if quantity is None:
        return 1
    if quantity < 1:
        raise GraphQLError("The quantity must be at least 1.")
    return quantity


def _undiscounted(variant_price):
    """Return the region's list price when it is above the buyer's."""
    price, list_price = variant_price.price, variant_price.list_price
    if (
        list_price is not None
        and list_price.currency == price.currency
        and list_price.amount > price.amount
    ):
        return list_price
    return price


def build_variant_pricing(variant_price, product_visible=True) -> VariantPricingInfo:
    price = _taxed(variant_price.price)
    undiscounted = _taxed(_undiscounted(variant_price))
    discount = undiscounted - price if undiscounted > price else None
    return VariantPricingInfo(
        on_sale=product_visible and discount is not None,
        price=price,
        price_undiscounted=undiscounted,
        discount=discount,
        # List prices are already in the buyer's currency.
        price_local_currency=price,
        discount_local_currency=discount,
    )


def resolve_variant_pricing(root, info, country=None, quantity=1):
    quantity = _clean_quantity(quantity)
    context = get_pricing_context(info, country)
    loader = VariantPriceLoader.for_context(info.context, context)

    def build(variant_price):
        if variant_price.price is None:
            return None
        if variant_price.price.price_list_id is None:
            return ProductVariant.resolve_pricing(root, info)
        return build_variant_pricing(variant_price)

    return loader.load_variant(root, quantity).then(build)


def resolve_variant_pricing_tiers(root, info, country=None):
    context = get_pricing_context(info, country)
    loader = PriceTiersLoader.for_context(info.context, context)

    def build(table):
        return [
            PriceTier(min_quantity=quantity, price=_taxed(price))
            for quantity, price in table
        ]

    return loader.load_variant(root).then(build)


def _saleor_prices(product, variants, info):
    """Return Saleor's discounted and base price of each variant, by id."""
    collections = CollectionsByProductIdLoader(info.context).load(product.pk)
    discounts = DiscountsByDateTimeLoader(info.context).load(info.context.request_time)

    def compute(results):
        collections, discounts = results
        prices = {}
        for variant in variants:
            discounted = get_variant_price(
                variant=variant,
                product=product,
                collections=collections,
                discounts=discounts,
            )
            base = get_variant_price(
                variant=variant, product=product, collections=collections, discounts=[]
            )
            prices[variant.pk] = (
                TaxedMoney(net=discounted, gross=discounted),
                TaxedMoney(net=base, gross=base),
            )
        return prices

    return Promise.all([collections, discounts]).then(compute)


def _build_product_pricing(product, priced, saleor_prices) -> ProductPricingInfo:
    discounted = []
    undiscounted = []
    for variant, variant_price in priced:
        if variant_price.price.price_list_id is None:
            price, base = saleor_prices[variant.pk]
            discounted.append(price)
            undiscounted.append(base)
        else:
            discounted.append(_taxed(variant_price.price))
            undiscounted.append(_taxed(_undiscounted(variant_price)))
    price_range = TaxedMoneyRange(start=min(discounted), stop=max(discounted))
    undiscounted_range = TaxedMoneyRange(
        start=min(undiscounted), stop=max(undiscounted)
    )
    discount = None
    if undiscounted_range.start > price_range.start:
        discount = undiscounted_range.start - price_range.start
    return ProductPricingInfo(
        on_sale=product.is_visible and discount is not None,
        price_range=price_range,
        price_range_undiscounted=undiscounted_range,
        discount=discount,
        price_range_local_currency=price_range,
        discount_local_currency=discount,
    )


def resolve_product_pricing(root, info, country=None, quantity=1):
    quantity = _clean_quantity(quantity)
    context = get_pricing_context(info, country)
    loader = VariantPriceLoader.for_context(info.context, context)

    def with_variants(variants):
        if not variants:
            return Product.resolve_pricing(root, info)
        prices = [loader.load_variant(variant, quantity) for variant in variants]
        return Promise.all(prices).then(lambda prices: with_prices(variants, prices))

    def with_prices(variants, prices):
        priced = [
            (variant, price)
            for variant, price in zip(variants, prices, strict=True)
            if price.price is not None
        ]
        if not priced:
            return None
        fallback = [v for v, price in priced if price.price.price_list_id is None]
        if len(fallback) == len(priced):
            return Product.resolve_pricing(root, info)
        if not fallback:
            return _build_product_pricing(root, priced, {})
        return _saleor_prices(root, fallback, info).then(
            lambda saleor_prices: _build_product_pricing(root, priced, saleor_prices)
        )

    return (
        ProductVariantsByProductIdLoader(info.context).load(root.pk).then(with_variants)
    )


def resolve_product_minimal_variant_price(root, info, country=None):
    def start(pricing):
        if pricing is None:
            return None
        return pricing.price_range.start.net

    return Promise.resolve(resolve_product_pricing(root, info, country)).then(start)


def resolve_checkout_total_price(root, info):
    """Return Saleor's checkout total, floored at zero in its own currency."""
    from saleor.checkout import calculations

    def calculate(results):
        lines, discounts = results
        total = (
            calculations.checkout_total(checkout=root, lines=lines, discounts=discounts)
            - root.get_total_gift_cards_balance()
        )
        return max(total, zero_taxed_money(total.currency))

    lines = CheckoutLinesByCheckoutTokenLoader(info.context).load(root.token)
    discounts = DiscountsByDateTimeLoader(info.context).load(info.context.request_time)
    return Promise.all([lines, discounts]).then(calculate)


def resolve_checkout_line_unit_price(root, info):
    """Return what one unit of the line costs: its total over its quantity."""
    from saleor.core.taxes import quantize_price

    def divide(discounts):
        total = info.context.plugins.calculate_checkout_line_total(
            checkout_line=root, discounts=discounts
        )
        return quantize_price(total / Decimal(root.quantity), total.currency)

    return (
        DiscountsByDateTimeLoader(info.context)
        .load(info.context.request_time)
        .then(divide)
    )


def resolve_order_subtotal(root, _info):
    return get_order_subtotal(root)
