import graphene
from saleor.graphql.account.enums import CountryCodeEnum

from plugins.companies.graphql.types import Company, CustomerGroup

from ... import management, models
from ..types import PriceList
from .base import PriceListMutation


class PriceListInput(graphene.InputObjectType):
    name = graphene.String(description="Name of the list.")
    slug = graphene.String(description="Unique slug; derived from the name if empty.")
    currency = graphene.String(
        description="Currency of the list's amounts, one of the shop's currencies."
    )
    countries = graphene.List(
        graphene.NonNull(CountryCodeEnum),
        description="The countries the list covers; they all pay in its currency.",
    )
    companies = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Buyer companies the list is for; none means every buyer.",
    )
    customer_groups = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Customer groups the list is for; none means every buyer.",
    )
    channel = graphene.String(
        description=(
            "Only this sales channel gets the list: 'storefront' or a partner's "
            "referral code. Empty for every channel."
        )
    )
    is_default = graphene.Boolean(
        description="Whether this is the region's list price, which others override."
    )
    starts_at = graphene.DateTime(description="Start of validity; empty for always.")
    ends_at = graphene.DateTime(description="End of validity (excluded); empty.")
    priority = graphene.Int(description="Breaks ties between lists of a kind.")
    is_active = graphene.Boolean(description="Whether the list applies at all.")


class PriceListCreateInput(PriceListInput):
    name = graphene.String(required=True, description="Name of the list.")
    currency = graphene.String(
        required=True,
        description="Currency of the list's amounts, one of the shop's currencies.",
    )
    countries = graphene.List(
        graphene.NonNull(CountryCodeEnum),
        required=True,
        description="The countries the list covers; they all pay in its currency.",
    )


_FIELDS = {
    "name": "name",
    "slug": "slug",
    "currency": "currency",
    "countries": "countries",
    "channel": "channel",
    "is_default": "is_default",
    "starts_at": "starts_at",
    "ends_at": "ends_at",
    "priority": "priority",
    "is_active": "is_active",
}


def _clean_input(mutation, info, data) -> dict:
    cleaned = {}
    for name, model_field in _FIELDS.items():
        if name in data:
            value = data[name]
            if name == "countries" and value is not None:
                value = [getattr(code, "value", code) for code in value]
            cleaned[model_field] = value
    if "companies" in data:
        cleaned["companies"] = mutation.get_nodes_or_error(
            data["companies"] or [], "companies", Company
        )
    if "customer_groups" in data:
        cleaned["customer_groups"] = mutation.get_nodes_or_error(
            data["customer_groups"] or [], "customer_groups", CustomerGroup
        )
    return cleaned


class PriceListCreate(PriceListMutation):
    price_list = graphene.Field(PriceList, description="The created price list.")

    class Arguments:
        input = PriceListCreateInput(required=True, description="Fields of the list.")

    class Meta:
        description = "Create a price list. Requires MANAGE_PRICE_LISTS."

    @classmethod
    def perform_mutation(cls, _root, info, input):
        price_list = management.save_price_list(None, _clean_input(cls, info, input))
        return PriceListCreate(price_list=price_list)


class PriceListUpdate(PriceListMutation):
    price_list = graphene.Field(PriceList, description="The updated price list.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the price list.")
        input = PriceListInput(required=True, description="Fields to change.")

    class Meta:
        description = "Update a price list. Requires MANAGE_PRICE_LISTS."

    @classmethod
    def perform_mutation(cls, _root, info, id, input):
        price_list = cls.get_node_or_error(info, id, only_type=PriceList)
        price_list = management.save_price_list(
            price_list, _clean_input(cls, info, input)
        )
        return PriceListUpdate(price_list=price_list)


class PriceListDelete(PriceListMutation):
    price_list = graphene.Field(PriceList, description="The deleted price list.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the price list.")

    class Meta:
        description = (
            "Delete a price list and its entries. Requires MANAGE_PRICE_LISTS."
        )

    @classmethod
    def perform_mutation(cls, _root, info, id):
        price_list = cls.get_node_or_error(info, id, only_type=PriceList)
        price_list_id = price_list.pk
        management.delete_price_list(price_list)
        # The deleted list keeps its id in the response, as Saleor's do.
        price_list = models.PriceList(
            **{
                field.attname: getattr(price_list, field.attname)
                for field in models.PriceList._meta.concrete_fields
            }
        )
        price_list.pk = price_list_id
        return PriceListDelete(price_list=price_list)
