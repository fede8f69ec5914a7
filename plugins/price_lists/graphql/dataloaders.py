"""Batch loading of resolved prices: one load per page, not per variant."""

from dataclasses import dataclass

from promise import Promise
from promise.dataloader import DataLoader

from ..context import PricingContext, get_region_context
from ..resolution import PriceBook, ResolvedPrice, load_rules

# No quantity is higher: loading tiers up to it loads every tier.
_ALL_TIERS = 2**31 - 1


@dataclass(frozen=True)
class VariantPrice:
    """A buyer's unit price, and the region's list price at one unit."""

    price: ResolvedPrice | None
    list_price: ResolvedPrice | None


class _ContextLoader(DataLoader):
    """A loader of one pricing context, shared by a request's resolvers."""

    def __init__(self, pricing_context: PricingContext):
        super().__init__()
        self.pricing_context = pricing_context
        self.variants = {}
        self._rules = None

    @classmethod
    def for_context(cls, request, pricing_context: PricingContext):
        loaders = request.__dict__.setdefault("_price_lists_loaders", {})
        key = (cls.__name__, pricing_context)
        if key not in loaders:
            loaders[key] = cls(pricing_context)
        return loaders[key]

    def get_rules(self):
        if self._rules is None:
            self._rules = load_rules(self.pricing_context)
        return self._rules

    def load_variant(self, variant, quantity=1):
        self.variants[variant.pk] = variant
        return self.load((variant.pk, quantity))


class VariantPriceLoader(_ContextLoader):
    """Load ``VariantPrice`` by (variant id, quantity) for one context."""

    def batch_load_fn(self, keys):
        variants = [self.variants[variant_id] for variant_id in {k[0] for k in keys}]
        book = PriceBook(
            self.pricing_context,
            variants,
            max(quantity for _variant_id, quantity in keys),
            rules=self.get_rules(),
        )
        # The list price is the brand's in the region: the same lists and
        # moment, no buyer and no channel; the book holds what it needs.
        region = get_region_context(
            self.pricing_context.country, at=self.pricing_context.at
        )
        return Promise.resolve(
            [
                VariantPrice(
                    price=book.price(variant_id, quantity),
                    list_price=book.price(variant_id, 1, region),
                )
                for variant_id, quantity in keys
            ]
        )


class PriceTiersLoader(_ContextLoader):
    """Load a variant's volume breaks, ``[(min_quantity, ResolvedPrice)]``."""

    def batch_load_fn(self, keys):
        variants = [self.variants[variant_id] for variant_id, _q in keys]
        book = PriceBook(
            self.pricing_context, variants, _ALL_TIERS, rules=self.get_rules()
        )
        results = []
        for variant_id, _quantity in keys:
            breaks = {1}
            for tiers in book.tiers.get(variant_id, {}).values():
                breaks.update(quantity for quantity, _amount in tiers)
            table = []
            for quantity in sorted(breaks):
                price = book.price(variant_id, quantity)
                if price is None:
                    continue
                if table and table[-1][1].amount == price.amount:
                    continue
                table.append((quantity, price))
            results.append(table)
        return Promise.resolve(results)
