"""Partners selling the brand's catalog, their listings and price governance."""

SALEOR_PLUGIN = "plugins.partner_listings.plugin.PartnerListingsPlugin"
# After price_lists (10): a line bought from a partner is priced by its
# listing, whatever the regional price list says.
PLUGIN_ORDER = 20
