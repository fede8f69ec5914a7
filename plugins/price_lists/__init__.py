"""Regional price lists: each buyer sees and pays the price of its region.

A price list prices variants in one currency for a set of countries,
optionally for some buyer companies or customer groups, a sales channel and
a validity window; ``resolution.resolve_price`` picks the price a buyer
pays. Partner listings (order 20) run after this plugin and may override
the price of lines bought from a partner.
"""

SALEOR_PLUGIN = "plugins.price_lists.plugin.PriceListsPlugin"
PLUGIN_ORDER = 10
