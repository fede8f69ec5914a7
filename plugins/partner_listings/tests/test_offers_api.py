import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.warehouse.models import Allocation, Stock

from plugins.partner_listings.models import ListingStatus
from tests.fixtures.catalog import create_product
from tests.fixtures.partners import (
    create_listing,
    create_order_line,
    create_partner,
    create_partner_warehouse,
)

PRODUCT_OFFERS = """
query ($country: String) {
  products(first: 50) { edges { node {
    name
    listingSummary(country: $country) {
      lowestPrice { amount currency } partnerCount listingCount
    }
    variants { sku listings(country: $country) {
      partner { slug name kind }
      price { amount currency }
      stockStatus quantityAvailable leadTimeDays minOrderQuantity orderMultiple
    } }
  } } }
}
"""


def offers_of(data, index=0):
    return data["products"]["edges"][index]["node"]["variants"][0]["listings"]


@pytest.fixture
def partner_c(db, shipping_zone):
    partner = create_partner("Representante Gama", "representative", base=77111222)
    create_partner_warehouse(partner, "Gama Recife", shipping_zone)
    return partner


def test_variant_listings_are_best_first(
    api_client, variant, partner_a, partner_b, partner_c
):
    # given: B and C at the same price, C delivers sooner
    create_listing(partner_a, variant, "199.00", stock=50, lead_time_days=1)
    create_listing(partner_b, variant, "185.00", stock=50, lead_time_days=5)
    create_listing(partner_c, variant, "185.00", stock=50, lead_time_days=2)

    # when
    data = api_client.execute(PRODUCT_OFFERS, {"country": "BR"})

    # then
    offers = offers_of(data)
    assert [offer["partner"]["slug"] for offer in offers] == [
        partner_c.slug,
        partner_b.slug,
        partner_a.slug,
    ]
    assert offers[0]["price"] == {"amount": 185.0, "currency": "BRL"}
    assert offers[0]["leadTimeDays"] == 2
    assert offers[0]["partner"]["kind"] == "REPRESENTATIVE"


def test_variant_listings_hide_unapproved_suspended_and_other_regions(
    api_client, variant, partner_a, partner_b, partner_c
):
    # given
    live = create_listing(partner_a, variant, "199.00", stock=5)
    create_listing(
        partner_b, variant, "150.00", stock=5, status=ListingStatus.PENDING_REVIEW
    )
    create_listing(partner_c, variant, "150.00", stock=5)
    partner_c.status = "suspended"
    partner_c.save()
    partner_b.regions = ["BR", "US"]
    partner_b.save()
    create_listing(partner_b, variant, "39.00", country="US", currency="USD")

    # when
    br = api_client.execute(PRODUCT_OFFERS, {"country": "BR"})
    us = api_client.execute(PRODUCT_OFFERS, {"country": "US"})

    # then
    assert [o["price"]["amount"] for o in offers_of(br)] == [float(live.price_amount)]
    assert [o["price"] for o in offers_of(us)] == [{"amount": 39.0, "currency": "USD"}]


@pytest.mark.parametrize(
    ("stock", "allocated", "status", "available"),
    [
        (100, 0, "IN_STOCK", 100),
        (8, 4, "LOW_STOCK", 4),
        (10, 10, "OUT_OF_STOCK", 0),
    ],
)
def test_variant_listings_stock_status(
    api_client, variant, partner_a, stock, allocated, status, available
):
    # given
    create_listing(partner_a, variant, "199.00", stock=stock)
    if allocated:
        Allocation.objects.create(
            order_line=create_order_line(variant, allocated),
            stock=Stock.objects.get(warehouse__slug="alfa-campinas"),
            quantity_allocated=allocated,
        )

    # when
    data = api_client.execute(PRODUCT_OFFERS, {"country": "BR"})

    # then
    [offer] = offers_of(data)
    assert offer["stockStatus"] == status
    assert offer["quantityAvailable"] == available


def test_offer_of_a_partner_without_warehouses_shows_its_stock_source(
    api_client, variant, brand_partner, warehouse
):
    # given: a representative sells the brand's stock, 7 units of it held
    Stock.objects.filter(warehouse=warehouse, product_variant=variant).update(
        quantity=10
    )
    Allocation.objects.create(
        order_line=create_order_line(variant, 3),
        stock=Stock.objects.get(warehouse=warehouse, product_variant=variant),
        quantity_allocated=3,
    )
    representative = create_partner(
        "Representações Sul",
        "representative",
        base=31313131,
        stock_source=brand_partner,
    )
    create_listing(representative, variant, "195.00")

    # when
    data = api_client.execute(PRODUCT_OFFERS, {"country": "BR"})

    # then
    [offer] = offers_of(data)
    assert offer["partner"]["slug"] == representative.slug
    assert offer["quantityAvailable"] == 7


def test_product_listing_summary_counts_partners(
    api_client, variant, partner_a, partner_b
):
    # given
    create_listing(partner_a, variant, "199.00")
    create_listing(partner_b, variant, "189.50")

    # when
    data = api_client.execute(PRODUCT_OFFERS, {"country": "BR"})

    # then
    summary = data["products"]["edges"][0]["node"]["listingSummary"]
    assert summary == {
        "lowestPrice": {"amount": 189.5, "currency": "BRL"},
        "partnerCount": 2,
        "listingCount": 2,
    }


def test_product_listing_summary_without_offers_is_empty(api_client, variant):
    # when
    data = api_client.execute(PRODUCT_OFFERS, {"country": "BR"})

    # then
    summary = data["products"]["edges"][0]["node"]["listingSummary"]
    assert summary == {"lowestPrice": None, "partnerCount": 0, "listingCount": 0}


def _make_catalog(start, count, product_type, category, partners):
    for index in range(start, start + count):
        product = create_product(f"Tool {index}", "100.00", product_type, category)
        variant = product.variants.get()
        for position, partner in enumerate(partners):
            create_listing(partner, variant, f"{100 + position}.00", stock=10)


def _count_queries(client, query, variables):
    with CaptureQueriesContext(connection) as queries:
        client.execute(query, variables)
    return len(queries)


def test_products_offers_query_count_does_not_grow_with_page(
    api_client, product_type, category, partner_a, partner_b, partner_c
):
    # given
    partners = [partner_a, partner_b, partner_c]
    _make_catalog(0, 2, product_type, category, partners)
    small = _count_queries(api_client, PRODUCT_OFFERS, {"country": "BR"})

    # when
    _make_catalog(2, 8, product_type, category, partners)
    large = _count_queries(api_client, PRODUCT_OFFERS, {"country": "BR"})

    # then
    assert large == small
