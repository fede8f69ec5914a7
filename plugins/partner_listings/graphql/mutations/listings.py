import graphene
from saleor.graphql.core.scalars import Decimal
from saleor.product.models import ProductVariant

from ... import feed
from ... import listings as listing_domain
from ...error_codes import PartnerError, PartnerErrorCode
from ...models import Partner, PartnerListing
from ...permissions import (
    require_brand,
    require_partner_write,
    resolve_acting_partner,
)
from ..types import PartnerError as PartnerErrorType
from ..types import PartnerListing as PartnerListingType
from .base import PartnerMutation, decode_id, decode_int_id, get_or_error

MAX_BULK_ROWS = 1000


class ListingStockInput(graphene.InputObjectType):
    warehouse = graphene.ID(required=True, description="A warehouse the partner holds.")
    quantity = graphene.Int(required=True)


class PartnerListingCreateInput(graphene.InputObjectType):
    partner = graphene.ID(
        description="The partner (brand only; a member lists for its own partner)."
    )
    variant = graphene.ID(description="The variant offered; or give its sku.")
    sku = graphene.String(description="SKU of the variant offered.")
    country = graphene.String(required=True, description="Region of the offer.")
    price = Decimal(required=True, description="Unit price in the region's currency.")
    currency = graphene.String(description="Defaults to the region's currency.")
    min_order_quantity = graphene.Int()
    order_multiple = graphene.Int()
    lead_time_days = graphene.Int()
    stocks = graphene.List(graphene.NonNull(ListingStockInput))
    draft = graphene.Boolean(
        description="Keep the listing as a draft instead of submitting it."
    )


class PartnerListingUpdateInput(graphene.InputObjectType):
    price = Decimal()
    currency = graphene.String()
    min_order_quantity = graphene.Int()
    order_multiple = graphene.Int()
    lead_time_days = graphene.Int()
    stocks = graphene.List(graphene.NonNull(ListingStockInput))
    submit = graphene.Boolean(description="Submit a draft or rejected listing.")
    paused = graphene.Boolean(description="Pause (true) or resume (false) sales.")


def _stocks(data):
    return [
        (decode_id(item["warehouse"], "Warehouse", "stocks"), item["quantity"])
        for item in data.get("stocks") or []
    ]


def _listing_data(data):
    return listing_domain.ListingData(
        country=data.get("country"),
        price=data.get("price"),
        currency=(data.get("currency") or "").upper() or None,
        min_order_quantity=data.get("min_order_quantity"),
        order_multiple=data.get("order_multiple"),
        lead_time_days=data.get("lead_time_days"),
        stocks=_stocks(data),
    )


def _get_partner(actor, global_id, field="partner"):
    partner = None
    if global_id:
        partner = get_or_error(
            Partner.objects, decode_int_id(global_id, "Partner", field), field
        )
    return resolve_acting_partner(actor, partner)


def _get_variant(data):
    if data.get("variant"):
        pk = decode_int_id(data["variant"], "ProductVariant", "variant")
        queryset = ProductVariant.objects.filter(pk=pk)
    elif data.get("sku"):
        queryset = ProductVariant.objects.filter(sku=data["sku"])
    else:
        raise PartnerError(
            PartnerErrorCode.REQUIRED, "Give the variant or its sku.", "variant"
        )
    variant = queryset.select_related("product").first()
    if variant is None:
        raise PartnerError(PartnerErrorCode.NOT_FOUND, "No such variant.", "variant")
    return variant


def _get_listing(actor, global_id, write=True):
    pk = decode_int_id(global_id, "PartnerListing")
    listing = PartnerListing.objects.filter(pk=pk).first()
    if listing is None:
        raise PartnerError(PartnerErrorCode.NOT_FOUND, "No such listing.", "id")
    if write:
        require_partner_write(actor, listing.partner_id)
    return listing


class PartnerListingCreate(PartnerMutation):
    listing = graphene.Field(PartnerListingType)

    class Arguments:
        input = PartnerListingCreateInput(required=True)

    class Meta:
        description = "List a variant for sale by a partner in one region."

    @classmethod
    def perform(cls, root, info, actor, input):
        partner = _get_partner(actor, input.get("partner"))
        variant = _get_variant(input)
        listing = listing_domain.create_listing(
            partner, variant, _listing_data(input), submit=not input.get("draft")
        )
        return {"listing": listing}


class PartnerListingUpdate(PartnerMutation):
    listing = graphene.Field(PartnerListingType)

    class Arguments:
        id = graphene.ID(required=True)
        input = PartnerListingUpdateInput(required=True)

    class Meta:
        description = "Change a listing's price, terms, stock or status."

    @classmethod
    def perform(cls, root, info, actor, id, input):
        listing = _get_listing(actor, id)
        listing = listing_domain.update_listing(
            listing.pk,
            _listing_data(input),
            submit=bool(input.get("submit")),
            paused=input.get("paused"),
        )
        return {"listing": listing}


class PartnerListingDelete(PartnerMutation):
    listing = graphene.Field(PartnerListingType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Withdraw a listing; its stock stays in the warehouses."

    @classmethod
    def perform(cls, root, info, actor, id):
        listing = _get_listing(actor, id)
        listing_id = listing.pk
        listing_domain.delete_listing(listing_id)
        listing.id = listing_id
        return {"listing": listing}


class PartnerListingApprove(PartnerMutation):
    listing = graphene.Field(PartnerListingType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Approve a listing waiting for review (MANAGE_PARTNERS)."

    @classmethod
    def perform(cls, root, info, actor, id):
        require_brand(actor)
        listing = _get_listing(actor, id, write=False)
        return {"listing": listing_domain.approve_listing(listing.pk)}


class PartnerListingReject(PartnerMutation):
    listing = graphene.Field(PartnerListingType)

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        description = "Reject a listing, saying why (MANAGE_PARTNERS)."

    @classmethod
    def perform(cls, root, info, actor, id, reason):
        require_brand(actor)
        listing = _get_listing(actor, id, write=False)
        return {"listing": listing_domain.reject_listing(listing.pk, reason)}


class PartnerListingBulkInput(graphene.InputObjectType):
    variant = graphene.ID()
    sku = graphene.String()
    country = graphene.String(required=True)
    price = Decimal(required=True)
    currency = graphene.String()
    min_order_quantity = graphene.Int()
    order_multiple = graphene.Int()
    lead_time_days = graphene.Int()
    stocks = graphene.List(graphene.NonNull(ListingStockInput))
    draft = graphene.Boolean()


class PartnerListingsBulkUpsert(PartnerMutation):
    created = graphene.Int()
    updated = graphene.Int()
    unchanged = graphene.Int()
    written = graphene.Boolean(
        description="Whether anything was written (false when refused whole)."
    )

    class Arguments:
        partner = graphene.ID(description="Brand only; members upsert their own.")
        listings = graphene.List(
            graphene.NonNull(PartnerListingBulkInput), required=True
        )
        partial = graphene.Boolean(
            default_value=False,
            description="Write the valid rows even if some are refused.",
        )

    class Meta:
        description = (
            f"Create or update up to {MAX_BULK_ROWS} listings of one partner, "
            "keyed by variant and country."
        )

    @classmethod
    def mutate(cls, root, info, **data):
        # Row errors are the payload here, not a refusal of the call.
        from ...permissions import get_actor
        from .base import to_error_type

        actor = get_actor(info.context)
        try:
            result = cls._upsert(actor, **data)
        except PartnerError as error:
            errors = [to_error_type(error)]
            return cls(errors=errors, partner_errors=errors, written=False)
        errors = [
            PartnerErrorType(
                field=error.field, code=error.code, message=error.message, row=error.row
            )
            for error in result.errors
        ]
        return cls(
            errors=errors,
            partner_errors=errors,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            written=result.written,
        )

    @classmethod
    def _upsert(cls, actor, listings, partner=None, partial=False):
        partner = _get_partner(actor, partner)
        if len(listings) > MAX_BULK_ROWS:
            raise PartnerError(
                PartnerErrorCode.TOO_MANY_ROWS,
                f"At most {MAX_BULK_ROWS} listings per call; use the CSV feed.",
                "listings",
            )
        rows, parse_errors = [], []
        for number, item in enumerate(listings, start=1):
            try:
                variant_id = None
                if item.get("variant"):
                    variant_id = decode_int_id(
                        item["variant"], "ProductVariant", "variant"
                    )
                stocks = {
                    decode_id(stock["warehouse"], "Warehouse", "stocks"): stock[
                        "quantity"
                    ]
                    for stock in item.get("stocks") or []
                }
                data = _bulk_data(item)
                listing_domain.validate_terms(data)
                if any(quantity < 0 for quantity in stocks.values()):
                    raise PartnerError(
                        PartnerErrorCode.INVALID, "Negative stock.", "stocks"
                    )
            except PartnerError as error:
                parse_errors.append(
                    feed.RowError(number, error.field, error.code.value, error.message)
                )
                continue
            rows.append(
                feed.FeedRow(
                    row=number,
                    sku=item.get("sku"),
                    variant_id=variant_id,
                    country=(item.get("country") or "").upper() or None,
                    price=data.price,
                    currency=data.currency,
                    min_order_quantity=data.min_order_quantity,
                    order_multiple=data.order_multiple,
                    lead_time_days=data.lead_time_days,
                    draft=bool(item.get("draft")),
                    stocks=stocks,
                )
            )
        return feed.upsert_listings(
            partner, rows, parse_errors=parse_errors, partial=partial
        )


def _bulk_data(item):
    return listing_domain.ListingData(
        price=item.get("price"),
        currency=(item.get("currency") or "").upper() or None,
        min_order_quantity=item.get("min_order_quantity"),
        order_multiple=item.get("order_multiple"),
        lead_time_days=item.get("lead_time_days"),
    )
