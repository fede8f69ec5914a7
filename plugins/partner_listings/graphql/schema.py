"""The partner listings API, and its fields on Saleor's types."""

import graphene
from django.db.models import Q
from graphql_jwt.exceptions import PermissionDenied
from saleor.graphql.checkout.types import CheckoutLine
from saleor.graphql.core.fields import PrefetchingConnectionField
from saleor.graphql.order.types import Order, OrderLine
from saleor.graphql.product.types import Product, ProductVariant
from saleor.order.models import Order as OrderModel

from marketplace.graphql.registry import add_field

from .. import models, offers
from ..permissions import get_actor
from .dataloaders import (
    OffersByVariantLoader,
    OfferSummaryByProductLoader,
    RouteByOrderLineLoader,
    RoutesByOrderLoader,
)
from .enums import (
    DeliveryStatusEnum,
    ListingStatusEnum,
    PartnerKindEnum,
    PartnerStatusEnum,
    PriceAlertStatusEnum,
)
from .mutations.checkout import CheckoutListingLinesAdd, CheckoutListingLinesUpdate
from .mutations.fulfillment import PartnerFulfillmentCreate
from .mutations.governance import PartnerPriceBandDelete, PartnerPriceBandSet
from .mutations.listings import (
    PartnerListingApprove,
    PartnerListingCreate,
    PartnerListingDelete,
    PartnerListingReject,
    PartnerListingsBulkUpsert,
    PartnerListingUpdate,
)
from .mutations.partners import PartnerCreate, PartnerMemberAdd, PartnerUpdate
from .types import (
    ListingSummary,
    OrderPartnerSubtotal,
    Partner,
    PartnerListing,
    PartnerOrder,
    PartnerWebhookDelivery,
    PriceAlert,
    PriceBand,
    build_partner_subtotals,
    get_buyer_country,
)

MAX_PAGE = 100


class ConnectionField(PrefetchingConnectionField):
    """Saleor's connection field, fitted to graphene-django 2.13's call."""

    @classmethod
    def resolve_connection(cls, connection, args, iterable, max_limit=None):
        return super().resolve_connection(connection, args, iterable)


def _pk(global_id, type_name):
    try:
        found, pk = graphene.Node.from_global_id(global_id)
    except Exception:  # noqa: BLE001 - a malformed ID matches nothing
        return None
    return pk if found == type_name else None


def _scope_to_actor(actor, queryset, partner=None, field="partner"):
    """Limit a queryset to what the actor may see; the brand sees all."""
    if actor.is_brand:
        if partner:
            queryset = queryset.filter(**{f"{field}_id": _pk(partner, "Partner")})
        return queryset
    if actor.partner is None:
        raise PermissionDenied()
    if partner and _pk(partner, "Partner") != str(actor.partner.pk):
        raise PermissionDenied()
    return queryset.filter(**{f"{field}_id": actor.partner.pk})


class Query(graphene.ObjectType):
    partners = ConnectionField(
        Partner,
        status=PartnerStatusEnum(),
        kind=PartnerKindEnum(),
        search=graphene.String(),
        description="Every partner (MANAGE_PARTNERS).",
    )
    partner = graphene.Field(
        Partner, id=graphene.ID(), slug=graphene.String(), description="A partner."
    )
    my_partner = graphene.Field(
        Partner, description="The partner the signed-in user or app acts for."
    )
    partner_listings = ConnectionField(
        PartnerListing,
        partner=graphene.ID(),
        status=ListingStatusEnum(),
        country=graphene.String(),
        sku=graphene.String(),
        description="Listings: every one for the brand, its own for a partner.",
    )
    partner_listing = graphene.Field(PartnerListing, id=graphene.ID(required=True))
    price_alerts = ConnectionField(
        PriceAlert,
        partner=graphene.ID(),
        status=PriceAlertStatusEnum(),
        description="Listings that drifted out of band: all for the brand, its "
        "own for a partner.",
    )
    partner_price_bands = graphene.List(
        graphene.NonNull(PriceBand),
        description="The price bands; a partner sees those that apply to it.",
    )
    partner_orders = graphene.List(
        graphene.NonNull(PartnerOrder),
        partner=graphene.ID(description="Brand only: whose orders."),
        first=graphene.Int(default_value=20),
        offset=graphene.Int(default_value=0),
        description="Orders with lines sold by a partner, newest first.",
    )
    partner_webhook_deliveries = ConnectionField(
        PartnerWebhookDelivery,
        partner=graphene.ID(),
        status=DeliveryStatusEnum(),
        description="Webhook deliveries: all for the brand, its own for a partner.",
    )

    @staticmethod
    def resolve_partners(_root, info, status=None, kind=None, search=None, **_kw):
        if not get_actor(info.context).is_brand:
            raise PermissionDenied()
        queryset = models.Partner.objects.all()
        if status:
            queryset = queryset.filter(status=status)
        if kind:
            queryset = queryset.filter(kind=kind)
        if search:
            queryset = queryset.filter(
                Q(name__icontains=search)
                | Q(slug__icontains=search)
                | Q(tax_id__icontains=search)
            )
        return queryset

    @staticmethod
    def resolve_partner(_root, _info, id=None, slug=None):
        if id:
            pk = _pk(id, "Partner")
            return models.Partner.objects.filter(pk=pk).first() if pk else None
        if slug:
            return models.Partner.objects.filter(slug=slug).first()
        return None

    @staticmethod
    def resolve_my_partner(_root, info):
        return get_actor(info.context).partner

    @staticmethod
    def resolve_partner_listings(
        _root, info, partner=None, status=None, country=None, sku=None, **_kw
    ):
        actor = get_actor(info.context)
        queryset = _scope_to_actor(
            actor, models.PartnerListing.objects.select_related("partner"), partner
        )
        if status:
            queryset = queryset.filter(status=status)
        if country:
            queryset = queryset.filter(country=country.upper())
        if sku:
            queryset = queryset.filter(variant__sku=sku)
        return queryset.order_by("pk")

    @staticmethod
    def resolve_partner_listing(_root, info, id):
        pk = _pk(id, "PartnerListing")
        if pk is None:
            return None
        queryset = PartnerListing.get_queryset(models.PartnerListing.objects, info)
        return queryset.filter(pk=pk).select_related("partner").first()

    @staticmethod
    def resolve_price_alerts(_root, info, partner=None, status=None, **_kw):
        actor = get_actor(info.context)
        queryset = _scope_to_actor(
            actor,
            models.PriceAlert.objects.select_related("partner", "listing"),
            partner,
        )
        if status:
            queryset = queryset.filter(status=status)
        return queryset

    @staticmethod
    def resolve_partner_price_bands(_root, info):
        actor = get_actor(info.context)
        queryset = models.PriceBand.objects.select_related("partner")
        if actor.is_brand:
            return queryset
        if actor.partner is None:
            raise PermissionDenied()
        return queryset.filter(Q(partner=actor.partner) | Q(partner__isnull=True))

    @staticmethod
    def resolve_partner_orders(_root, info, partner=None, first=20, offset=0):
        actor = get_actor(info.context)
        routes = _scope_to_actor(actor, models.OrderLineRoute.objects.all(), partner)
        first = max(0, min(first, MAX_PAGE))
        offset = max(0, offset)
        order_ids = list(
            routes.values_list("order_id", flat=True)
            .distinct()
            .order_by("-order_id")[offset : offset + first]
        )
        orders = OrderModel.objects.in_bulk(order_ids)
        lines_by_order = {}
        for route in routes.filter(order_id__in=order_ids).select_related("order_line"):
            lines_by_order.setdefault(route.order_id, []).append(route.order_line)
        results = []
        for order_id in order_ids:
            order = orders[order_id]
            lines = sorted(lines_by_order.get(order_id, []), key=lambda line: line.pk)
            total = sum(
                (line.unit_price_gross_amount * line.quantity for line in lines),
                start=0,
            )
            from prices import Money

            results.append(
                PartnerOrder(
                    id=graphene.Node.to_global_id("Order", order.pk),
                    number=str(order.pk),
                    created=order.created,
                    status=order.status,
                    user_email=order.user_email,
                    shipping_address=order.shipping_address,
                    lines=lines,
                    subtotal=Money(total, order.currency),
                    is_fulfilled=all(
                        line.quantity_fulfilled >= line.quantity for line in lines
                    ),
                )
            )
        return results

    @staticmethod
    def resolve_partner_webhook_deliveries(
        _root, info, partner=None, status=None, **_kw
    ):
        actor = get_actor(info.context)
        queryset = _scope_to_actor(actor, models.WebhookDelivery.objects.all(), partner)
        if status:
            queryset = queryset.filter(status=status)
        return queryset


class Mutation(graphene.ObjectType):
    partner_create = PartnerCreate.Field()
    partner_update = PartnerUpdate.Field()
    partner_member_add = PartnerMemberAdd.Field()
    partner_listing_create = PartnerListingCreate.Field()
    partner_listing_update = PartnerListingUpdate.Field()
    partner_listing_delete = PartnerListingDelete.Field()
    partner_listings_bulk_upsert = PartnerListingsBulkUpsert.Field()
    partner_listing_approve = PartnerListingApprove.Field()
    partner_listing_reject = PartnerListingReject.Field()
    partner_price_band_set = PartnerPriceBandSet.Field()
    partner_price_band_delete = PartnerPriceBandDelete.Field()
    checkout_listing_lines_add = CheckoutListingLinesAdd.Field()
    checkout_listing_lines_update = CheckoutListingLinesUpdate.Field()
    partner_fulfillment_create = PartnerFulfillmentCreate.Field()


# Fields on Saleor's types.


def resolve_variant_listings(root, info, country=None):
    country = get_buyer_country(info, country)
    if not country:
        return []
    return OffersByVariantLoader(info.context).load((root.pk, country))


def resolve_product_listing_summary(root, info, country=None):
    country = get_buyer_country(info, country)
    if not country:
        return offers.EMPTY_SUMMARY
    return (
        OfferSummaryByProductLoader(info.context)
        .load((root.pk, country))
        .then(lambda summary: summary or offers.EMPTY_SUMMARY)
    )


def resolve_order_line_partner(root, info):
    return (
        RouteByOrderLineLoader(info.context)
        .load(root.pk)
        .then(lambda route: route.partner if route else None)
    )


def resolve_order_line_listing(root, info):
    return (
        RouteByOrderLineLoader(info.context)
        .load(root.pk)
        .then(lambda route: route.listing if route else None)
    )


def resolve_order_partner_subtotals(root, info):
    return (
        RoutesByOrderLoader(info.context)
        .load(root.pk)
        .then(lambda routes: build_partner_subtotals(root, routes))
    )


def resolve_checkout_line_listing(root, _info):
    return offers.get_line_listing(root)


_COUNTRY_ARG = {
    "country": graphene.Argument(
        graphene.String,
        description="Region (ISO 3166-1 code); defaults to the buyer's.",
    )
}

add_field(
    ProductVariant,
    "listings",
    graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(PartnerListing))),
        args=_COUNTRY_ARG,
        resolver=resolve_variant_listings,
        description="Approved offers of partners in the region, best first "
        "(price, then lead time).",
    ),
)
add_field(
    Product,
    "listing_summary",
    graphene.Field(
        graphene.NonNull(ListingSummary),
        args=_COUNTRY_ARG,
        resolver=resolve_product_listing_summary,
        description="Lowest offer and number of partners in the region.",
    ),
)
add_field(
    OrderLine,
    "partner",
    graphene.Field(
        Partner,
        resolver=resolve_order_line_partner,
        description="The partner that sold, and fulfils, the line.",
    ),
)
add_field(
    OrderLine,
    "partner_listing",
    graphene.Field(
        PartnerListing,
        resolver=resolve_order_line_listing,
        description="The listing the line was bought from.",
    ),
)
add_field(
    Order,
    "partner_subtotals",
    graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(OrderPartnerSubtotal))),
        resolver=resolve_order_partner_subtotals,
        description="The order's lines and subtotal per partner.",
    ),
)
add_field(
    CheckoutLine,
    "partner_listing",
    graphene.Field(
        PartnerListing,
        resolver=resolve_checkout_line_listing,
        description="The offer the line is bought from, if any.",
    ),
)

types = [PartnerListing, Partner, PriceAlert, PriceBand, PartnerWebhookDelivery]
