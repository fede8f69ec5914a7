from django.apps import AppConfig


class PartnerListingsConfig(AppConfig):
    name = "plugins.partner_listings"
    label = "partner_listings"
    verbose_name = "Partner listings"

    def ready(self):
        from . import signals

        signals.connect_brand_price_signals()
        signals.connect_price_list_watermark()
