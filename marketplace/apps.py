from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self):
        from marketplace import compat

        compat.apply("ready")

        # saleor.product.tasks and saleor.product.utils import each other;
        # whichever loads first must be the utils, or saving a variant
        # before the GraphQL schema is imported fails on the cycle (seeds,
        # management commands, Celery workers). Load them in that order.
        import saleor.product.utils  # noqa: F401
