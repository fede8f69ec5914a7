"""The price lists' part of the schema.

Replaces Saleor's ``products``, ``product``, ``productVariant`` and
``productVariants`` queries with the same ones taking ``country`` and
``channel``, which every price below them (and the partners' listings)
honours; replaces the storefront price fields of ``Product`` and
``ProductVariant``; replaces the checkout mutations that must keep a
checkout in its region's currency; adds the management of price lists.
"""

import graphene
from django.conf import settings
from django.db.models import Count, Q
from saleor.core.permissions import OrderPermissions
from saleor.core.taxes import zero_taxed_money
from saleor.graphql.account.enums import CountryCodeEnum
from saleor.graphql.checkout.types import Checkout, CheckoutLine
from saleor.graphql.core.enums import ReportingPeriod
from saleor.graphql.core.fields import (
    FilterInputConnectionField,
)
from saleor.graphql.core.types import Money, TaxedMoney
from saleor.graphql.decorators import permission_required
from saleor.graphql.order.types import Order as OrderType
from saleor.graphql.product import resolvers as product_resolvers
from saleor.graphql.product.enums import StockAvailability
from saleor.graphql.product.filters import ProductFilterInput
from saleor.graphql.product.schema import ProductQueries
from saleor.graphql.product.sorters import ProductOrder
from saleor.graphql.product.types import Product, ProductVariant
from saleor.graphql.product.types.products import (
    ProductPricingInfo,
    VariantPricingInfo,
)
from saleor.graphql.utils.filters import filter_by_period
from saleor.order import OrderStatus
from saleor.order.models import Order

from marketplace.graphql.registry import add_field

from .. import models
from ..context import set_request_channel, set_request_country
from ..permissions import PriceListPermissions
from . import pricing
from .mutations.checkout import (
    CheckoutAddPromoCode,
    CheckoutBillingAddressUpdate,
    CheckoutCreate,
    CheckoutLinesAdd,
    CheckoutLinesUpdate,
    CheckoutPaymentCreate,
    CheckoutShippingAddressUpdate,
)
from .mutations.entries import (
    PriceListEntriesBulkDelete,
    PriceListEntriesBulkUpsert,
    PriceListEntriesImport,
)
from .mutations.price_lists import PriceListCreate, PriceListDelete, PriceListUpdate
from .types import PriceList, PriceTier


def _country_argument(what):
    return graphene.Argument(
        CountryCodeEnum,
        description=(
            f"Country to price {what} for. Without it: the signed-in buyer's "
            "default shipping address, else the request's country, else the "
            "shop's default country."
        ),
    )


def _channel_argument():
    return graphene.Argument(
        graphene.String,
        description=(
            "Sales channel to price for: 'storefront' (the default, also read "
            "from the X-Sales-Channel header) or a partner's referral code."
        ),
    )


def _quantity_argument():
    return graphene.Argument(
        graphene.Int,
        default_value=1,
        description="Quantity to price, for volume breaks; at least 1.",
    )


def _remember(info, country, channel):
    set_request_country(info, country)
    set_request_channel(info, channel)


add_field(
    Product,
    "pricing",
    graphene.Field(
        ProductPricingInfo,
        country=_country_argument("the product"),
        quantity=_quantity_argument(),
        resolver=pricing.resolve_product_pricing,
        description=(
            "The storefront product's pricing for the buyer: its region's "
            "currency, its contract prices and the quantity's volume break."
        ),
    ),
)
add_field(
    Product,
    "minimal_variant_price",
    graphene.Field(
        Money,
        country=_country_argument("the product"),
        resolver=pricing.resolve_product_minimal_variant_price,
        description="The buyer's price of the cheapest variant, for one unit.",
    ),
)
add_field(
    ProductVariant,
    "pricing",
    graphene.Field(
        VariantPricingInfo,
        country=_country_argument("the variant"),
        quantity=_quantity_argument(),
        resolver=pricing.resolve_variant_pricing,
        description=(
            "The storefront variant's pricing for the buyer: its region's "
            "currency, its contract prices and the quantity's volume break. "
            "The price undiscounted is the region's list price."
        ),
    ),
)
add_field(
    ProductVariant,
    "pricing_tiers",
    graphene.Field(
        graphene.List(graphene.NonNull(PriceTier)),
        country=_country_argument("the variant"),
        resolver=pricing.resolve_variant_pricing_tiers,
        description="The buyer's volume breaks: unit price from each quantity up.",
    ),
)
add_field(
    Checkout,
    "total_price",
    graphene.Field(
        TaxedMoney,
        resolver=pricing.resolve_checkout_total_price,
        description=(
            "The sum of the the checkout line prices, with all the taxes, "
            "shipping costs, and discounts included, in the checkout's currency."
        ),
    ),
)
add_field(
    OrderType,
    "subtotal",
    graphene.Field(
        TaxedMoney,
        resolver=pricing.resolve_order_subtotal,
        description="The sum of line prices not including shipping, in the "
        "order's currency.",
    ),
)
add_field(
    CheckoutLine,
    "unit_price",
    graphene.Field(
        TaxedMoney,
        resolver=pricing.resolve_checkout_line_unit_price,
        description="The price of one unit of the line: what the order records.",
    ),
)


_saleor_products = ProductQueries._meta.fields["products"]


class Query(graphene.ObjectType):
    price_lists = FilterInputConnectionField(
        PriceList,
        country=graphene.Argument(CountryCodeEnum, description="Lists covering it."),
        currency=graphene.String(description="Lists in this currency."),
        is_active=graphene.Boolean(description="Active or inactive lists only."),
        search=graphene.String(description="Part of the name or slug."),
        description="List of price lists. Requires MANAGE_PRICE_LISTS.",
    )
    price_list = graphene.Field(
        PriceList,
        id=graphene.Argument(graphene.ID, required=True),
        description="Look up a price list by ID. Requires MANAGE_PRICE_LISTS.",
    )
    # TODO: sorting and filtering by price use Saleor's base price - a
    # buyer's prices exist only per request; it would take storing each
    # (list, variant) price and joining the buyer's winning list per row.
    products = FilterInputConnectionField(
        Product,
        filter=ProductFilterInput(description="Filtering options for products."),
        sort_by=ProductOrder(description="Sort products."),
        stock_availability=graphene.Argument(
            StockAvailability,
            description=_saleor_products.args["stock_availability"].description,
        ),
        country=_country_argument("the products"),
        channel=_channel_argument(),
        description=(
            "List of the shop's products, priced for the buyer in `country`. "
            "`filter: {search: ...}` searches them."
        ),
    )
    product = graphene.Field(
        Product,
        id=graphene.Argument(graphene.ID, description="ID of the product."),
        slug=graphene.Argument(graphene.String, description="Slug of the product."),
        country=_country_argument("the product"),
        channel=_channel_argument(),
        description="Look up a product by ID, priced for the buyer in `country`.",
    )
    product_variant = graphene.Field(
        ProductVariant,
        id=graphene.Argument(
            graphene.ID, description="ID of the product variant.", required=True
        ),
        country=_country_argument("the variant"),
        channel=_channel_argument(),
        description="Look up a product variant by ID, priced for `country`.",
    )
    product_variants = FilterInputConnectionField(
        ProductVariant,
        ids=graphene.List(
            graphene.ID, description="Filter product variants by given IDs."
        ),
        country=_country_argument("the variants"),
        channel=_channel_argument(),
        description="List of product variants, priced for `country`.",
    )

    orders_total = graphene.Field(
        TaxedMoney,
        period=graphene.Argument(ReportingPeriod, description="A period of time."),
        currency=graphene.String(
            description="Sum the orders in this currency; the default currency "
            "if empty."
        ),
        description=(
            "Return the total sales amount from a specific period, in one "
            "currency: orders in other currencies are left out."
        ),
    )

    @staticmethod
    @permission_required(OrderPermissions.MANAGE_ORDERS)
    def resolve_orders_total(_root, _info, period=None, currency=None):
        # Saleor sums every order into DEFAULT_CURRENCY, which fails as soon
        # as one order is in another currency.
        currency = (currency or settings.DEFAULT_CURRENCY).upper()
        orders = Order.objects.confirmed().exclude(status=OrderStatus.CANCELED)
        if period:
            orders = filter_by_period(orders, period, "created")
        orders = orders.filter(currency=currency)
        zero = zero_taxed_money(currency)
        return sum((order.total for order in orders), zero)

    @staticmethod
    @permission_required(PriceListPermissions.MANAGE_PRICE_LISTS)
    def resolve_price_lists(
        _root, _info, country=None, currency=None, is_active=None, search=None, **_
    ):
        price_lists = models.PriceList.objects.annotate(
            entry_count=Count("entries")
        ).prefetch_related("companies", "customer_groups")
        if country:
            code = getattr(country, "value", country)
            price_lists = price_lists.filter(countries__contains=[code])
        if currency:
            price_lists = price_lists.filter(currency=currency.upper())
        if is_active is not None:
            price_lists = price_lists.filter(is_active=is_active)
        if search:
            price_lists = price_lists.filter(
                Q(name__icontains=search) | Q(slug__icontains=search)
            )
        return price_lists

    @staticmethod
    @permission_required(PriceListPermissions.MANAGE_PRICE_LISTS)
    def resolve_price_list(_root, info, id):
        return graphene.Node.get_node_from_global_id(info, id, PriceList)

    @staticmethod
    def resolve_products(root, info, country=None, channel=None, **kwargs):
        _remember(info, country, channel)
        return product_resolvers.resolve_products(info, **kwargs)

    @staticmethod
    def resolve_product(root, info, id=None, slug=None, country=None, channel=None):
        _remember(info, country, channel)
        return ProductQueries.resolve_product(root, info, id=id, slug=slug)

    @staticmethod
    def resolve_product_variant(root, info, id, country=None, channel=None):
        _remember(info, country, channel)
        return graphene.Node.get_node_from_global_id(info, id, ProductVariant)

    @staticmethod
    def resolve_product_variants(
        root, info, ids=None, country=None, channel=None, **_kwargs
    ):
        _remember(info, country, channel)
        return product_resolvers.resolve_product_variants(info, ids)


class Mutation(graphene.ObjectType):
    price_list_create = PriceListCreate.Field()
    price_list_update = PriceListUpdate.Field()
    price_list_delete = PriceListDelete.Field()
    price_list_entries_bulk_upsert = PriceListEntriesBulkUpsert.Field()
    price_list_entries_import = PriceListEntriesImport.Field()
    price_list_entries_bulk_delete = PriceListEntriesBulkDelete.Field()

    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_billing_address_update = CheckoutBillingAddressUpdate.Field()
    checkout_add_promo_code = CheckoutAddPromoCode.Field()
    checkout_payment_create = CheckoutPaymentCreate.Field()


types = [PriceTier]
