import graphene
from graphene import relay
from prices import Money as Price
from saleor.graphql.core.connection import CountableDjangoObjectType
from saleor.graphql.core.fields import FilterInputConnectionField
from saleor.graphql.core.types import Money, TaxedMoney
from saleor.graphql.core.types.common import CountryDisplay, Error
from saleor.graphql.product.types import ProductVariant

from plugins.companies.graphql.types import Company, CustomerGroup

from .. import models
from .enums import PriceListErrorCode


class PriceListError(Error):
    code = PriceListErrorCode(description="The error code.", required=True)
    row = graphene.Int(
        description=(
            "The row the error is about: its position (from 1) in the "
            "entries of a bulk write, or its line in a CSV file."
        )
    )


class PriceListEntry(CountableDjangoObjectType):
    variant = graphene.Field(ProductVariant, required=True)
    sku = graphene.String(required=True, description="SKU of the variant.")
    min_quantity = graphene.Int(
        required=True, description="The price applies from this quantity up."
    )
    price = graphene.Field(Money, required=True, description="The unit price.")

    class Meta:
        description = "The unit price of a variant in a list, from a quantity up."
        model = models.PriceListEntry
        interfaces = [relay.Node]
        only_fields = ["id"]

    @staticmethod
    def resolve_variant(root: models.PriceListEntry, _info):
        return root.variant

    @staticmethod
    def resolve_sku(root: models.PriceListEntry, _info):
        return root.variant.sku

    @staticmethod
    def resolve_price(root: models.PriceListEntry, _info):
        return Price(root.amount, root.price_list.currency)


class PriceList(CountableDjangoObjectType):
    countries = graphene.List(
        graphene.NonNull(CountryDisplay),
        required=True,
        description="The countries the list covers: its region.",
    )
    companies = graphene.List(
        graphene.NonNull(Company),
        required=True,
        description="Buyer companies the list is for; none means every buyer.",
    )
    customer_groups = graphene.List(
        graphene.NonNull(CustomerGroup),
        required=True,
        description="Customer groups the list is for; none means every buyer.",
    )
    entries = FilterInputConnectionField(
        PriceListEntry,
        sku=graphene.String(description="Only the entries of this SKU."),
        description="The list's prices, by variant and minimum quantity.",
    )
    entry_count = graphene.Int(required=True, description="Number of entries.")

    class Meta:
        description = (
            "Prices in one currency for a region, optionally for some buyers, "
            "one sales channel and a validity window."
        )
        model = models.PriceList
        interfaces = [relay.Node]
        only_fields = [
            "id",
            "name",
            "slug",
            "currency",
            "channel",
            "is_default",
            "starts_at",
            "ends_at",
            "priority",
            "is_active",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def resolve_countries(root: models.PriceList, _info):
        from django_countries import countries

        return [
            CountryDisplay(code=code, country=countries.name(code))
            for code in root.countries
        ]

    @staticmethod
    def resolve_companies(root: models.PriceList, _info):
        return list(root.companies.all())

    @staticmethod
    def resolve_customer_groups(root: models.PriceList, _info):
        return list(root.customer_groups.all())

    @staticmethod
    def resolve_entries(root: models.PriceList, _info, sku=None, **_kwargs):
        entries = root.entries.select_related("variant", "price_list")
        if sku:
            entries = entries.filter(variant__sku=sku)
        return entries.order_by("variant__sku", "min_quantity", "pk")

    @staticmethod
    def resolve_entry_count(root: models.PriceList, _info):
        # Annotated by the priceLists query; counted for a single list.
        count = getattr(root, "entry_count", None)
        return root.entries.count() if count is None else count


class PriceTier(graphene.ObjectType):
    min_quantity = graphene.Int(
        required=True, description="The unit price applies from this quantity up."
    )
    price = graphene.Field(TaxedMoney, required=True, description="Unit price.")

    class Meta:
        description = "A volume break: the buyer's unit price from a quantity up."
