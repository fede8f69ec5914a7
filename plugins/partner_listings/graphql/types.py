from collections import OrderedDict

import graphene
from django.apps import apps
from graphene import relay
from graphene_django import DjangoObjectType
from prices import Money as PricesMoney
from saleor.graphql.account.types import Address
from saleor.graphql.core.connection import CountableDjangoObjectType
from saleor.graphql.core.scalars import Decimal
from saleor.graphql.core.types import Money
from saleor.graphql.order.types import OrderLine
from saleor.graphql.warehouse.types import Warehouse
from saleor.warehouse.models import Stock

from .. import models, offers
from ..permissions import can_view_partner, get_actor
from .enums import (
    BandActionEnum,
    DeliveryStatusEnum,
    ListingStatusEnum,
    PartnerErrorCodeEnum,
    PartnerKindEnum,
    PartnerMemberRoleEnum,
    PartnerStatusEnum,
    PriceAlertStatusEnum,
    StockStatusEnum,
)


def get_buyer_country(info, country=None):
    """The buyer's region: the argument, else what pricing decided.

    Computed once per request: every product and variant of a page asks.
    """
    if country:
        return country.upper()
    request = info.context
    cached = getattr(request, "_partner_buyer_country", None)
    if cached is not None:
        return cached or None
    code = None
    if apps.is_installed("plugins.price_lists"):
        from plugins.price_lists.context import get_pricing_context

        context = get_pricing_context(info)
        code = getattr(context, "country", None)
    if not code:
        code = getattr(request, "country", None)
    code = str(getattr(code, "code", code) or "").upper()
    request._partner_buyer_country = code
    return code or None


class PartnerError(graphene.ObjectType):
    field = graphene.String(
        description="The input field the error is about, if any (camelCase)."
    )
    code = PartnerErrorCodeEnum(required=True, description="Stable error code.")
    message = graphene.String(required=True, description="Human-readable message.")
    row = graphene.Int(description="Row (1-based) of a bulk input or feed.")


class PartnerMember(DjangoObjectType):
    email = graphene.String(required=True)
    role = PartnerMemberRoleEnum(required=True)

    class Meta:
        model = models.PartnerMember
        only_fields = ["id", "created_at"]
        interfaces = [relay.Node]

    @staticmethod
    def resolve_email(root, _info):
        return root.user.email


def _private(resolver):
    """Show a field only to the brand and to the partner's own members."""

    def wrapped(root, info, *args, **kwargs):
        if not can_view_partner(get_actor(info.context), root.pk):
            return None
        return resolver(root, info, *args, **kwargs)

    return wrapped


class Partner(CountableDjangoObjectType):
    kind = PartnerKindEnum(required=True)
    status = PartnerStatusEnum(required=True)
    regions = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Country codes the partner sells in.",
    )
    country = graphene.String(required=True, description="Country of the tax id.")
    tax_id = graphene.String()
    warehouses = graphene.List(
        graphene.NonNull(Warehouse), description="Warehouses the partner holds."
    )
    payout_account = graphene.String()
    auto_approve_listings = graphene.Boolean()
    low_stock_threshold = graphene.Int()
    webhook_url = graphene.String()
    webhook_secret = graphene.String(
        description="Key of the HMAC-SHA256 webhook signature (owners only)."
    )
    members = graphene.List(graphene.NonNull(PartnerMember))
    stock_source = graphene.Field(
        lambda: Partner, description="Partner whose stock this partner sells."
    )

    class Meta:
        model = models.Partner
        description = "A company selling the brand's products."
        interfaces = [relay.Node]
        only_fields = ["id", "name", "slug", "created_at", "updated_at"]

    @staticmethod
    def resolve_regions(root, _info):
        return root.regions

    @staticmethod
    def resolve_country(root, _info):
        return str(root.country)

    @staticmethod
    def resolve_tax_id(root, _info):
        return root.tax_id

    resolve_warehouses = staticmethod(
        _private(
            lambda root, _info: [
                hold.warehouse
                for hold in root.held_warehouses.select_related("warehouse")
            ]
        )
    )
    resolve_payout_account = staticmethod(
        _private(lambda root, _info: root.payout_account)
    )
    resolve_auto_approve_listings = staticmethod(
        _private(lambda root, _info: root.auto_approve_listings)
    )
    resolve_low_stock_threshold = staticmethod(
        _private(lambda root, _info: root.low_stock_threshold)
    )
    resolve_webhook_url = staticmethod(_private(lambda root, _info: root.webhook_url))
    resolve_members = staticmethod(
        _private(lambda root, _info: list(root.members.select_related("user")))
    )

    resolve_stock_source = staticmethod(_private(lambda root, _info: root.stock_source))

    @staticmethod
    def resolve_webhook_secret(root, info):
        actor = get_actor(info.context)
        if actor.is_brand or (actor.is_owner and actor.partner.pk == root.pk):
            return root.webhook_secret
        return None


class ListingStock(graphene.ObjectType):
    warehouse = graphene.Field(Warehouse, required=True)
    quantity = graphene.Int(required=True)
    quantity_allocated = graphene.Int(required=True)


class PartnerListing(CountableDjangoObjectType):
    partner = graphene.Field(Partner, required=True)
    country = graphene.String(required=True, description="Region of the offer.")
    price = graphene.Field(Money, required=True)
    status = ListingStatusEnum(required=True)
    price_check = PartnerErrorCodeEnum(
        description="Governance verdict of the last price check, if out of band."
    )
    brand_price = graphene.Field(
        Money, description="Brand's regional price at the last price check."
    )
    stock_status = StockStatusEnum(required=True)
    quantity_available = graphene.Int(
        required=True, description="Units the partner can ship now."
    )
    stocks = graphene.List(
        graphene.NonNull(ListingStock),
        description="Stock per partner warehouse (brand and partner only).",
    )
    rejection_reason = graphene.String()

    class Meta:
        model = models.PartnerListing
        description = "A partner's offer of one product variant in one region."
        interfaces = [relay.Node]
        only_fields = [
            "id",
            "variant",
            "min_order_quantity",
            "order_multiple",
            "lead_time_days",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_at",
        ]

    @classmethod
    def get_queryset(cls, queryset, info):
        actor = get_actor(info.context)
        if actor.is_brand:
            return queryset
        visible = queryset.filter(status=models.ListingStatus.APPROVED)
        if actor.partner is not None:
            visible = visible | queryset.filter(partner=actor.partner)
        return visible

    @staticmethod
    def resolve_partner(root, info):
        if "partner" in root._state.fields_cache:
            return root.partner
        from .dataloaders import PartnerByIdLoader

        return PartnerByIdLoader(info.context).load(root.partner_id)

    @staticmethod
    def resolve_country(root, _info):
        return str(root.country)

    @staticmethod
    def resolve_price(root, _info):
        return root.price

    @staticmethod
    def resolve_price_check(root, _info):
        return root.price_check or None

    @staticmethod
    def resolve_brand_price(root, info):
        if not can_view_partner(get_actor(info.context), root.partner_id):
            return None
        if root.brand_price_amount is None:
            return None
        return PricesMoney(root.brand_price_amount, root.currency)

    @staticmethod
    def _available(root):
        available = getattr(root, "available", None)
        if available is None:
            from ..stocks import get_available_quantity

            available = get_available_quantity(root.partner_id, root.variant_id)
            root.available = available
        return int(available)

    @staticmethod
    def resolve_quantity_available(root, _info):
        return PartnerListing._available(root)

    @staticmethod
    def resolve_stock_status(root, info):
        available = PartnerListing._available(root)
        if "partner" in root._state.fields_cache:
            return offers.get_stock_status(root, available)
        from .dataloaders import PartnerByIdLoader

        def status(partner):
            root.partner = partner
            return offers.get_stock_status(root, available)

        return PartnerByIdLoader(info.context).load(root.partner_id).then(status)

    @staticmethod
    def resolve_stocks(root, info):
        if not can_view_partner(get_actor(info.context), root.partner_id):
            return None
        from ..stocks import get_stock_sources

        source_id = get_stock_sources([root.partner_id])[root.partner_id]
        stocks = (
            Stock.objects.filter(
                product_variant_id=root.variant_id,
                warehouse__partner_hold__partner_id=source_id,
            )
            .select_related("warehouse")
            .order_by("warehouse__name")
        )
        result = []
        for stock in stocks:
            allocated = sum(
                allocation.quantity_allocated for allocation in stock.allocations.all()
            )
            result.append(
                ListingStock(
                    warehouse=stock.warehouse,
                    quantity=stock.quantity,
                    quantity_allocated=allocated,
                )
            )
        return result

    @staticmethod
    def resolve_rejection_reason(root, info):
        if not can_view_partner(get_actor(info.context), root.partner_id):
            return None
        return root.rejection_reason or None


class ListingSummary(graphene.ObjectType):
    lowest_price = graphene.Field(Money, description="Lowest offer in the region.")
    partner_count = graphene.Int(required=True)
    listing_count = graphene.Int(required=True)


class PriceBand(CountableDjangoObjectType):
    partner = graphene.Field(Partner)
    category_id = graphene.ID()
    floor_percent = Decimal(required=True)
    ceiling_percent = Decimal(required=True)
    action = BandActionEnum(required=True)

    class Meta:
        model = models.PriceBand
        description = "Floor and ceiling of partner prices, in % of the brand's."
        interfaces = [relay.Node]
        only_fields = ["id", "category", "created_at", "updated_at"]

    @staticmethod
    def resolve_category_id(root, _info):
        if root.category_id is None:
            return None
        return graphene.Node.to_global_id("Category", root.category_id)


class PriceAlert(CountableDjangoObjectType):
    partner = graphene.Field(Partner, required=True)
    listing = graphene.Field(PartnerListing, required=True)
    code = PartnerErrorCodeEnum(required=True)
    status = PriceAlertStatusEnum(required=True)
    listing_price = graphene.Field(Money, required=True)
    brand_price = graphene.Field(Money, required=True)
    floor = graphene.Field(Money, required=True)
    ceiling = graphene.Field(Money, required=True)

    class Meta:
        model = models.PriceAlert
        description = "A listing whose price drifted out of its band."
        interfaces = [relay.Node]
        only_fields = ["id", "created_at", "resolved_at"]

    @staticmethod
    def resolve_listing_price(root, _info):
        return PricesMoney(root.listing_price_amount, root.currency)

    @staticmethod
    def resolve_brand_price(root, _info):
        return PricesMoney(root.brand_price_amount, root.currency)

    @staticmethod
    def resolve_floor(root, _info):
        return PricesMoney(root.floor_amount, root.currency)

    @staticmethod
    def resolve_ceiling(root, _info):
        return PricesMoney(root.ceiling_amount, root.currency)


class PartnerWebhookDelivery(CountableDjangoObjectType):
    event = graphene.String(required=True)
    status = DeliveryStatusEnum(required=True)
    payload = graphene.JSONString(required=True)

    class Meta:
        model = models.WebhookDelivery
        description = "An event sent, or to be sent, to a partner's endpoint."
        interfaces = [relay.Node]
        only_fields = [
            "id",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        ]


class OrderPartnerSubtotal(graphene.ObjectType):
    partner = graphene.Field(
        Partner, description="The partner selling the lines; null for the brand."
    )
    subtotal = graphene.Field(Money, required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    quantity = graphene.Int(required=True)
    quantity_fulfilled = graphene.Int(required=True)
    is_fulfilled = graphene.Boolean(required=True)


def build_partner_subtotals(order, routes):
    """Group an order's lines by partner, in order of their first line."""
    by_line = {route.order_line_id: route.partner for route in routes}
    groups = OrderedDict()
    for line in order.lines.all():
        partner = by_line.get(line.pk)
        key = partner.pk if partner is not None else None
        group = groups.setdefault(key, {"partner": partner, "lines": []})
        group["lines"].append(line)
    results = []
    for group in groups.values():
        lines = group["lines"]
        total = sum(
            (line.unit_price_gross_amount * line.quantity for line in lines),
            start=0,
        )
        quantity = sum(line.quantity for line in lines)
        fulfilled = sum(line.quantity_fulfilled for line in lines)
        results.append(
            OrderPartnerSubtotal(
                partner=group["partner"],
                subtotal=PricesMoney(total, order.currency),
                lines=lines,
                quantity=quantity,
                quantity_fulfilled=fulfilled,
                is_fulfilled=fulfilled >= quantity,
            )
        )
    return results


class PartnerOrder(graphene.ObjectType):
    """An order as one partner sees it: only the lines it sells."""

    id = graphene.ID(required=True, description="Global ID of the Saleor order.")
    number = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.String(required=True)
    user_email = graphene.String()
    shipping_address = graphene.Field(Address)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    subtotal = graphene.Field(Money, required=True)
    is_fulfilled = graphene.Boolean(required=True)
