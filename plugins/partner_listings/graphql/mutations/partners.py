import graphene
from saleor.app.models import App
from saleor.warehouse.models import Warehouse

from ... import partners
from ...error_codes import PartnerError, PartnerErrorCode
from ...models import Partner
from ...permissions import require_brand, require_partner_write
from ..enums import PartnerKindEnum, PartnerMemberRoleEnum, PartnerStatusEnum
from ..types import Partner as PartnerType
from ..types import PartnerMember as PartnerMemberType
from .base import PartnerMutation, decode_id, decode_int_id, get_or_error


class PartnerInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    kind = PartnerKindEnum()
    country = graphene.String(description="Country of the tax id; BR by default.")
    tax_id = graphene.String(description="CNPJ for Brazil, checked.")
    regions = graphene.List(graphene.NonNull(graphene.String))
    status = PartnerStatusEnum()
    warehouses = graphene.List(
        graphene.NonNull(graphene.ID), description="Warehouses the partner holds."
    )
    payout_account = graphene.String()
    auto_approve_listings = graphene.Boolean()
    low_stock_threshold = graphene.Int()
    webhook_url = graphene.String()
    apps = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Apps acting for the partner (its ERP), with a manager's rights.",
    )
    stock_source = graphene.ID(
        description="Partner whose warehouses ship this partner's orders (a "
        "representative selling the brand's stock); an empty string clears it."
    )


# What a partner's owner may change about its own partner.
_OWNER_FIELDS = {"webhook_url", "low_stock_threshold", "payout_account"}


def _to_data(data):
    warehouse_ids = None
    if data.get("warehouses") is not None:
        warehouse_ids = [
            decode_id(global_id, "Warehouse", "warehouses")
            for global_id in data["warehouses"]
        ]
        known = {
            str(pk)
            for pk in Warehouse.objects.filter(pk__in=warehouse_ids).values_list(
                "pk", flat=True
            )
        }
        if len(known) != len(set(warehouse_ids)):
            raise PartnerError(
                PartnerErrorCode.NOT_FOUND, "Unknown warehouse.", "warehouses"
            )
    stock_source, clear_stock_source = None, False
    if data.get("stock_source") == "":
        clear_stock_source = True
    elif data.get("stock_source"):
        stock_source = get_or_error(
            Partner.objects,
            decode_int_id(data["stock_source"], "Partner", "stockSource"),
            "stockSource",
        )
    app_ids = None
    if data.get("apps") is not None:
        app_ids = [
            decode_int_id(global_id, "App", "apps") for global_id in data["apps"]
        ]
        known = set(App.objects.filter(pk__in=app_ids).values_list("pk", flat=True))
        if known != set(app_ids):
            raise PartnerError(PartnerErrorCode.NOT_FOUND, "Unknown app.", "apps")
    return partners.PartnerData(
        app_ids=app_ids,
        stock_source=stock_source,
        clear_stock_source=clear_stock_source,
        name=data.get("name"),
        slug=data.get("slug"),
        kind=data.get("kind"),
        country=data.get("country"),
        tax_id=data.get("tax_id"),
        regions=data.get("regions"),
        status=data.get("status"),
        warehouse_ids=warehouse_ids,
        payout_account=data.get("payout_account"),
        auto_approve_listings=data.get("auto_approve_listings"),
        low_stock_threshold=data.get("low_stock_threshold"),
        webhook_url=data.get("webhook_url"),
    )


class PartnerCreate(PartnerMutation):
    partner = graphene.Field(PartnerType)

    class Arguments:
        input = PartnerInput(required=True)

    class Meta:
        description = "Register a partner (MANAGE_PARTNERS)."

    @classmethod
    def perform(cls, root, info, actor, input):
        require_brand(actor)
        return {"partner": partners.save_partner(_to_data(input))}


class PartnerUpdate(PartnerMutation):
    partner = graphene.Field(PartnerType)

    class Arguments:
        id = graphene.ID(required=True)
        input = PartnerInput(required=True)

    class Meta:
        description = (
            "Change a partner (MANAGE_PARTNERS); a partner's owner may change "
            "its webhook URL, payout account and low-stock threshold."
        )

    @classmethod
    def perform(cls, root, info, actor, id, input):
        partner = get_or_error(Partner.objects, decode_int_id(id, "Partner"))
        if not actor.is_brand:
            require_partner_write(actor, partner.pk)
            if not actor.is_owner:
                raise PartnerError(
                    PartnerErrorCode.PERMISSION_DENIED,
                    "Only the partner's owner can change it.",
                )
            forbidden = sorted(
                set(k for k, v in input.items() if v is not None) - _OWNER_FIELDS
            )
            if forbidden:
                raise PartnerError(
                    PartnerErrorCode.PERMISSION_DENIED,
                    "Only the brand can change " + ", ".join(forbidden) + ".",
                    forbidden[0],
                )
        return {"partner": partners.save_partner(_to_data(input), partner)}


class PartnerMemberAdd(PartnerMutation):
    member = graphene.Field(PartnerMemberType)
    partner = graphene.Field(PartnerType)

    class Arguments:
        partner = graphene.ID(required=True)
        email = graphene.String(required=True)
        role = PartnerMemberRoleEnum(required=True)

    class Meta:
        description = (
            "Make a user a member of a partner (MANAGE_PARTNERS, or the "
            "partner's owner)."
        )

    @classmethod
    def perform(cls, root, info, actor, partner, email, role):
        partner = get_or_error(
            Partner.objects, decode_int_id(partner, "Partner", "partner"), "partner"
        )
        if not actor.is_brand and not (
            actor.is_owner and actor.partner.pk == partner.pk
        ):
            raise PartnerError(
                PartnerErrorCode.PERMISSION_DENIED,
                "Only the brand or the partner's owner can add members.",
            )
        member = partners.add_partner_member(partner, email, role)
        return {"member": member, "partner": partner}
