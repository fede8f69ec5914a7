from decimal import Decimal

import pytest
from django.utils import timezone
from graphene import Node
from saleor.product.models import ProductVariant

from fixtures.price_lists import CONTRACT_COMPANY, build_tiers, to_price_point
from plugins.companies.models import Company
from plugins.price_lists.management import find_tie
from plugins.price_lists.models import PriceList, PriceListEntry
from tests.fixtures.api import ApiClient

VARIANT_PRICING = """
query ($id: ID!, $country: CountryCode, $quantity: Int) {
  productVariant(id: $id, country: $country) {
    sku
    pricing(quantity: $quantity) { price { gross { amount currency } } }
  }
}
"""


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("199.95", "BRL", "199.90"),
        ("199.89", "BRL", "198.90"),
        ("38.44", "USD", "37.99"),
        ("0.50", "EUR", "0.99"),
    ],
)
def test_to_price_point_rounds_down_to_price_ending(amount, currency, expected):
    assert to_price_point(Decimal(amount), currency) == Decimal(expected)


def test_build_tiers_never_rise_with_quantity():
    # when
    tiers = build_tiers(Decimal("10.00"), {1: Decimal("1"), 10: Decimal("1.2")}, "BRL")

    # then
    assert tiers == {1: Decimal("9.90"), 10: Decimal("9.90")}


def test_seed_demo_price_lists_are_sound(seeded_demo):
    # then: every region has its list, in its currency, and no two lists tie
    lists = {price_list.slug: price_list for price_list in PriceList.objects.all()}
    assert {
        slug: lists[slug].currency for slug in lists if slug.startswith("tabela")
    } == {
        "tabela-brazil": "BRL",
        "tabela-united-states": "USD",
        "tabela-european-union": "EUR",
    }
    for price_list in lists.values():
        companies = set(price_list.companies.values_list("pk", flat=True))
        groups = set(price_list.customer_groups.values_list("pk", flat=True))
        assert find_tie(price_list, companies, groups) is None
    variants = ProductVariant.objects.count()
    assert lists["tabela-brazil"].entries.count() == 3 * variants
    for variant_id in ProductVariant.objects.values_list("pk", flat=True)[:10]:
        amounts = list(
            PriceListEntry.objects.filter(
                price_list=lists["tabela-united-states"], variant_id=variant_id
            )
            .order_by("min_quantity")
            .values_list("amount", flat=True)
        )
        assert amounts == sorted(amounts, reverse=True)


def test_seed_demo_prices_one_variant_for_every_kind_of_buyer(seeded_demo):
    # given: a power tool, which the contract and the campaign both price
    contract = PriceList.objects.get(slug=f"contrato-{CONTRACT_COMPANY}")
    variant = (
        ProductVariant.objects.filter(
            price_list_entries__price_list=contract,
            price_list_entries__min_quantity=100,
        )
        .filter(price_list_entries__price_list__slug="campanha-ferramentas-eletricas")
        .distinct()
        .order_by("sku")
        .first()
    )
    variables = {"id": Node.to_global_id("ProductVariant", variant.pk)}
    company = Company.objects.get(slug=CONTRACT_COMPANY)
    buyer = company.members.get(role="buyer").user
    anonymous = ApiClient()

    def price(client, **extra):
        data = client.execute(VARIANT_PRICING, {**variables, **extra})
        gross = data["productVariant"]["pricing"]["price"]["gross"]
        return Decimal(str(gross["amount"])), gross["currency"]

    def entry(slug, quantity=1):
        return (
            PriceListEntry.objects.filter(
                price_list__slug=slug, variant=variant, min_quantity__lte=quantity
            )
            .order_by("-min_quantity")
            .values_list("amount", "price_list__currency")
            .first()
        )

    # when
    brazil = price(anonymous, country="BR")
    united_states = price(anonymous, country="US")
    germany = price(anonymous, country="DE")
    contract_one = price(ApiClient(user=buyer), country="BR")
    contract_hundred = price(ApiClient(user=buyer), country="BR", quantity=100)

    # then: the storefront campaign runs in Brazil; the contract beats it
    campaign = PriceList.objects.get(slug="campanha-ferramentas-eletricas")
    assert campaign.starts_at <= timezone.now() < campaign.ends_at
    assert brazil == entry("campanha-ferramentas-eletricas")
    assert united_states == entry("tabela-united-states")
    assert germany == entry("tabela-european-union")
    assert contract_one == entry(contract.slug)
    assert contract_hundred == entry(contract.slug, 100)
    assert contract_hundred[0] < contract_one[0] < brazil[0]
    assert [brazil[1], united_states[1], germany[1]] == ["BRL", "USD", "EUR"]
