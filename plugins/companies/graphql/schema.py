import graphene
from django.db.models import Q
from saleor.core.permissions import AccountPermissions
from saleor.graphql.core.fields import FilterInputConnectionField
from saleor.graphql.decorators import one_of_permissions_required

from .. import models
from .types import Company, CustomerGroup

# Staff who manage customers or price lists need to find buyer companies;
# the price lists permission is named, not imported: companies come first.
_STAFF_PERMISSIONS = (
    AccountPermissions.MANAGE_USERS,
    "price_lists.manage_price_lists",
)


class Query(graphene.ObjectType):
    companies = FilterInputConnectionField(
        Company,
        search=graphene.String(description="Part of a name, slug or tax id."),
        description="List of buyer companies.",
    )
    customer_groups = FilterInputConnectionField(
        CustomerGroup, description="List of customer groups."
    )

    @staticmethod
    @one_of_permissions_required(_STAFF_PERMISSIONS)
    def resolve_companies(_root, _info, search=None, **_kwargs):
        companies = models.Company.objects.all()
        if search:
            companies = companies.filter(
                Q(name__icontains=search)
                | Q(slug__icontains=search)
                | Q(tax_id__icontains=search)
            )
        return companies

    @staticmethod
    @one_of_permissions_required(_STAFF_PERMISSIONS)
    def resolve_customer_groups(_root, _info, **_kwargs):
        return models.CustomerGroup.objects.all()


types = [Company, CustomerGroup]
