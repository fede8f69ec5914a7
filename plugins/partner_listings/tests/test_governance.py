from decimal import Decimal

import pytest
from saleor.product.models import Category

from plugins.partner_listings.governance import Band, BandBook, check_price
from plugins.partner_listings.models import PriceBand


def band(floor, ceiling, action="refuse"):
    return Band(1, None, None, Decimal(floor), Decimal(ceiling), action)


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("94.99", "PRICE_BELOW_FLOOR"),
        ("95.00", ""),
        ("120.00", ""),
        ("120.01", "PRICE_ABOVE_CEILING"),
    ],
)
def test_check_price_against_band(amount, code):
    # when
    verdict = check_price(band(95, 120), Decimal(amount), Decimal("100.00"))

    # then
    assert verdict.code == code
    assert (verdict.floor, verdict.ceiling) == (Decimal("95.00"), Decimal("120.00"))


def test_check_price_without_band_or_brand_price():
    assert check_price(None, Decimal("1"), Decimal("100")).in_band
    verdict = check_price(band(95, 120), Decimal("1"), None)
    assert verdict.code == "NO_BRAND_PRICE"
    assert not verdict.refused


def test_check_price_hold_band_does_not_refuse():
    verdict = check_price(band(95, 120, "hold"), Decimal("1"), Decimal("100"))
    assert verdict.code == "PRICE_BELOW_FLOOR"
    assert not verdict.refused


def test_band_book_picks_most_specific_band(db, partner_a, partner_b, category):
    # given
    child = Category.objects.create(name="Drills", slug="drills", parent=category)
    default = PriceBand.objects.create(floor_percent=95, ceiling_percent=120)
    on_category = PriceBand.objects.create(
        category=category, floor_percent=90, ceiling_percent=130
    )
    on_partner = PriceBand.objects.create(
        partner=partner_a, floor_percent=80, ceiling_percent=140
    )
    on_both = PriceBand.objects.create(
        partner=partner_a, category=child, floor_percent=70, ceiling_percent=150
    )
    other = Category.objects.create(name="Paint", slug="paint")

    # when
    book = BandBook()

    # then
    assert book.band_for(partner_a.pk, child.pk).id == on_both.pk
    assert book.band_for(partner_a.pk, category.pk).id == on_partner.pk
    assert book.band_for(partner_b.pk, child.pk).id == on_category.pk
    assert book.band_for(partner_b.pk, other.pk).id == default.pk
