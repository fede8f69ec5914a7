"""A partner's stock: Saleor ``Stock`` rows of the warehouses it holds."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from saleor.warehouse.models import Allocation, Stock

from .error_codes import PartnerError, PartnerErrorCode
from .models import Partner, PartnerWarehouse


def get_partner_warehouse_ids(partner) -> set:
    return set(
        PartnerWarehouse.objects.filter(partner=partner).values_list(
            "warehouse_id", flat=True
        )
    )


def set_partner_stocks(partner, variant, stocks):
    """Set the quantities of a variant in the partner's warehouses.

    ``stocks`` is a list of ``(warehouse_id, quantity)``. The stock rows are
    locked, and a quantity may not fall below what orders already hold.
    """
    if not stocks:
        return []
    held = {str(pk) for pk in get_partner_warehouse_ids(partner)}
    wanted = {}
    for warehouse_id, quantity in stocks:
        if str(warehouse_id) not in held:
            raise PartnerError(
                PartnerErrorCode.WAREHOUSE_NOT_OWNED,
                f"Warehouse {warehouse_id} is not held by {partner.name}.",
                field="stocks",
            )
        if quantity is None or quantity < 0:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                "A stock quantity cannot be negative.",
                field="stocks",
            )
        wanted[str(warehouse_id)] = quantity

    with transaction.atomic():
        existing = {
            str(stock.warehouse_id): stock
            for stock in Stock.objects.select_for_update(of=("self",)).filter(
                product_variant=variant, warehouse_id__in=list(wanted)
            )
        }
        allocated = dict(
            Allocation.objects.filter(stock__in=list(existing.values()))
            .values_list("stock__warehouse_id")
            .annotate(total=Sum("quantity_allocated"))
            .values_list("stock__warehouse_id", "total")
        )
        allocated = {str(key): value or 0 for key, value in allocated.items()}
        result = []
        for warehouse_id, quantity in wanted.items():
            if quantity < allocated.get(warehouse_id, 0):
                raise PartnerError(
                    PartnerErrorCode.STOCK_BELOW_ALLOCATED,
                    f"Orders already hold {allocated[warehouse_id]} units in "
                    f"warehouse {warehouse_id}.",
                    field="stocks",
                )
            stock = existing.get(warehouse_id)
            if stock is None:
                stock = Stock.objects.create(
                    warehouse_id=warehouse_id,
                    product_variant=variant,
                    quantity=quantity,
                )
            elif stock.quantity != quantity:
                stock.quantity = quantity
                stock.save(update_fields=["quantity"])
            result.append(stock)
    return result


def get_available_quantities(pairs) -> dict:
    """Return ``{(partner_id, variant_id): available}`` for the given pairs.

    A partner sells the stock of its stock source (itself, unless it sells
    another partner's stock); see ``get_held_stock``.
    """
    pairs = list(pairs)
    if not pairs:
        return {}
    sources = get_stock_sources({partner_id for partner_id, _ in pairs})
    held = get_held_stock(
        set(sources.values()), {variant_id for _, variant_id in pairs}
    )
    return {
        (partner_id, variant_id): held.get((sources[partner_id], variant_id), 0)
        for partner_id, variant_id in pairs
    }


def get_held_stock(holder_ids, variant_ids) -> dict:
    """Return ``{(partner_id, variant_id): available}`` in the partners' warehouses.

    Available is the stock of the warehouses a partner holds less what
    orders hold, counted per stock row so an over-allocated row does not
    hide stock elsewhere. Pairs without stock are left out.
    """
    if not holder_ids or not variant_ids:
        return {}
    rows = (
        Stock.objects.filter(
            product_variant_id__in=variant_ids,
            warehouse__partner_hold__partner_id__in=holder_ids,
        )
        .annotate(allocated=Sum("allocations__quantity_allocated"))
        .values_list(
            "warehouse__partner_hold__partner_id",
            "product_variant_id",
            "quantity",
            "allocated",
        )
    )
    available = defaultdict(int)
    for partner_id, variant_id, quantity, allocated in rows:
        available[(partner_id, variant_id)] += max(quantity - (allocated or 0), 0)
    return dict(available)


def get_stock_sources(partner_ids) -> dict:
    """Return ``{partner_id: id of the partner whose stock it sells}``."""
    rows = Partner.objects.filter(pk__in=partner_ids).values_list(
        "pk", "stock_source_id"
    )
    return {pk: source or pk for pk, source in rows}


def get_available_quantity(partner_id, variant_id) -> int:
    return get_available_quantities([(partner_id, variant_id)])[
        (partner_id, variant_id)
    ]
