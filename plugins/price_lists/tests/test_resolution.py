from decimal import Decimal

from plugins.price_lists.context import get_region_context
from plugins.price_lists.resolution import resolve_price


def test_resolve_price_uses_region_default_list(variant, regional_price_lists):
    # when
    br = resolve_price(variant, get_region_context("BR"))
    us = resolve_price(variant, get_region_context("US"))
    de = resolve_price(variant, get_region_context("DE"))

    # then
    assert (br.amount, br.currency) == (Decimal("189.90"), "BRL")
    assert (us.amount, us.currency) == (Decimal("39.90"), "USD")
    assert (de.amount, de.currency) == (Decimal("36.90"), "EUR")
