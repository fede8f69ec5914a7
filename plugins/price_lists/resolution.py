"""The price a buyer pays for a variant: one rule, ``select_price``.

A list *matches* a pricing context when it is active, valid at the
context's moment (``starts_at <= at < ends_at``, either bound optional),
covers the context's country, is open to the context's channel (a list
without a channel is open to all), is in the context's currency when the
context fixes one, and is open to the buyer: a list with neither companies
nor customer groups is open to every buyer; otherwise the buyer's company
must be one of its companies or belong to one of its customer groups.

A matching list *prices* a (variant, quantity) when it has an entry for
the variant whose ``min_quantity`` is at most the quantity; the tier used
is the entry with the highest such ``min_quantity``.

Among the lists that price the variant, the most specific wins:

1. a list naming the buyer's company (``COMPANY``);
2. a list naming one of the buyer's customer groups (``CUSTOMER_GROUP``);
3. a list open to every buyer of the country (``COUNTRY``: campaigns,
   country lists);
4. the region's default list (``is_default``, ``REGION_DEFAULT``).

A tie goes to the higher ``priority``, then to the list that started
later, then to the higher id. When no list prices the variant, Saleor's
base price (the variant's price override, else the product's price)
applies, but only if it is in the region's currency: the currency of the
lists covering the country, or ``DEFAULT_CURRENCY`` where none does.
Otherwise the variant has no price for that buyer (``PriceNotAvailable``).

Examples (those of the tests): the Brazil list (default, BRL) prices the
drill at 189.90 from 1 unit, 179.90 from 10 and 159.90 from 100; the
contract of Construtora Alfa at 169.00 from 1 and 149.00 from 100; a
storefront campaign for BR at 174.90 from 1, for a week.

- an anonymous buyer in BR, 1 unit, on the storefront, during the week:
  the campaign (``COUNTRY``) beats the default list: 174.90;
- the same buyer, 100 units: the campaign has no 100+ tier, but its 1+
  tier applies and it still wins: 174.90, not 159.90. A list overrides
  the tiers of less specific ones, so a campaign needs its own tiers;
- the same buyer through a partner's referral code: the campaign is the
  storefront's only; the default list applies: 189.90;
- Construtora Alfa, 100 units: the contract (``COMPANY``) wins at its
  100+ tier: 149.00; at 5 units, its 1+ tier: 169.00;
- a buyer in the US: the US list (USD) applies: 39.90, in USD;
- a buyer in Japan, which no list covers: Saleor's base price, in BRL;
- a buyer in the US of a variant the US list lacks: no price, since the
  US pays in USD and Saleor's price is in BRL.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum

from django.conf import settings
from django.db import connection
from saleor.product.models import Product

from .context import PricingContext
from .exceptions import PriceNotAvailable
from .models import PriceList, PriceListEntry

_EARLIEST = datetime.min.replace(tzinfo=UTC)


class Specificity(IntEnum):
    BASE = 0
    REGION_DEFAULT = 1
    COUNTRY = 2
    CUSTOMER_GROUP = 3
    COMPANY = 4


@dataclass(frozen=True)
class ResolvedPrice:
    """A unit price; ``price_list_id`` is ``None`` for Saleor's base price."""

    amount: Decimal
    currency: str
    price_list_id: int | None
    min_quantity: int


@dataclass(frozen=True)
class ListRule:
    """What the rule needs to know of a price list.

    ``restricted`` says whether the list names companies or customer
    groups; ``company_ids`` and ``customer_group_ids`` need only hold the
    ones that may match the context being resolved.
    """

    id: int
    currency: str
    countries: frozenset[str]
    restricted: bool = False
    company_ids: frozenset[int] = frozenset()
    customer_group_ids: frozenset[int] = frozenset()
    channel: str | None = None
    is_default: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    priority: int = 0
    is_active: bool = True


# A list's tiers for one variant: (min_quantity, amount), ascending.
Tiers = Sequence[tuple[int, Decimal]]


def get_specificity(rule: ListRule, context: PricingContext) -> Specificity | None:
    """Return how specifically a list matches a context, ``None`` if not."""
    if not rule.is_active or context.country not in rule.countries:
        return None
    if context.currency is not None and rule.currency != context.currency:
        return None
    if rule.starts_at is not None and context.at < rule.starts_at:
        return None
    if rule.ends_at is not None and context.at >= rule.ends_at:
        return None
    if rule.channel is not None and rule.channel != context.channel:
        return None
    if rule.restricted:
        if context.company_id is not None and context.company_id in rule.company_ids:
            return Specificity.COMPANY
        if not rule.customer_group_ids.isdisjoint(context.customer_group_ids):
            return Specificity.CUSTOMER_GROUP
        return None
    return Specificity.REGION_DEFAULT if rule.is_default else Specificity.COUNTRY


def select_tier(tiers: Tiers, quantity: int) -> tuple[int, Decimal] | None:
    """Return the tier with the highest minimum quantity not above quantity."""
    index = bisect.bisect_right(tiers, quantity, key=lambda tier: tier[0])
    return tiers[index - 1] if index else None


def select_price(
    rules: Mapping[int, ListRule],
    tiers_by_list: Mapping[int, Tiers],
    *,
    base_price: tuple[Decimal, str] | None,
    region_currency: str,
    context: PricingContext,
    quantity: int,
    specificities: dict | None = None,
) -> ResolvedPrice | None:
    """Apply the resolution rule to one variant and quantity.

    ``rules`` maps a list id to the list; ``tiers_by_list`` maps a list id
    to that list's tiers for the variant (lists without any are ignored);
    ``base_price`` is Saleor's (amount, currency) for the variant, or
    ``None`` when unknown; ``region_currency`` the currency of the
    context's country. ``specificities``, if given, caches
    ``get_specificity`` by list id for this context across calls.
    """
    best_key = None
    best = None
    for list_id, tiers in tiers_by_list.items():
        tier = select_tier(tiers, quantity)
        if tier is None:
            continue
        rule = rules.get(list_id)
        if rule is None:
            continue
        if specificities is None:
            specificity = get_specificity(rule, context)
        elif list_id in specificities:
            specificity = specificities[list_id]
        else:
            specificity = specificities[list_id] = get_specificity(rule, context)
        if specificity is None:
            continue
        key = (specificity, rule.priority, rule.starts_at or _EARLIEST, rule.id)
        if best_key is None or key > best_key:
            best_key = key
            best = ResolvedPrice(
                amount=tier[1],
                currency=rule.currency,
                price_list_id=rule.id,
                min_quantity=tier[0],
            )
    if best is not None:
        return best

    if base_price is None:
        return None
    amount, currency = base_price
    if currency != (context.currency or region_currency):
        return None
    return ResolvedPrice(
        amount=amount, currency=currency, price_list_id=None, min_quantity=1
    )


_RULES_SQL = """
SELECT id, currency, countries, channel, is_default, starts_at, ends_at,
       priority, has_companies OR has_groups, for_company, for_groups
FROM (
    SELECT list.*,
        EXISTS (SELECT 1 FROM {companies} c WHERE c.pricelist_id = list.id)
            AS has_companies,
        EXISTS (SELECT 1 FROM {groups} g WHERE g.pricelist_id = list.id)
            AS has_groups,
        EXISTS (
            SELECT 1 FROM {companies} c
            WHERE c.pricelist_id = list.id AND c.company_id = %(company)s
        ) AS for_company,
        EXISTS (
            SELECT 1 FROM {groups} g
            WHERE g.pricelist_id = list.id AND g.customergroup_id = ANY(%(groups)s)
        ) AS for_groups
    FROM {lists} list
    WHERE list.is_active
        AND list.countries @> ARRAY[%(country)s]::varchar(2)[]
        AND (list.starts_at IS NULL OR list.starts_at <= %(at)s)
        AND (list.ends_at IS NULL OR list.ends_at > %(at)s)
        AND (list.channel IS NULL OR list.channel = %(channel)s)
        AND (%(currency)s::varchar IS NULL OR list.currency = %(currency)s)
) candidate
WHERE NOT (has_companies OR has_groups) OR for_company OR for_groups
"""


def load_rules(context: PricingContext) -> list[ListRule]:
    """Load the lists that may match the context, in one query.

    The filter here only narrows what ``get_specificity`` then decides.
    Written in SQL: it runs for every priced page, and building it with
    the ORM cost more than running it.
    """
    sql = _RULES_SQL.format(
        lists=PriceList._meta.db_table,
        companies=PriceList.companies.through._meta.db_table,
        groups=PriceList.customer_groups.through._meta.db_table,
    )
    parameters = {
        "company": context.company_id,
        "groups": sorted(context.customer_group_ids),
        "country": context.country,
        "at": context.at,
        "channel": context.channel,
        "currency": context.currency,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()

    rules = []
    for (
        list_id,
        currency,
        countries,
        channel,
        is_default,
        starts_at,
        ends_at,
        priority,
        restricted,
        for_company,
        for_groups,
    ) in rows:
        rules.append(
            ListRule(
                id=list_id,
                currency=currency,
                countries=frozenset(countries),
                restricted=restricted,
                company_ids=(
                    frozenset([context.company_id]) if for_company else frozenset()
                ),
                # Which of the buyer's groups matched does not change the rule.
                customer_group_ids=(
                    context.customer_group_ids if for_groups else frozenset()
                ),
                channel=channel,
                is_default=is_default,
                starts_at=starts_at,
                ends_at=ends_at,
                priority=priority,
                is_active=True,
            )
        )
    return rules


def get_region_currency(country: str) -> str:
    """Return the currency of a country: that of the lists covering it.

    Every list covering a country has the same currency (the API refuses
    a list that would break this), inactive and expired lists included, so
    a region does not change currency when its lists pause.
    """
    currency = (
        PriceList.objects.filter(countries__contains=[country])
        .values_list("currency", flat=True)
        .first()
    )
    return currency or settings.DEFAULT_CURRENCY


def load_tiers(
    rules: Sequence[ListRule], variant_ids: Iterable[int], max_quantity: int
) -> dict[int, dict[int, list[tuple[int, Decimal]]]]:
    """Return ``{variant_id: {list_id: tiers}}`` in one query."""
    tiers = defaultdict(lambda: defaultdict(list))
    if not rules:
        return tiers
    rows = (
        PriceListEntry.objects.filter(
            price_list_id__in=[rule.id for rule in rules],
            variant_id__in=set(variant_ids),
            min_quantity__lte=max_quantity,
        )
        .order_by("min_quantity")
        .values_list("variant_id", "price_list_id", "min_quantity", "amount")
    )
    for variant_id, list_id, min_quantity, amount in rows:
        tiers[variant_id][list_id].append((min_quantity, amount))
    return tiers


def load_base_prices(variants) -> dict[int, tuple[Decimal, str]]:
    """Return Saleor's base price of each variant, products read at once."""
    prices = {}
    missing = defaultdict(list)
    for variant in variants:
        if variant.price_override_amount is not None:
            prices[variant.pk] = (variant.price_override_amount, variant.currency)
            continue
        product = variant._state.fields_cache.get("product")
        if product is not None:
            prices[variant.pk] = (product.price_amount, product.currency)
        else:
            missing[variant.product_id].append(variant.pk)
    if missing:
        rows = Product.objects.filter(pk__in=missing).values_list(
            "pk", "price_amount", "currency"
        )
        for product_id, amount, currency in rows:
            for variant_id in missing[product_id]:
                prices[variant_id] = (amount, currency)
    return prices


class PriceBook:
    """Everything needed to price some variants for a context, loaded once.

    Holds the lists that may match the context, their entries for the
    variants up to ``max_quantity`` and, loaded when first needed, the
    variants' base prices. ``price`` applies ``select_price``; it may also
    price for a narrower context (fewer buyers, no channel, same country
    and moment), such as the brand price of the region.
    """

    def __init__(self, context, variants, max_quantity, *, rules=None):
        if rules is None:
            rules = load_rules(context)
        self.context = context
        self.rules = {rule.id: rule for rule in rules}
        self.region_currency = (
            next(iter(self.rules.values())).currency if rules else None
        )
        if self.region_currency is None:
            self.region_currency = context.currency or get_region_currency(
                context.country
            )
        self.variants = {variant.pk: variant for variant in variants}
        self.tiers = load_tiers(rules, self.variants, max_quantity)
        self._base_prices = None
        self._specificities = defaultdict(dict)

    def _get_base_prices(self):
        if self._base_prices is None:
            self._base_prices = load_base_prices(self.variants.values())
        return self._base_prices

    def price(self, variant_id, quantity, context=None) -> ResolvedPrice | None:
        """Return the unit price of a variant; ``None`` if it has none."""
        if quantity < 1:
            raise ValueError(f"A quantity must be at least 1, got {quantity}.")
        context = context or self.context
        tiers = self.tiers.get(variant_id, _NO_TIERS)
        arguments = {
            "region_currency": self.region_currency,
            "context": context,
            "quantity": quantity,
            "specificities": self._specificities[context],
        }
        price = select_price(self.rules, tiers, base_price=None, **arguments)
        if price is not None:
            return price
        base_price = self._get_base_prices().get(variant_id)
        return select_price(self.rules, tiers, base_price=base_price, **arguments)


_NO_TIERS: dict = {}


def resolve_prices(
    requests: Sequence[tuple["object", int]],
    context: PricingContext,
    *,
    rules: Sequence[ListRule] | None = None,
) -> list[ResolvedPrice | None]:
    """Resolve many (variant, quantity) prices for one context.

    Returns one ``ResolvedPrice`` per request, in order, or ``None`` where
    the variant has no price for the context (see ``PriceNotAvailable``).
    Runs at most four queries whatever the number of requests: the lists,
    their entries, the base prices of the variants no list prices and,
    when no list matches, the region's currency.
    """
    if not requests:
        return []
    book = PriceBook(
        context,
        [variant for variant, _quantity in requests],
        max(quantity for _variant, quantity in requests),
        rules=rules,
    )
    return [book.price(variant.pk, quantity) for variant, quantity in requests]


def resolve_price(variant, context: PricingContext, quantity: int = 1) -> ResolvedPrice:
    """Resolve the unit price of a variant for a context and quantity.

    Raises ``PriceNotAvailable`` when the variant has no price there.
    """
    (price,) = resolve_prices([(variant, quantity)], context)
    if price is None:
        raise PriceNotAvailable(
            f"Variant {variant.pk} has no price for {context.country}.",
            variant_id=variant.pk,
        )
    return price


def resolve_many(
    requests: Sequence[tuple["object", PricingContext, int]],
) -> list[ResolvedPrice | None]:
    """Resolve (variant, context, quantity) rows of several buyers at once.

    Rows are grouped by context: the queries are those of ``resolve_prices``
    once per distinct context, whatever the number of rows.
    """
    by_context = defaultdict(list)
    for position, (variant, context, quantity) in enumerate(requests):
        by_context[context].append((position, variant, quantity))
    results: list[ResolvedPrice | None] = [None] * len(requests)
    for context, rows in by_context.items():
        prices = resolve_prices(
            [(variant, quantity) for _, variant, quantity in rows], context
        )
        for (position, _variant, _quantity), price in zip(rows, prices, strict=True):
            results[position] = price
    return results
