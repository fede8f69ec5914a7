"""Prices from price lists: a buyer's products pages and bulk resolution.

The pages are fetched by a signed-in buyer for whom 20 price lists apply in
Brazil. The preparation, run in the benchmark's process on its database,
adds a buyer company, its customer group and its buyer, then as many lists
as it takes for 20 to apply to that buyer (the demo's Brazilian list and
storefront campaign count): lists for the company, for the group and for
the country, each pricing every variant of the pages from 1 and 10 units.
Vanilla Saleor serves the same page to the same buyer at its base prices.
"""

import json
import random
from decimal import Decimal

from bench.graphql import BenchmarkError, GraphQLClient, read_reply, send_request
from bench.inprocess import set_up_django

from . import Measure, Outcome

BENCH_SLUG = "bench-price-list"
BUYER_EMAIL = "bench.buyer@araucaria.example"
COMPANY = ("Benchmark Compras Ltda.", "benchmark-compras", "11444777000161")
APPLICABLE_LISTS = 20
PAGE_SIZES = (20, 100)
BULK_ROWS = 10_000

PAGE_QUERY = """
query BenchmarkPriceListPage($first: Int!) {
  products(first: $first) {
    edges {
      node {
        id
        name
        pricing {
          priceRange { start { gross { amount currency } } }
        }
        variants {
          id
          pricing { price { gross { amount currency } } }
        }
      }
    }
  }
}
"""

VARIANTS_QUERY = """
query BenchmarkPriceListVariants($first: Int!) {
  products(first: $first) { edges { node { variants { id } } } }
}
"""


class SignedInClient:
    """Send a target's requests with a buyer's JWT.

    Works on the benchmark's HTTP client and on any target holding a test
    ``api_client`` (``tests/test_bench.py`` runs every measure once that
    way), whose ``replies`` it keeps up to date.
    """

    def __init__(self, target, token):
        self.target = target
        self.token = token

    def execute(self, query, variables=None):
        if isinstance(self.target, GraphQLClient):
            return self._execute_http(query, variables)
        response = self.target.api_client.post(
            query, variables, HTTP_AUTHORIZATION=f"JWT {self.token}"
        )
        reply = read_reply(response.status_code, response.json(), response.headers)
        self.target.replies.append(reply)
        return reply

    def _execute_http(self, query, variables):
        client = self.target
        body = json.dumps({"query": query, "variables": variables or {}})
        try:
            response = send_request(
                client.base_url,
                "POST",
                "/graphql/",
                body=body.encode(),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"JWT {self.token}",
                },
                timeout=client.timeout,
            )
        except OSError as error:
            raise BenchmarkError(f"{client.name}: {error}") from error
        content = json.loads(response.content)
        return read_reply(response.status, content, response.headers, client.name)


def count_products_for(variants_per_product, size):
    """Return (products, variants) of the fewest products holding ``size``."""
    total = 0
    for count, variants in enumerate(variants_per_product, start=1):
        total += variants
        if total >= size:
            return count, total
    return len(variants_per_product), total


def ensure_buyer():
    """Return the benchmark's buyer and its pricing context."""
    from django.utils import timezone
    from saleor.account.models import User

    from plugins.companies.models import Company, CompanyMember, CustomerGroup
    from plugins.price_lists.context import STOREFRONT_CHANNEL, PricingContext

    name, slug, tax_id = COMPANY
    company, _ = Company.objects.get_or_create(
        slug=slug, defaults={"name": name, "tax_id": tax_id, "country": "BR"}
    )
    group, _ = CustomerGroup.objects.get_or_create(
        slug=slug, defaults={"name": f"{name} group"}
    )
    group.companies.add(company)
    user, created = User.objects.get_or_create(email=BUYER_EMAIL)
    if created:
        user.set_unusable_password()
        user.save()
    CompanyMember.objects.get_or_create(user=user, defaults={"company": company})
    context = PricingContext(
        country="BR",
        company_id=company.pk,
        customer_group_ids=frozenset([group.pk]),
        channel=STOREFRONT_CHANNEL,
        at=timezone.now(),
    )
    return user, company, group, context


def ensure_lists(company, group, context, variant_ids):
    """Add lists until ``APPLICABLE_LISTS`` apply to the buyer."""
    from saleor.product.models import ProductVariant

    from plugins.price_lists import management
    from plugins.price_lists.models import PriceList
    from plugins.price_lists.resolution import load_rules

    missing = APPLICABLE_LISTS - len(load_rules(context))
    variants = list(ProductVariant.objects.filter(pk__in=variant_ids).order_by("pk"))
    rng = random.Random(BENCH_SLUG)
    kinds = [{"companies": [company]}, {"customer_groups": [group]}, {}]
    for index in range(max(missing, 0)):
        slug = f"{BENCH_SLUG}-{index + 1:02d}"
        if PriceList.objects.filter(slug=slug).exists():
            continue
        # Priorities above the demo's keep every list clear of a tie.
        price_list = management.save_price_list(
            None,
            {
                "name": f"Benchmark list {index + 1:02d}",
                "slug": slug,
                "currency": "BRL",
                "countries": ["BR"],
                "priority": 1000 + index,
                **kinds[index % len(kinds)],
            },
        )
        rows = []
        for variant in variants:
            amount = Decimal(rng.randint(5_000, 500_000)) / 100
            volume = (amount * Decimal("0.9")).quantize(Decimal("0.01"))
            rows.append(
                management.EntryRow(row=len(rows), variant_id=variant.pk, amount=amount)
            )
            rows.append(
                management.EntryRow(
                    row=len(rows), variant_id=variant.pk, min_quantity=10, amount=volume
                )
            )
        management.upsert_entries(price_list, rows)
    applicable = len(load_rules(context))
    if applicable < APPLICABLE_LISTS:
        raise BenchmarkError(
            f"Price lists: {applicable} lists apply to the buyer, not "
            f"{APPLICABLE_LISTS}; rerun with --fresh"
        )
    return applicable


def prepare_pages(target, _runs):
    """Add the buyer and its lists once; return its token and the pages."""
    set_up_django()
    from graphene import Node
    from graphql_jwt.shortcuts import get_token

    products = target.execute(VARIANTS_QUERY, {"first": max(PAGE_SIZES)}).data[
        "products"
    ]["edges"]
    pages = {
        size: count_products_for([len(p["node"]["variants"]) for p in products], size)
        for size in PAGE_SIZES
    }
    variant_ids = [
        int(Node.from_global_id(variant["id"])[1])
        for edge in products[: pages[max(PAGE_SIZES)][0]]
        for variant in edge["node"]["variants"]
    ]
    user, company, group, context = ensure_buyer()
    applicable = ensure_lists(company, group, context, variant_ids)
    return {"token": get_token(user), "pages": pages, "applicable": applicable}


def _page_run(size):
    def run_once(target, state):
        first, variants = state["pages"][size]
        reply = SignedInClient(target, state["token"]).execute(
            PAGE_QUERY, {"first": first}
        )
        edges = reply.data["products"]["edges"]
        returned = sum(len(edge["node"]["variants"]) for edge in edges)
        if returned != variants:
            raise BenchmarkError(f"Price lists: {returned} variants, not {variants}")
        if any(edge["node"]["pricing"] is None for edge in edges):
            raise BenchmarkError("Price lists: a product came back unpriced")
        return Outcome(sql_queries=reply.sql_queries)

    return run_once


def prepare_bulk(_target, _runs):
    """Pick 10,000 (variant, buyer, country, quantity) rows, untimed."""
    from django.utils import timezone
    from saleor.product.models import ProductVariant

    from plugins.companies.models import CompanyMember
    from plugins.price_lists.context import PricingContext, get_buyer

    variants = list(ProductVariant.objects.order_by("pk")[:2_000])
    if not variants:
        raise BenchmarkError("Price lists: no variants; seed_demo?")
    now = timezone.now()
    contexts = []
    for member in CompanyMember.objects.select_related("user", "company")[:6]:
        company_id, groups = get_buyer(member.user)
        contexts.append(
            PricingContext(
                country=str(member.company.country),
                company_id=company_id,
                customer_group_ids=groups,
                channel="storefront",
                at=now,
            )
        )
    for country in ("BR", "US", "DE"):
        contexts.append(
            PricingContext(
                country=country,
                company_id=None,
                customer_group_ids=frozenset(),
                channel="storefront",
                at=now,
            )
        )
    rng = random.Random(BULK_ROWS)
    rows = [
        (rng.choice(variants), rng.choice(contexts), rng.choice((1, 5, 10, 50, 100)))
        for _ in range(BULK_ROWS)
    ]
    return {"rows": rows, "contexts": len(set(contexts))}


def resolve_in_bulk(target, state):
    from plugins.price_lists.resolution import resolve_many

    with target.count_sql() as counter:
        prices = resolve_many(state["rows"])
    if sum(price is not None for price in prices) < len(prices) // 2:
        raise BenchmarkError("Price lists: most bulk rows came back unpriced")
    return Outcome(sql_queries=counter.count, rows=len(prices))


MEASURES = [
    *(
        Measure(
            name=f"price_lists_products_page_{size}_variants",
            description=(
                f"A contract buyer's `products` page of the first products "
                f"holding {size} variants (the fewest holding at least {size}): "
                "each product's price range and every variant's price, with 20 "
                "price lists applying to the buyer. Vanilla serves the same "
                "buyer the same page at Saleor's base prices."
            ),
            run_once=_page_run(size),
            prepare=prepare_pages,
            iterations=150,
            warmup=10,
        )
        for size in PAGE_SIZES
    ),
    Measure(
        name="price_lists_bulk_resolve_10000",
        description=(
            "`resolve_many` over 10,000 (variant, buyer, country, quantity) "
            "rows: 2,000 variants, 9 buyers and regions (BR, US, DE), "
            "quantities 1 to 100; in process."
        ),
        run_once=resolve_in_bulk,
        prepare=prepare_bulk,
        iterations=10,
        warmup=1,
        baseline=False,
        in_process=True,
    ),
]
