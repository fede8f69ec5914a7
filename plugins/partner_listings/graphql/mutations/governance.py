import graphene
from django.db import IntegrityError
from saleor.graphql.core.scalars import Decimal
from saleor.product.models import Category

from ...error_codes import PartnerError, PartnerErrorCode
from ...models import Partner, PriceBand
from ...permissions import require_brand
from ..enums import BandActionEnum
from ..types import PriceBand as PriceBandType
from .base import PartnerMutation, decode_int_id, get_or_error

MAX_PERCENT = 1000


class PriceBandInput(graphene.InputObjectType):
    partner = graphene.ID(description="The partner; empty for every partner.")
    category = graphene.ID(description="The category; empty for every category.")
    floor_percent = Decimal(
        required=True, description="Lowest price, in % of the brand's (e.g. 95)."
    )
    ceiling_percent = Decimal(
        required=True, description="Highest price, in % of the brand's (e.g. 120)."
    )
    action = BandActionEnum(
        description="REFUSE an out-of-band price (default) or HOLD it for review."
    )


class PartnerPriceBandSet(PartnerMutation):
    band = graphene.Field(PriceBandType)

    class Arguments:
        input = PriceBandInput(required=True)

    class Meta:
        description = (
            "Set the price band of a partner and/or category, replacing the one "
            "of the same scope (MANAGE_PARTNERS)."
        )

    @classmethod
    def perform(cls, root, info, actor, input):
        require_brand(actor)
        partner = category = None
        if input.get("partner"):
            partner = get_or_error(
                Partner.objects,
                decode_int_id(input["partner"], "Partner", "partner"),
                "partner",
            )
        if input.get("category"):
            category = get_or_error(
                Category.objects,
                decode_int_id(input["category"], "Category", "category"),
                "category",
            )
        floor, ceiling = input.get("floor_percent"), input.get("ceiling_percent")
        if floor is None or ceiling is None or not floor.is_finite():
            raise PartnerError(
                PartnerErrorCode.INVALID_BAND, "Give a floor and a ceiling.", "floor"
            )
        if not 0 < floor <= ceiling <= MAX_PERCENT:
            raise PartnerError(
                PartnerErrorCode.INVALID_BAND,
                f"Need 0 < floor <= ceiling <= {MAX_PERCENT} (percent).",
                "floorPercent",
            )
        try:
            band, _ = PriceBand.objects.select_for_update().update_or_create(
                partner=partner,
                category=category,
                defaults={
                    "floor_percent": floor,
                    "ceiling_percent": ceiling,
                    "action": input.get("action") or "refuse",
                },
            )
        except IntegrityError as error:
            raise PartnerError(
                PartnerErrorCode.UNIQUE, "A band of this scope exists.", "partner"
            ) from error
        return {"band": band}


class PartnerPriceBandDelete(PartnerMutation):
    band = graphene.Field(PriceBandType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Remove a price band (MANAGE_PARTNERS)."

    @classmethod
    def perform(cls, root, info, actor, id):
        require_brand(actor)
        band = get_or_error(PriceBand.objects, decode_int_id(id, "PriceBand"))
        band_id = band.pk
        band.delete()
        band.id = band_id
        return {"band": band}
