"""Saleor's own API keeps working on the marketplace's stack.

One query per family of Saleor's queries, with the filters and sorting
that go through django-filter and graphene-django's connections, the code
most exposed to the lifted version caps.
"""

import pytest

from .fixtures.api import ApiClient

SALEOR_QUERIES = [
    "{ products(first: 3, sortBy: {field: PRICE, direction: DESC},"
    " filter: {minimalPrice: {gte: 10}}) { edges { node { name } } } }",
    "{ products(first: 3, filter: {isPublished: true,"
    " stockAvailability: IN_STOCK}) { totalCount } }",
    '{ categories(first: 3, filter: {search: "a"}) { edges { node {'
    " name products(first: 2) { totalCount } } } } }",
    '{ collections(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ attributes(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ orders(first: 3, filter: {search: "a", status: [UNFULFILLED]}) { totalCount } }',
    '{ draftOrders(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ customers(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ staffUsers(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ permissionGroups(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ warehouses(first: 3, filter: {search: "a"}) { totalCount } }',
    "{ productVariants(first: 3) { edges { node { sku stocks { quantity } } } } }",
    '{ productTypes(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ sales(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ vouchers(first: 3, filter: {search: "a"}) { totalCount } }',
    "{ giftCards(first: 3) { totalCount } }",
    '{ pages(first: 3, filter: {search: "a"}) { totalCount } }',
    "{ shippingZones(first: 3) { totalCount } }",
    "{ homepageEvents(first: 3) { totalCount } }",
    "{ reportProductSales(first: 3, period: TODAY) { totalCount } }",
    '{ apps(first: 3, filter: {search: "a"}) { totalCount } }',
    '{ plugins(first: 3, filter: {search: "a"}) { totalCount } }',
    "{ shop { countries { code } defaultCurrency } }",
]


@pytest.fixture
def superuser_api_client(db):
    from saleor.account.models import User

    admin = User.objects.create_superuser("admin@example.com", "password-for-tests")
    return ApiClient(user=admin)


@pytest.mark.parametrize("query", SALEOR_QUERIES)
def test_saleor_query_runs_without_errors(superuser_api_client, product, query):
    superuser_api_client.execute(query)
