from django.apps import AppConfig
from django.conf import settings


class PartnerListingsConfig(AppConfig):
    name = "plugins.partner_listings"
    label = "partner_listings"
    verbose_name = "Partner listings"

    def ready(self):
        # The vanilla mode serves Saleor alone, the benchmarks' baseline:
        # it must not pay for the plugin's price watch.
        if getattr(settings, "VANILLA_SALEOR", False):
            return
        from . import signals

        signals.connect_brand_price_signals()
        signals.connect_price_list_watermark()
