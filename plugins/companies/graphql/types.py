import graphene
from graphene import relay
from saleor.graphql.core.connection import CountableDjangoObjectType
from saleor.graphql.core.types.common import CountryDisplay

from .. import models


class Company(CountableDjangoObjectType):
    country = graphene.Field(CountryDisplay, required=True)

    class Meta:
        description = "A business buyer: the account its members shop for."
        model = models.Company
        interfaces = [relay.Node]
        only_fields = ["id", "name", "slug", "tax_id", "is_active", "created_at"]

    @staticmethod
    def resolve_country(root: models.Company, _info):
        return CountryDisplay(code=root.country.code, country=root.country.name)


class CustomerGroup(CountableDjangoObjectType):
    companies = graphene.List(graphene.NonNull(Company), required=True)

    class Meta:
        description = "A named set of buyer companies sharing commercial terms."
        model = models.CustomerGroup
        interfaces = [relay.Node]
        only_fields = ["id", "name", "slug"]

    @staticmethod
    def resolve_companies(root: models.CustomerGroup, _info):
        return root.companies.all()
