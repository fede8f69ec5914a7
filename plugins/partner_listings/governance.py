"""Channel price governance: the band a partner's price must stay inside.

A band is a floor and a ceiling, in percent of the brand's regional price
for the same variant. ``BandBook`` loads the bands once and finds the one
that applies to a partner and a category (the most specific wins; a band
on a category covers its subcategories). ``check_price`` gives the verdict
for one price; it is pure, so a feed of many rows is checked in memory.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from saleor.product.models import Category

from .error_codes import PartnerErrorCode
from .models import BandAction, PriceBand

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    id: int
    partner_id: int | None
    category_id: int | None
    floor_percent: Decimal
    ceiling_percent: Decimal
    action: str


@dataclass(frozen=True)
class PriceVerdict:
    """``code`` is empty inside the band, else the governance error code."""

    code: str
    band: Band | None = None
    brand_price: Decimal | None = None
    floor: Decimal | None = None
    ceiling: Decimal | None = None

    @property
    def in_band(self):
        return not self.code

    @property
    def refused(self):
        return bool(
            self.code
            and self.code != PartnerErrorCode.NO_BRAND_PRICE.value
            and self.band is not None
            and self.band.action == BandAction.REFUSE
        )


IN_BAND = PriceVerdict(code="")


class BandBook:
    """Every band, and the category tree needed to apply them."""

    def __init__(self):
        self._bands = {
            (band.partner_id, band.category_id): Band(
                id=band.pk,
                partner_id=band.partner_id,
                category_id=band.category_id,
                floor_percent=band.floor_percent,
                ceiling_percent=band.ceiling_percent,
                action=band.action,
            )
            for band in PriceBand.objects.all()
        }
        self._ancestors = {}
        if any(category_id for _, category_id in self._bands):
            self._load_tree()

    def _load_tree(self):
        parents = dict(Category.objects.values_list("id", "parent_id"))
        for category_id in parents:
            chain, current = [], category_id
            while current is not None and len(chain) < 64:
                chain.append(current)
                current = parents.get(current)
            self._ancestors[category_id] = chain

    def band_for(self, partner_id, category_id) -> Band | None:
        chain = self._ancestors.get(category_id, [category_id] if category_id else [])
        for scope_partner in (partner_id, None):
            for ancestor in chain:
                band = self._bands.get((scope_partner, ancestor))
                if band is not None:
                    return band
            band = self._bands.get((scope_partner, None))
            if band is not None:
                return band
        return None


def band_limits(band: Band, brand_price: Decimal):
    """Return the floor and ceiling amounts, rounded to stay inclusive."""
    floor = (brand_price * band.floor_percent / HUNDRED).quantize(CENT, ROUND_UP)
    ceiling = (brand_price * band.ceiling_percent / HUNDRED).quantize(CENT, ROUND_DOWN)
    return floor, ceiling


def check_price(
    band: Band | None, amount: Decimal, brand_price: Decimal | None
) -> PriceVerdict:
    """Judge a listing price against the band and the brand's price."""
    if band is None:
        return IN_BAND
    if brand_price is None:
        return PriceVerdict(code=PartnerErrorCode.NO_BRAND_PRICE.value, band=band)
    brand_price = brand_price.quantize(CENT)
    floor, ceiling = band_limits(band, brand_price)
    code = ""
    if amount * HUNDRED < brand_price * band.floor_percent:
        code = PartnerErrorCode.PRICE_BELOW_FLOOR.value
    elif amount * HUNDRED > brand_price * band.ceiling_percent:
        code = PartnerErrorCode.PRICE_ABOVE_CEILING.value
    return PriceVerdict(
        code=code, band=band, brand_price=brand_price, floor=floor, ceiling=ceiling
    )


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def describe_verdict(verdict: PriceVerdict, currency: str) -> str:
    if verdict.brand_price is not None:
        brand_price = verdict.brand_price.quantize(CENT)
    if verdict.code == PartnerErrorCode.PRICE_BELOW_FLOOR.value:
        return (
            f"The price is below the floor of {verdict.floor} {currency} "
            f"({_percent(verdict.band.floor_percent)}% of the brand's "
            f"{brand_price} {currency})."
        )
    if verdict.code == PartnerErrorCode.PRICE_ABOVE_CEILING.value:
        return (
            f"The price is above the ceiling of {verdict.ceiling} {currency} "
            f"({_percent(verdict.band.ceiling_percent)}% of the brand's "
            f"{brand_price} {currency})."
        )
    if verdict.code == PartnerErrorCode.NO_BRAND_PRICE.value:
        return "The brand has no price for this variant in this region."
    return ""
