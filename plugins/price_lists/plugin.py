from saleor.plugins.base_plugin import BasePlugin


class PriceListsPlugin(BasePlugin):
    PLUGIN_ID = "marketplace.price_lists"
    PLUGIN_NAME = "Price lists"
    PLUGIN_DESCRIPTION = "Regional, contract and volume prices from price lists."
    DEFAULT_ACTIVE = True
