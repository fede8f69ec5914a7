"""Partner listings: products pages with offers, and the CSV feed import.

The products pages are a buyer's ``products(first: 20)`` and
``(first: 100)`` where every product has offers from four partners: each
product shows its lowest offer and number of partners
(``listingSummary``). The offers pages are the first 20 and 100 products with every
variant's offers in full (partner, price, stock status, lead time), as a
comparison page shows them. The preparation, run in the benchmark's
process, adds the four benchmark partners, a warehouse each with stock,
and an approved listing of every variant of the first 100 products for
each. Vanilla Saleor serves the same page (names, prices, variants)
without the offers it has no notion of; the SQL count of a marketplace
page must not grow with its size.

The feed import runs in process: a partner's CSV feed of 100,000 listing
rows (one SKU per row, with stock) checked against the price band and
written in one transaction. The first iteration creates the listings;
every later one moves every price by a cent, so each iteration rewrites
all 100,000 listings.
"""

import io
from decimal import Decimal

from bench.graphql import BenchmarkError
from bench.inprocess import set_up_django
from bench.runner import VANILLA

from . import Measure, Outcome

PAGE_SIZES = (20, 100)
PARTNER_COUNT = 4
BENCH_PREFIX = "bench-partner"
FEED_ROWS = 100_000
FEED_PARTNER = "bench-feed-partner"
FEED_PRODUCT = "bench-feed-product"
FEED_SKU_PREFIX = "BENCH-FEED-"

_PRODUCT_FIELDS = """
        id
        name
        pricing { priceRange { start { gross { amount currency } } } }
"""
_VARIANT_FIELDS = """
          id
          pricing { price { gross { amount } } }
"""

VANILLA_PAGE_QUERY = f"""
query BenchmarkPartnerOffersPage($first: Int!) {{
  products(first: $first) {{ edges {{ node {{
{_PRODUCT_FIELDS}
        variants {{
{_VARIANT_FIELDS}
        }}
  }} }} }}
}}
"""

SUMMARY_PAGE_QUERY = f"""
query BenchmarkPartnerOffersPage($first: Int!) {{
  products(first: $first) {{ edges {{ node {{
{_PRODUCT_FIELDS}
        listingSummary {{ lowestPrice {{ amount currency }} partnerCount }}
        variants {{
{_VARIANT_FIELDS}
        }}
  }} }} }}
}}
"""

OFFERS_PAGE_QUERY = f"""
query BenchmarkPartnerOffersPage($first: Int!) {{
  products(first: $first) {{ edges {{ node {{
{_PRODUCT_FIELDS}
        listingSummary {{ lowestPrice {{ amount currency }} partnerCount }}
        variants {{
{_VARIANT_FIELDS}
          listings {{
            id
            partner {{ name }}
            price {{ amount currency }}
            stockStatus
            leadTimeDays
          }}
        }}
  }} }} }}
}}
"""

VARIANTS_QUERY = """
query BenchmarkPartnerVariants($first: Int!) {
  products(first: $first) { edges { node { variants { id } } } }
}
"""


def _ensure_partners(variant_ids):
    """Create the benchmark partners, their stock and listings, once."""
    from saleor.product.models import ProductVariant
    from saleor.shipping.models import ShippingZone
    from saleor.warehouse.models import Stock

    from fixtures.partners import brand_price
    from plugins.partner_listings.models import (
        ListingStatus,
        PartnerListing,
    )

    zones = list(ShippingZone.objects.filter(countries__contains="BR"))
    partners = []
    for index in range(1, PARTNER_COUNT + 1):
        slug = f"{BENCH_PREFIX}-{index}"
        partners.append(
            ensure_bench_partner(
                slug,
                f"Benchmark Partner {index}",
                f"BENCH{index:09d}",
                street="Rua do Benchmark, 1",
                zones=zones,
            )
        )

    variants = list(
        ProductVariant.objects.filter(pk__in=variant_ids).select_related("product")
    )
    for position, (partner, warehouse) in enumerate(partners):
        Stock.objects.bulk_create(
            [
                Stock(warehouse=warehouse, product_variant=variant, quantity=500)
                for variant in variants
            ],
            ignore_conflicts=True,
        )
        PartnerListing.objects.bulk_create(
            [
                PartnerListing(
                    partner=partner,
                    variant=variant,
                    country="BR",
                    currency="BRL",
                    price_amount=(
                        brand_price(variant, "BRL")
                        * (Decimal("0.97") + Decimal(position) / 50)
                    ).quantize(Decimal("0.01")),
                    lead_time_days=1 + position,
                    status=ListingStatus.APPROVED,
                )
                for variant in variants
            ],
            ignore_conflicts=True,
        )


def prepare_pages(target, _runs):
    set_up_django()
    from graphene import Node

    products = target.execute(VARIANTS_QUERY, {"first": max(PAGE_SIZES)}).data[
        "products"
    ]["edges"]
    if not products:
        raise BenchmarkError("Partner listings: no products; seed_demo?")
    variant_ids = [
        int(Node.from_global_id(variant["id"])[1])
        for edge in products
        for variant in edge["node"]["variants"]
    ]
    _ensure_partners(variant_ids)
    _analyze_tables()
    return {"products": len(products)}


def _analyze_tables():
    """Refresh the planner's statistics of the tables the preparation filled.

    A bulk load leaves them stale until autovacuum comes by, and on stale
    statistics PostgreSQL plans the offers query for one row rather than
    hundreds. A database in service has current statistics.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE partner_listings_partner, partner_listings_partnerwarehouse, "
            "partner_listings_partnerlisting, warehouse_stock, warehouse_allocation"
        )


def _page_run(size, query=SUMMARY_PAGE_QUERY):
    def run_once(target, state):
        first = min(size, state["products"])
        if getattr(target, "name", "") == VANILLA:
            return Outcome(
                sql_queries=target.execute(
                    VANILLA_PAGE_QUERY, {"first": first}
                ).sql_queries
            )
        reply = target.execute(query, {"first": first})
        for edge in reply.data["products"]["edges"]:
            summary = edge["node"]["listingSummary"]
            if summary["partnerCount"] < PARTNER_COUNT:
                raise BenchmarkError(
                    f"Partner listings: {summary['partnerCount']} partners on "
                    f"{edge['node']['name']}, not {PARTNER_COUNT}"
                )
        return Outcome(sql_queries=reply.sql_queries)

    return run_once


def _feed_text(iteration):
    lines = [
        "sku,country,price,min_order_quantity,lead_time_days,stock:" + FEED_PARTNER
    ]
    cents = iteration % 50
    for index in range(1, FEED_ROWS + 1):
        lines.append(
            f"{FEED_SKU_PREFIX}{index},BR,{195 + index % 7}.{cents:02d},1,"
            f"{index % 9},{index % 97}"
        )
    return "\n".join(lines) + "\n"


def prepare_feed(_target, _runs):
    """Add 100,000 variants to an unpublished product, and the partner."""
    from django.db import connection
    from saleor.product.models import Category, Product, ProductType

    product = Product.objects.filter(slug=FEED_PRODUCT).first()
    if product is None:
        product_type = ProductType.objects.order_by("pk").first()
        category = Category.objects.order_by("pk").first()
        if product_type is None or category is None:
            raise BenchmarkError("Partner feed: no catalog; seed_demo?")
        product = Product.objects.create(
            name="Benchmark feed product",
            slug=FEED_PRODUCT,
            product_type=product_type,
            category=category,
            price_amount=Decimal("200.00"),
            currency="BRL",
            is_published=False,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO product_productvariant (sku, name, product_id, "
            "track_inventory, currency, metadata, private_metadata) "
            "SELECT %s || g, '', %s, true, 'BRL', '{}', '{}' "
            "FROM generate_series(1, %s) g ON CONFLICT (sku) DO NOTHING",
            [FEED_SKU_PREFIX, product.pk, FEED_ROWS],
        )
        # 100,000 new variants: fresh statistics keep the pages' plans
        # right for the measures that follow.
        cursor.execute("ANALYZE product_productvariant")
    partner, _ = ensure_bench_partner(
        FEED_PARTNER,
        "Benchmark Feed Partner",
        "BENCHFEED",
        street="Rua do Benchmark, 2",
        email="feed@bench.example",
    )
    return {"partner": partner, "iteration": 0}


def import_feed(target, state):
    from plugins.partner_listings import feed

    state["iteration"] += 1
    text = _feed_text(state["iteration"])
    with target.count_sql() as counter:
        result = feed.import_csv(state["partner"], io.StringIO(text))
    if result.errors or not result.written:
        raise BenchmarkError(f"Partner feed: refused: {result.errors[:3]}")
    return Outcome(sql_queries=counter.count, rows=result.rows)


MEASURES = [
    *(
        Measure(
            name=f"partner_offers_products_page_{size}",
            description=(
                f"An anonymous buyer's `products(first: {size})` in Brazil, every "
                f"product offered by {PARTNER_COUNT} partners and more: each "
                "product's lowest offer and partner count. Vanilla serves the "
                "same page without offers."
            ),
            run_once=_page_run(size),
            prepare=prepare_pages,
            iterations=150,
            warmup=10,
        )
        for size in PAGE_SIZES
    ),
    *(
        Measure(
            name=f"partner_offers_variant_listings_{size}",
            description=(
                f"An anonymous buyer's `products(first: {size})` in Brazil with "
                f"every variant's offers in full from {PARTNER_COUNT} partners "
                "and more (partner, price, stock status, lead time). Vanilla "
                "serves the same page without offers."
            ),
            run_once=_page_run(size, OFFERS_PAGE_QUERY),
            prepare=prepare_pages,
            iterations=100,
            warmup=10,
        )
        for size in PAGE_SIZES
    ),
    Measure(
        name="partner_feed_import_100000",
        description=(
            "A partner's CSV feed of 100,000 listing rows with stock, price "
            "checked against the band, written in one transaction; every "
            "iteration after the first moves every price; in process."
        ),
        run_once=import_feed,
        prepare=prepare_feed,
        # Seven seconds each; five keep one slow round from being the median.
        iterations=5,
        warmup=1,
        baseline=False,
        in_process=True,
    ),
]


def ensure_bench_partner(slug, name, tax_id, *, street, zones=(), email=None):
    """Return a benchmark distributor and its warehouse, creating what is missing."""
    from django.utils.text import slugify
    from saleor.account.models import Address
    from saleor.warehouse.models import Warehouse

    from plugins.partner_listings.models import Partner, PartnerWarehouse

    partner, _ = Partner.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": "distributor",
            "tax_id": tax_id,
            "country": "BR",
            "regions": ["BR"],
        },
    )
    warehouse = Warehouse.objects.filter(slug=slugify(slug)).first()
    if warehouse is None:
        address = Address.objects.create(
            company_name=partner.name,
            street_address_1=street,
            city="SAO PAULO",
            postal_code="01001-000",
            country="BR",
            country_area="SP",
        )
        warehouse = Warehouse.objects.create(
            name=partner.name,
            slug=slugify(slug),
            company_name=partner.name,
            address=address,
            email=email or f"{slug}@bench.example",
        )
        warehouse.shipping_zones.add(*zones)
    PartnerWarehouse.objects.get_or_create(partner=partner, warehouse=warehouse)
    return partner, warehouse
