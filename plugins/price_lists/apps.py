from django.apps import AppConfig
from django.core.signals import request_finished, request_started


class PriceListsConfig(AppConfig):
    name = "plugins.price_lists"
    label = "price_lists"
    verbose_name = "Price lists"

    def ready(self):
        from .checkout import end_request_cache, start_request_cache

        request_started.connect(start_request_cache, dispatch_uid="price_lists")
        request_finished.connect(end_request_cache, dispatch_uid="price_lists")
