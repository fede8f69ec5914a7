from django.apps import AppConfig


class PriceListsConfig(AppConfig):
    name = "plugins.price_lists"
    label = "price_lists"
    verbose_name = "Price lists"
