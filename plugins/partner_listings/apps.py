from django.apps import AppConfig
from django.conf import settings


class PartnerListingsConfig(AppConfig):
    name = "plugins.partner_listings"
    label = "partner_listings"
    verbose_name = "Partner listings"

    def ready(self):
        schedule_periodic_tasks()

        # The vanilla mode serves Saleor alone, the benchmarks' baseline:
        # it must not pay for the plugin's price watch.
        if getattr(settings, "VANILLA_SALEOR", False):
            return
        from . import signals

        signals.connect_brand_price_signals()
        signals.connect_price_list_watermark()


def schedule_periodic_tasks():
    """Register the plugin's periodic tasks with Celery beat.

    Workers run them when ``celery -A marketplace.celery beat`` runs beside
    them; without a broker, the management commands of the same jobs
    (``retry_partner_webhooks``, ``check_partner_prices``) serve instead.
    """
    from celery.schedules import crontab

    from marketplace.celery import app

    app.conf.beat_schedule.update(
        {
            "partner-listings-retry-webhooks": {
                "task": "partner_listings.retry_webhooks",
                "schedule": 60.0,
            },
            "partner-listings-check-all-listing-prices": {
                "task": "partner_listings.check_all_listing_prices",
                "schedule": crontab(hour=3, minute=0),
            },
        }
    )
