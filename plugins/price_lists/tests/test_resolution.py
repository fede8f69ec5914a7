from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.product.models import ProductVariant

from plugins.companies.models import CustomerGroup
from plugins.price_lists.context import PricingContext, get_region_context
from plugins.price_lists.exceptions import PriceNotAvailable
from plugins.price_lists.models import PriceList
from plugins.price_lists.resolution import (
    ListRule,
    load_rules,
    resolve_price,
    resolve_prices,
    select_price,
)
from tests.fixtures.catalog import create_product
from tests.fixtures.price_lists import create_company, create_price_list


def buyer_context(company=None, groups=(), country="BR", channel="storefront", at=None):
    return PricingContext(
        country=country,
        company_id=company.pk if company else None,
        customer_group_ids=frozenset(group.pk for group in groups),
        channel=channel,
        at=at or timezone.now(),
    )


def test_resolve_price_uses_region_default_list(variant, regional_price_lists):
    # when
    br = resolve_price(variant, get_region_context("BR"))
    us = resolve_price(variant, get_region_context("US"))
    de = resolve_price(variant, get_region_context("DE"))

    # then
    assert (br.amount, br.currency) == (Decimal("189.90"), "BRL")
    assert (us.amount, us.currency) == (Decimal("39.90"), "USD")
    assert (de.amount, de.currency) == (Decimal("36.90"), "EUR")


@pytest.mark.usefixtures("regional_price_lists")
@pytest.mark.parametrize(
    ("quantity", "amount", "min_quantity"),
    [(1, "189.90", 1), (9, "189.90", 1), (10, "179.90", 10), (250, "159.90", 100)],
)
def test_resolve_price_takes_quantity_tier(variant, quantity, amount, min_quantity):
    # when
    price = resolve_price(variant, get_region_context("BR"), quantity)

    # then
    assert (price.amount, price.min_quantity) == (Decimal(amount), min_quantity)


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_prefers_company_contract(variant, company, contract_price_list):
    # when
    price = resolve_price(variant, buyer_context(company), 100)

    # then
    assert price.price_list_id == contract_price_list.pk
    assert price.amount == Decimal("149.00")


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_prefers_company_over_group(variant, company, customer_group):
    # given
    create_price_list(
        "Distributors", customer_groups=[customer_group], entries={variant: {1: "175"}}
    )
    contract = create_price_list(
        "Alfa", companies=[company], entries={variant: {1: "170"}}
    )

    # when
    price = resolve_price(variant, buyer_context(company, [customer_group]))

    # then
    assert price.price_list_id == contract.pk


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_group_list_for_members_only(variant, company, customer_group):
    # given
    group_list = create_price_list(
        "Distributors", customer_groups=[customer_group], entries={variant: {1: "175"}}
    )
    outsider = create_company("Beta Ltda", tax_id="45997418000153")

    # when
    member = resolve_price(variant, buyer_context(company, [customer_group]))
    other = resolve_price(variant, buyer_context(outsider))

    # then
    assert member.price_list_id == group_list.pk
    assert other.amount == Decimal("189.90")


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_contract_without_low_tier_falls_to_next_list(variant, company):
    # given: the contract only has a 100+ break
    create_price_list(
        "Alfa volume", companies=[company], entries={variant: {100: "140"}}
    )

    # when
    five = resolve_price(variant, buyer_context(company), 5)
    hundred = resolve_price(variant, buyer_context(company), 100)

    # then
    assert five.amount == Decimal("189.90")
    assert hundred.amount == Decimal("140")


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_campaign_only_in_its_window_and_channel(variant):
    # given
    now = timezone.now()
    campaign = create_price_list(
        "Carnival",
        channel="storefront",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        entries={variant: {1: "169.90"}},
    )

    # when
    during = resolve_price(variant, buyer_context(at=now))
    after = resolve_price(variant, buyer_context(at=now + timedelta(days=1)))
    partner = resolve_price(variant, buyer_context(at=now, channel="ref-partner"))
    brand = resolve_price(variant, get_region_context("BR", at=now))

    # then
    assert during.price_list_id == campaign.pk
    assert after.amount == partner.amount == brand.amount == Decimal("189.90")


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_tie_goes_to_higher_priority(variant):
    # given
    create_price_list("Promo A", priority=1, entries={variant: {1: "180"}})
    promo_b = create_price_list("Promo B", priority=2, entries={variant: {1: "185"}})

    # when
    price = resolve_price(variant, buyer_context())

    # then
    assert price.price_list_id == promo_b.pk


def test_resolve_price_ignores_inactive_list(variant):
    # given
    create_price_list("Paused", is_active=False, entries={variant: {1: "10"}})

    # when
    price = resolve_price(variant, buyer_context())

    # then
    assert (price.amount, price.price_list_id) == (Decimal("199.90"), None)


def test_resolve_price_falls_back_to_saleor_price_override(variant):
    # given
    variant.price_override_amount = Decimal("150.00")
    variant.save(update_fields=["price_override_amount"])

    # when
    price = resolve_price(variant, get_region_context("JP"))

    # then
    assert (price.amount, price.currency, price.price_list_id) == (
        Decimal("150.00"),
        "BRL",
        None,
    )


@pytest.mark.usefixtures("us_price_list")
def test_resolve_price_without_price_in_region_currency_raises(product_type, category):
    # given: a variant the USD list does not price
    other = create_product("Angle grinder", "99.90", product_type, category)

    # when
    with pytest.raises(PriceNotAvailable) as error:
        resolve_price(other.variants.get(), get_region_context("US"))

    # then
    assert error.value.code == "price_not_available"


def test_resolve_price_rejects_zero_quantity(variant):
    with pytest.raises(ValueError, match="at least 1"):
        resolve_price(variant, get_region_context("BR"), 0)


@pytest.fixture
def catalog(product_type, category):
    """100 variants priced by 20 lists that all apply to one buyer."""
    products = [
        create_product(f"Tool {index}", "100.00", product_type, category)
        for index in range(100)
    ]
    return [product.variants.get() for product in products]


def test_resolve_prices_runs_the_same_queries_for_any_number_of_rows(
    catalog, company, django_assert_max_num_queries
):
    # given
    for index in range(20):
        create_price_list(
            f"List {index}",
            companies=[company] if index % 2 else [],
            priority=index,
            is_default=index == 0,
            entries={variant: {1: "90", 10: "80"} for variant in catalog},
        )
    context = buyer_context(company)
    variants = list(ProductVariant.objects.filter(pk__in=[v.pk for v in catalog]))

    # when
    with django_assert_max_num_queries(3):
        small = resolve_prices([(v, 1) for v in variants[:5]], context)
    with django_assert_max_num_queries(3):
        large = resolve_prices([(v, q) for v in variants for q in (1, 10, 50)], context)

    # then
    assert {price.price_list_id for price in small + large} == {
        PriceList.objects.get(name="List 19").pk
    }
    assert {price.amount for price in large} == {Decimal("90"), Decimal("80")}


def test_resolve_prices_reads_base_prices_at_once(catalog, django_assert_num_queries):
    # given: no list at all, so every variant falls back to its product
    variants = list(ProductVariant.objects.filter(pk__in=[v.pk for v in catalog]))

    # when: the lists, the region's currency, the products
    with django_assert_num_queries(3):
        prices = resolve_prices([(v, 1) for v in variants], get_region_context("BR"))

    # then
    assert {price.amount for price in prices} == {Decimal("100.00")}


# Lists drawn at random, saved, then loaded through the database's filter:
# ``load_rules`` must keep every list the rule would accept.

_db_settings = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def stored_lists(draw):
    return [
        {
            "countries": draw(st.sets(st.sampled_from(("BR", "US")), min_size=1)),
            "company": draw(st.booleans()),
            "group": draw(st.booleans()),
            "channel": draw(st.sampled_from((None, "storefront", "ref-a"))),
            "starts": draw(st.one_of(st.none(), st.integers(-3, 3))),
            "days": draw(st.one_of(st.none(), st.integers(1, 4))),
            "active": draw(st.booleans()),
            "priority": index,
            "amount": draw(st.integers(1, 999)),
        }
        for index in range(draw(st.integers(1, 6)))
    ]


@_db_settings
@given(
    lists=stored_lists(),
    country=st.sampled_from(("BR", "US")),
    member=st.booleans(),
    channel=st.sampled_from(("storefront", "ref-a")),
)
def test_load_rules_keeps_every_list_the_rule_accepts(
    variant, company, lists, country, member, channel
):
    now = timezone.now()
    with transaction.atomic():
        # given
        group = CustomerGroup.objects.create(name="Group", slug="group")
        if member:
            group.companies.add(company)
        saved = []
        for index, spec in enumerate(lists):
            starts = None if spec["starts"] is None else now + timedelta(spec["starts"])
            ends = None
            if spec["days"] is not None:
                ends = (starts or now) + timedelta(spec["days"])
            saved.append(
                create_price_list(
                    f"List {index}",
                    "BRL",
                    spec["countries"],
                    companies=[company] if spec["company"] else [],
                    customer_groups=[group] if spec["group"] else [],
                    channel=spec["channel"],
                    starts_at=starts,
                    ends_at=ends,
                    is_active=spec["active"],
                    priority=spec["priority"],
                    entries={variant: {1: str(spec["amount"])}},
                )
            )
        context = PricingContext(
            country=country,
            company_id=company.pk,
            customer_group_ids=frozenset([group.pk]) if member else frozenset(),
            channel=channel,
            at=now,
        )
        everything = {
            price_list.pk: ListRule(
                id=price_list.pk,
                currency="BRL",
                countries=frozenset(price_list.countries),
                restricted=bool(spec["company"] or spec["group"]),
                company_ids=frozenset([company.pk]) if spec["company"] else frozenset(),
                customer_group_ids=frozenset([group.pk])
                if spec["group"]
                else frozenset(),
                channel=price_list.channel,
                starts_at=price_list.starts_at,
                ends_at=price_list.ends_at,
                priority=price_list.priority,
                is_active=price_list.is_active,
            )
            for price_list, spec in zip(saved, lists, strict=True)
        }
        tiers = {
            price_list.pk: [(1, Decimal(spec["amount"]))]
            for price_list, spec in zip(saved, lists, strict=True)
        }

        # when
        loaded = resolve_price(variant, context)

        # then
        expected = select_price(
            everything,
            tiers,
            base_price=(Decimal("199.90"), "BRL"),
            region_currency="BRL",
            context=context,
            quantity=1,
        )
        assert loaded == expected
        assert {rule.id for rule in load_rules(context)} <= set(everything)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("regional_price_lists")
def test_resolve_price_campaign_without_tiers_overrides_volume_breaks(variant):
    # given: a campaign with a 1+ price only
    create_price_list("Week", channel="storefront", entries={variant: {1: "174.90"}})

    # when
    price = resolve_price(variant, buyer_context(), 100)

    # then: the more specific list wins, dearer than the default's 100+
    assert (price.amount, price.min_quantity) == (Decimal("174.90"), 1)
