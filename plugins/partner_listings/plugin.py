"""The Saleor plugin: thin hooks that call the partner listings domain code."""

from django.core.exceptions import ValidationError
from saleor.checkout.error_codes import CheckoutErrorCode
from saleor.plugins.base_plugin import BasePlugin

from . import offers, routing
from .error_codes import PartnerError


class PartnerListingsPlugin(BasePlugin):
    PLUGIN_ID = "marketplace.partner_listings"
    PLUGIN_NAME = "Partner listings"
    DEFAULT_ACTIVE = True
    CONFIG_STRUCTURE = {}
    DEFAULT_CONFIGURATION = []

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        if not self.active:
            return previous_value
        total = offers.calculate_line_total(checkout_line)
        return previous_value if total is None else total

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        if not self.active:
            return previous_value
        try:
            offers.validate_checkout_listing_lines(checkout)
        except PartnerError as error:
            raise ValidationError(
                {
                    "lines": ValidationError(
                        f"{error.code.value}: {error.message}",
                        code=CheckoutErrorCode.INVALID.value,
                    )
                }
            ) from error
        return previous_value

    def order_created(self, order, previous_value):
        if self.active:
            routing.route_order(order)
        return previous_value
