"""Stable error codes of the partner listings API."""

from enum import StrEnum


class PartnerErrorCode(StrEnum):
    """Codes returned in ``PartnerError.code``; never renamed once shipped."""

    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_TAX_ID = "INVALID_TAX_ID"
    INVALID_REGION = "INVALID_REGION"
    REGION_NOT_SERVED = "REGION_NOT_SERVED"
    WAREHOUSE_NOT_OWNED = "WAREHOUSE_NOT_OWNED"
    WAREHOUSE_ALREADY_HELD = "WAREHOUSE_ALREADY_HELD"
    PARTNER_SUSPENDED = "PARTNER_SUSPENDED"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    NO_BRAND_PRICE = "NO_BRAND_PRICE"
    PRICE_BELOW_FLOOR = "PRICE_BELOW_FLOOR"
    PRICE_ABOVE_CEILING = "PRICE_ABOVE_CEILING"
    INVALID_BAND = "INVALID_BAND"
    INVALID_STATUS = "INVALID_STATUS"
    STOCK_BELOW_ALLOCATED = "STOCK_BELOW_ALLOCATED"
    LISTING_NOT_AVAILABLE = "LISTING_NOT_AVAILABLE"
    BELOW_MINIMUM_ORDER_QUANTITY = "BELOW_MINIMUM_ORDER_QUANTITY"
    NOT_ORDER_MULTIPLE = "NOT_ORDER_MULTIPLE"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    CHECKOUT_COUNTRY_MISMATCH = "CHECKOUT_COUNTRY_MISMATCH"
    FULFILLMENT_QUANTITY = "FULFILLMENT_QUANTITY"
    TOO_MANY_ROWS = "TOO_MANY_ROWS"
    INVALID_FEED = "INVALID_FEED"


class PartnerError(Exception):
    """A refusal of the domain code, carrying a stable code and a field."""

    def __init__(self, code: PartnerErrorCode, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self):
        return f"PartnerError({self.code.value}, {self.field!r}, {self.message!r})"


class PartnerErrors(Exception):
    """Several refusals at once, e.g. one per row of a feed."""

    def __init__(self, errors: list[PartnerError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors
