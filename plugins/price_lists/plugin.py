from saleor.plugins.base_plugin import BasePlugin

from . import checkout as checkout_pricing
from . import orders as order_pricing


class PriceListsPlugin(BasePlugin):
    """Price checkout lines and draft order lines from the price lists."""

    PLUGIN_ID = "marketplace.price_lists"
    PLUGIN_NAME = "Price lists"
    PLUGIN_DESCRIPTION = "Regional, contract and volume prices from price lists."
    DEFAULT_ACTIVE = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Saleor builds a plugin manager per request or per calculation;
        # what is resolved for a checkout lives as long as this instance.
        self._checkout_pricing = checkout_pricing.CheckoutPricingCache()

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        if not self.active:
            return previous_value
        return checkout_pricing.calculate_checkout_line_total(
            checkout_line, previous_value, cache=self._checkout_pricing
        )

    def calculate_checkout_shipping(self, checkout, lines, discounts, previous_value):
        if not self.active:
            return previous_value
        return checkout_pricing.calculate_checkout_shipping(checkout, previous_value)

    def calculate_order_line_unit(self, order_line, previous_value):
        if not self.active:
            return previous_value
        return order_pricing.calculate_draft_order_line_unit(order_line, previous_value)

    def checkout_quantity_changed(self, checkout, previous_value):
        if not self.active:
            return previous_value
        checkout_pricing.sync_checkout_currency(checkout)
        return previous_value

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        if not self.active:
            return previous_value
        checkout_pricing.check_checkout_before_order(checkout)
        return previous_value
