"""Properties of the resolution rule, on lists held in memory."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from plugins.price_lists.context import PricingContext
from plugins.price_lists.resolution import (
    ListRule,
    Specificity,
    get_specificity,
    select_price,
    select_tier,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
# The machine's other work can make drawing slow; the rule itself is fast.
relaxed = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
COUNTRIES = ("BR", "US", "DE")
COMPANIES = (1, 2)
GROUPS = (10, 11)
CHANNELS = (None, "storefront", "ref-partner-a")


def _moment(days):
    return None if days is None else NOW + timedelta(days=days)


# Mostly true, so that most drawn lists can match.
_likely = st.sampled_from((True, True, True, False))


@st.composite
def rules(draw, list_id, country):
    restricted = draw(st.booleans())
    companies = (
        frozenset(draw(st.sets(st.sampled_from(COMPANIES))))
        if restricted
        else frozenset()
    )
    groups = (
        frozenset(draw(st.sets(st.sampled_from(GROUPS)))) if restricted else frozenset()
    )
    starts = draw(st.one_of(st.none(), st.integers(-10, 10)))
    length = draw(st.one_of(st.none(), st.integers(1, 20)))
    return ListRule(
        id=list_id,
        currency="BRL",
        countries=frozenset(draw(st.sets(st.sampled_from(COUNTRIES), min_size=1)))
        | (frozenset([country]) if draw(_likely) else frozenset()),
        restricted=restricted,
        company_ids=companies,
        customer_group_ids=groups,
        channel=draw(st.sampled_from(CHANNELS)),
        is_default=not restricted and draw(st.booleans()),
        starts_at=_moment(starts),
        ends_at=_moment(None if length is None else (starts or 0) + length),
        priority=draw(st.integers(0, 3)),
        is_active=draw(_likely),
    )


@st.composite
def tier_tables(draw):
    """Tiers of one list for one variant: amounts never rise with quantity."""
    quantities = sorted(draw(st.sets(st.integers(1, 150), max_size=3)))
    amount = draw(st.integers(1000, 50000))
    tiers = []
    for quantity in quantities:
        tiers.append((quantity, Decimal(amount) / 100))
        amount -= draw(st.integers(0, 900))
        amount = max(amount, 1)
    return tiers


@st.composite
def scenarios(draw):
    country = draw(st.sampled_from(COUNTRIES))
    count = draw(st.integers(0, 6))
    lists = {list_id: draw(rules(list_id, country)) for list_id in range(1, count + 1)}
    tiers = {list_id: draw(tier_tables()) for list_id in lists if draw(_likely)}
    context = PricingContext(
        country=country,
        company_id=draw(st.sampled_from((None, *COMPANIES))),
        customer_group_ids=frozenset(draw(st.sets(st.sampled_from(GROUPS)))),
        channel=draw(st.sampled_from(CHANNELS)),
        at=NOW + timedelta(days=draw(st.integers(-12, 25))),
    )
    base = draw(
        st.one_of(
            st.none(),
            st.tuples(st.just(Decimal("199.90")), st.sampled_from(("BRL", "USD"))),
        )
    )
    quantity = draw(st.integers(1, 200))
    return lists, tiers, context, base, quantity


def resolve(lists, tiers, context, base, quantity):
    return select_price(
        lists,
        tiers,
        base_price=base,
        region_currency="BRL",
        context=context,
        quantity=quantity,
    )


def oracle(lists, tiers, context, base, quantity):
    """The rule written out as a sort, to check ``select_price`` against."""
    candidates = []
    for list_id, table in tiers.items():
        rule = lists[list_id]
        specificity = get_specificity(rule, context)
        usable = [tier for tier in table if tier[0] <= quantity]
        if specificity is None or not usable:
            continue
        starts = rule.starts_at or datetime.min.replace(tzinfo=UTC)
        candidates.append(((specificity, rule.priority, starts, rule.id), usable[-1]))
    if candidates:
        candidates.sort(reverse=True)
        (_specificity, _priority, _starts, list_id), tier = candidates[0]
        return list_id, tier
    if base is not None and base[1] == "BRL":
        return None, (1, base[0])
    return "unavailable"


@relaxed
@given(scenarios())
def test_select_price_matches_the_rule_written_as_a_sort(scenario):
    # when
    price = resolve(*scenario)

    # then
    expected = oracle(*scenario)
    if expected == "unavailable":
        assert price is None
    else:
        list_id, (min_quantity, amount) = expected
        assert (price.price_list_id, price.min_quantity, price.amount) == (
            list_id,
            min_quantity,
            amount,
        )


@relaxed
@given(scenarios())
def test_select_price_uses_a_matching_list_and_an_applicable_tier(scenario):
    # given
    lists, tiers, context, base, quantity = scenario

    # when
    price = resolve(*scenario)

    # then
    assume(price is not None and price.price_list_id is not None)
    rule = lists[price.price_list_id]
    assert get_specificity(rule, context) is not None
    assert context.country in rule.countries
    assert price.min_quantity <= quantity
    assert (price.min_quantity, price.amount) in tiers[rule.id]
    assert all(
        tier[0] <= price.min_quantity or tier[0] > quantity for tier in tiers[rule.id]
    )


@relaxed
@given(scenarios(), st.randoms())
def test_select_price_ignores_the_order_of_lists(scenario, rng):
    # given
    lists, tiers, context, base, quantity = scenario
    shuffled = list(tiers.items())
    rng.shuffle(shuffled)

    # when
    price = resolve(lists, dict(shuffled), context, base, quantity)

    # then
    assert price == resolve(*scenario)


@relaxed
@given(scenarios())
def test_select_price_is_unchanged_by_a_list_of_another_country(scenario):
    # given
    lists, tiers, context, base, quantity = scenario
    other_country = next(code for code in COUNTRIES if code != context.country)
    intruder = ListRule(
        id=99, currency="BRL", countries=frozenset([other_country]), priority=9
    )

    # when
    price = resolve(
        {**lists, 99: intruder}, {**tiers, 99: [(1, Decimal("0.01"))]}, *scenario[2:]
    )

    # then
    assert price == resolve(*scenario)


@relaxed
@given(scenarios())
def test_select_price_falls_back_to_base_only_in_region_currency(scenario):
    # given
    lists, tiers, context, base, quantity = scenario

    # when
    price = resolve(lists, {}, context, base, quantity)

    # then
    if base is not None and base[1] == "BRL":
        assert (price.amount, price.currency, price.price_list_id) == (
            base[0],
            "BRL",
            None,
        )
    else:
        assert price is None


@relaxed
@given(scenarios(), st.integers(1, 200))
def test_select_price_never_rises_with_quantity_within_one_list(scenario, more):
    # given
    lists, tiers, context, base, quantity = scenario
    fewer, more = sorted((quantity, more))

    # when
    low = resolve(lists, tiers, context, base, fewer)
    high = resolve(lists, tiers, context, base, more)

    # then
    assume(low is not None and high is not None)
    assume(low.price_list_id == high.price_list_id)
    assert high.amount <= low.amount


@relaxed
@given(scenarios())
def test_select_price_prefers_buyer_specific_lists(scenario):
    # given: a contract for the buyer's company pricing every quantity
    lists, tiers, context, base, quantity = scenario
    assume(context.company_id is not None)
    contract = ListRule(
        id=50,
        currency="BRL",
        countries=frozenset([context.country]),
        restricted=True,
        company_ids=frozenset([context.company_id]),
        priority=-1,
    )

    # when
    price = resolve(
        {**lists, 50: contract}, {**tiers, 50: [(1, Decimal("1.00"))]}, *scenario[2:]
    )

    # then: only another list naming the company can beat it
    winner = {**lists, 50: contract}[price.price_list_id]
    assert get_specificity(winner, context) == Specificity.COMPANY


@pytest.mark.parametrize(
    ("quantity", "expected"), [(1, 1), (9, 1), (10, 10), (99, 10), (100, 100)]
)
def test_select_tier_takes_highest_minimum_not_above_quantity(quantity, expected):
    # given
    tiers = [(1, Decimal("10")), (10, Decimal("9")), (100, Decimal("8"))]

    # when
    tier = select_tier(tiers, quantity)

    # then
    assert tier[0] == expected


def test_select_tier_without_low_enough_tier_returns_none():
    assert select_tier([(10, Decimal("9"))], 5) is None


def _context(**fields):
    values = {
        "country": "BR",
        "company_id": None,
        "customer_group_ids": frozenset(),
        "channel": "storefront",
        "at": NOW,
    }
    values.update(fields)
    return PricingContext(**values)


@pytest.mark.parametrize(
    ("rule", "context", "expected"),
    [
        (
            ListRule(1, "BRL", frozenset({"BR"}), is_default=True),
            {},
            Specificity.REGION_DEFAULT,
        ),
        (ListRule(1, "BRL", frozenset({"BR"})), {}, Specificity.COUNTRY),
        (
            ListRule(
                1,
                "BRL",
                frozenset({"BR"}),
                restricted=True,
                customer_group_ids=frozenset({10}),
            ),
            {"customer_group_ids": frozenset({10})},
            Specificity.CUSTOMER_GROUP,
        ),
        (
            ListRule(
                1, "BRL", frozenset({"BR"}), restricted=True, company_ids=frozenset({1})
            ),
            {"company_id": 1},
            Specificity.COMPANY,
        ),
        (
            ListRule(
                1, "BRL", frozenset({"BR"}), restricted=True, company_ids=frozenset({1})
            ),
            {"company_id": 2},
            None,
        ),
        (ListRule(1, "BRL", frozenset({"US"})), {}, None),
        (ListRule(1, "BRL", frozenset({"BR"}), is_active=False), {}, None),
        (ListRule(1, "BRL", frozenset({"BR"}), channel="ref-a"), {}, None),
        (
            ListRule(1, "BRL", frozenset({"BR"}), channel="storefront"),
            {},
            Specificity.COUNTRY,
        ),
        (
            ListRule(1, "BRL", frozenset({"BR"}), starts_at=NOW + timedelta(seconds=1)),
            {},
            None,
        ),
        (ListRule(1, "BRL", frozenset({"BR"}), ends_at=NOW), {}, None),
        (
            ListRule(
                1, "BRL", frozenset({"BR"}), starts_at=NOW, ends_at=NOW + timedelta(1)
            ),
            {},
            Specificity.COUNTRY,
        ),
        (ListRule(1, "USD", frozenset({"BR"})), {"currency": "BRL"}, None),
    ],
)
def test_get_specificity(rule, context, expected):
    assert get_specificity(rule, _context(**context)) == expected


def test_select_price_breaks_tie_by_priority():
    # given
    low = ListRule(1, "BRL", frozenset({"BR"}), priority=1)
    high = ListRule(2, "BRL", frozenset({"BR"}), priority=2)
    tiers = {1: [(1, Decimal("10"))], 2: [(1, Decimal("12"))]}

    # when
    price = resolve({1: low, 2: high}, tiers, _context(), None, 1)

    # then
    assert price.price_list_id == 2


def test_pricing_context_accepts_any_iterable_of_groups():
    context = _context(customer_group_ids=[10, 11])
    assert context.customer_group_ids == frozenset({10, 11})
    assert hash(context) == hash(_context(customer_group_ids=(11, 10)))
