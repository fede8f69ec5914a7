"""The price fields run a fixed number of queries, whatever the page size."""

import pytest
from graphql_jwt.shortcuts import get_token

from bench.inprocess import InProcessTarget
from bench.measures import price_lists as measures
from tests.fixtures.catalog import create_product

PAGE = """
query ($first: Int!) {
  products(first: $first) { edges { node {
    pricing { priceRange { start { gross { amount currency } } } }
    variants { pricing { price { gross { amount currency } } }
               pricingTiers { minQuantity } }
  } } }
}
"""


@pytest.fixture
def counted_api(api_client, settings):
    settings.MIDDLEWARE = [
        "marketplace.middleware.sql_query_count",
        *settings.MIDDLEWARE,
    ]
    return api_client


@pytest.fixture
def big_catalog(product_type, category):
    return [
        create_product(f"Tool {index:03d}", "100.00", product_type, category)
        for index in range(30)
    ]


def _sql_for_page(client, token, first):
    response = client.post(PAGE, {"first": first}, HTTP_AUTHORIZATION=f"JWT {token}")
    content = response.json()
    assert "errors" not in content, content
    edges = content["data"]["products"]["edges"]
    assert len(edges) == first
    assert all(edge["node"]["pricing"] for edge in edges)
    return int(response["X-SQL-Queries"])


def test_products_page_queries_do_not_grow_with_page_size(counted_api, big_catalog):
    # given: the benchmark's buyer, with 20 lists applying to it
    user, company, group, context = measures.ensure_buyer()
    variant_ids = [product.variants.get().pk for product in big_catalog]
    assert measures.ensure_lists(company, group, context, variant_ids) == 20
    token = get_token(user)

    # when
    small = _sql_for_page(counted_api, token, 5)
    large = _sql_for_page(counted_api, token, 30)

    # then
    assert small == large


def test_page_measure_reads_prices_from_the_buyers_lists(counted_api, big_catalog):
    # given
    target = _TestTarget(counted_api)
    state = measures.prepare_pages(target, 1)

    # when
    outcome = measures.MEASURES[0].run_once(target, state)

    # then
    assert state["applicable"] == 20
    assert state["pages"] == {20: (20, 20), 100: (30, 30)}
    prices = {
        edge["node"]["variants"][0]["pricing"]["price"]["gross"]["amount"]
        for edge in target.replies[-1].data["products"]["edges"]
    }
    assert 100.0 not in prices
    assert outcome.sql_queries == target.replies[-1].sql_queries


def test_bulk_measure_resolves_every_row_in_few_queries(big_catalog, variant):
    # given
    from tests.fixtures.price_lists import create_price_list

    create_price_list(
        "Brazil list",
        "BRL",
        ["BR"],
        is_default=True,
        entries={
            product.variants.get(): {1: "90", 10: "85"} for product in big_catalog
        },
    )
    target = InProcessTarget()
    state = measures.prepare_bulk(target, 1)

    # when
    outcome = measures.resolve_in_bulk(target, state)

    # then
    assert outcome.rows == measures.BULK_ROWS
    assert outcome.sql_queries <= 4 * state["contexts"]


class _TestTarget:
    """What ``tests/test_bench.py`` gives a measure: Django's test client."""

    def __init__(self, api_client):
        self.api_client = api_client
        self.replies = []

    def execute(self, query, variables=None):
        from bench.graphql import read_reply

        response = self.api_client.post(query, variables)
        reply = read_reply(response.status_code, response.json(), response.headers)
        self.replies.append(reply)
        return reply
