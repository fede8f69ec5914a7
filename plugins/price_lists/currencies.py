"""Currencies a price list may use and the precision of their amounts."""

from decimal import Decimal

from babel.numbers import get_currency_precision
from django.conf import settings

# Saleor stores order and checkout amounts with this many decimal places.
STORED_DECIMAL_PLACES = settings.DEFAULT_DECIMAL_PLACES


def get_available_currencies() -> list[str]:
    return list(settings.AVAILABLE_CURRENCIES)


def is_available_currency(currency: str) -> bool:
    return currency in settings.AVAILABLE_CURRENCIES


def get_precision(currency: str) -> int:
    """Return how many decimal places an amount in ``currency`` may have."""
    return min(get_currency_precision(currency), STORED_DECIMAL_PLACES)


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    exponent = amount.normalize().as_tuple().exponent
    return not isinstance(exponent, int) or -exponent <= get_precision(currency)


def quantize_amount(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(10) ** -get_precision(currency))
