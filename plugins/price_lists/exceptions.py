"""Exceptions of the price lists domain; each carries a ``PriceListErrorCode``."""

from .error_codes import PriceListErrorCode


class PriceListError(Exception):
    """A rule of the price lists domain was broken; ``code`` says which."""

    def __init__(self, message, *, code: PriceListErrorCode, field=None, row=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.row = row


class PriceNotAvailable(PriceListError):
    """No list prices the variant for the buyer and Saleor's base price is
    in another currency than the buyer's region."""

    def __init__(self, message, *, variant_id=None):
        super().__init__(message, code=PriceListErrorCode.PRICE_NOT_AVAILABLE)
        self.variant_id = variant_id


class PriceListErrors(Exception):
    """Several ``PriceListError``, reported together."""

    def __init__(self, errors):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)
