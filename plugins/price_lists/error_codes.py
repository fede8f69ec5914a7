from enum import StrEnum


class PriceListErrorCode(StrEnum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    # A list would tie with another one for some buyer: same kind, same
    # priority, shared countries and buyers, overlapping validity.
    OVERLAPPING_VALIDITY = "overlapping_validity"
    # Another list of one of the countries, or the row, uses another
    # currency; or the list's currency cannot change once it has entries.
    CURRENCY_MISMATCH = "currency_mismatch"
    UNSUPPORTED_CURRENCY = "unsupported_currency"
    INVALID_COUNTRY = "invalid_country"
    INVALID_DATE_RANGE = "invalid_date_range"
    INVALID_AMOUNT = "invalid_amount"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_PRECISION_EXCEEDED = "amount_precision_exceeded"
    INVALID_QUANTITY = "invalid_quantity"
    UNKNOWN_SKU = "unknown_sku"
    # A higher quantity tier would cost more per unit than a lower one.
    TIERS_OUT_OF_ORDER = "tiers_out_of_order"
    DUPLICATED_TIER = "duplicated_tier"
    INVALID_CSV = "invalid_csv"
    PRICE_NOT_AVAILABLE = "price_not_available"
