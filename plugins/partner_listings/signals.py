"""Trigger the price re-check when a brand price changes.

A brand price is Saleor's variant and product price and, when the
price_lists plugin is installed, any of its rows that lead to a variant:
a row with a ``variant`` is that variant's price; a row others point to
(a price list) stands for the variants of the rows pointing to it.

price_lists writes its entries in bulk (``bulk_create``, ``update``), which
sends no model signal, but it moves the list's ``updated_at``. So after
every request the newest ``updated_at`` is compared with the last one this
process saw; the variants of the lists that moved are re-checked.
"""

import logging
import threading

from django.apps import apps
from django.core.signals import request_finished
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

_DISPATCH_PREFIX = "partner_listings.brand_price"


def _schedule(variant_ids):
    variant_ids = sorted({pk for pk in variant_ids if pk is not None})
    if not variant_ids:
        return

    def send():
        from .tasks import check_listing_prices

        check_listing_prices.delay(variant_ids)

    transaction.on_commit(send)


def _on_variant_saved(sender, instance, **kwargs):
    _schedule([instance.pk])


def _on_product_saved(sender, instance, **kwargs):
    _schedule(instance.variants.values_list("pk", flat=True))


def _variant_field(model):
    for model_field in model._meta.get_fields():
        related = getattr(model_field, "related_model", None)
        if (
            model_field.many_to_one
            and related is not None
            and related._meta.label == "product.ProductVariant"
        ):
            return model_field.name
    return None


def _make_row_handler(field_name):
    def handler(sender, instance, **kwargs):
        _schedule([getattr(instance, f"{field_name}_id", None)])

    return handler


def _make_parent_handler(children):
    def handler(sender, instance, **kwargs):
        variant_ids = []
        for child, fk_name, variant_field in children:
            variant_ids += child.objects.filter(**{fk_name: instance.pk}).values_list(
                f"{variant_field}_id", flat=True
            )
        _schedule(variant_ids)

    return handler


def connect_brand_price_signals():
    from saleor.product.models import Product, ProductVariant

    post_save.connect(
        _on_variant_saved, sender=ProductVariant, dispatch_uid=f"{_DISPATCH_PREFIX}.v"
    )
    post_save.connect(
        _on_product_saved, sender=Product, dispatch_uid=f"{_DISPATCH_PREFIX}.p"
    )
    if not apps.is_installed("plugins.price_lists"):
        return
    models = list(apps.get_app_config("price_lists").get_models())
    variant_fields = {model: _variant_field(model) for model in models}
    for model, variant_field in variant_fields.items():
        if variant_field is None:
            continue
        handler = _make_row_handler(variant_field)
        for signal, name in ((post_save, "s"), (post_delete, "d")):
            signal.connect(
                handler,
                sender=model,
                weak=False,
                dispatch_uid=f"{_DISPATCH_PREFIX}.{model._meta.label}.{name}",
            )
    for parent in models:
        if variant_fields[parent] is not None:
            continue
        children = [
            (child, model_field.name, variant_fields[child])
            for child in models
            if variant_fields[child] is not None
            for model_field in child._meta.get_fields()
            if model_field.many_to_one and model_field.related_model is parent
        ]
        if children:
            post_save.connect(
                _make_parent_handler(children),
                sender=parent,
                weak=False,
                dispatch_uid=f"{_DISPATCH_PREFIX}.{parent._meta.label}.s",
            )


class _Watermark:
    """The newest price list change this process has dispatched."""

    def __init__(self):
        self.value = None
        self.lock = threading.Lock()


_watermark = _Watermark()


def _check_price_lists_moved(sender=None, **kwargs):
    from plugins.price_lists.models import PriceList

    try:
        newest = PriceList.objects.aggregate(newest=Max("updated_at"))["newest"]
    except Exception:  # noqa: BLE001 - never break a finished request
        logger.warning("Brand prices: could not read price list changes")
        return
    with _watermark.lock:
        previous = _watermark.value
        if newest is None or (previous is not None and newest <= previous):
            if previous is None:
                _watermark.value = newest
            return
        _watermark.value = newest
    if previous is None:
        # A new process: what happened before it was dispatched by others
        # or is left to the periodic check.
        return
    from .tasks import check_price_lists_since

    check_price_lists_since.delay(previous.isoformat())


def connect_price_list_watermark():
    if apps.is_installed("plugins.price_lists"):
        request_finished.connect(
            _check_price_lists_moved,
            weak=False,
            dispatch_uid=f"{_DISPATCH_PREFIX}.watermark",
        )
