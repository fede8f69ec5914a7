"""Fulfilment per partner: each partner ships its own lines of an order."""

import logging
from collections import defaultdict

from django.db import transaction
from saleor.core.exceptions import InsufficientStock
from saleor.order import OrderStatus
from saleor.order.actions import create_fulfillments
from saleor.order.models import Order

from .error_codes import PartnerError, PartnerErrorCode
from .models import OrderLineRoute, PartnerWarehouse

logger = logging.getLogger(__name__)


def fulfill_partner_lines(actor, order_id, lines, *, notify_customer=True):
    """Fulfil ``lines`` (``[(order_line_id, quantity)]``) of one partner.

    A partner member may fulfil only lines routed to its partner; the
    brand may fulfil any routed lines of one partner at a time. Quantities
    come from the warehouses the lines are allocated in.
    """
    if not lines:
        raise PartnerError(PartnerErrorCode.REQUIRED, "No lines to fulfil.", "lines")
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise PartnerError(PartnerErrorCode.NOT_FOUND, "No such order.", "order")
        if order.status in (OrderStatus.DRAFT, OrderStatus.CANCELED):
            raise PartnerError(
                PartnerErrorCode.INVALID_STATUS,
                f"An order in status {order.status} cannot be fulfilled.",
                "order",
            )
        routes = {
            route.order_line_id: route
            for route in OrderLineRoute.objects.select_related(
                "order_line__variant", "partner"
            ).filter(order=order, order_line_id__in=[pk for pk, _ in lines])
        }
        partner_ids = set()
        by_warehouse = defaultdict(list)
        for index, (line_id, quantity) in enumerate(lines):
            field = f"lines.{index}"
            route = routes.get(line_id)
            if route is None:
                raise PartnerError(
                    PartnerErrorCode.NOT_FOUND,
                    "No such line routed to a partner in this order.",
                    f"{field}.orderLineId",
                )
            if not actor.is_brand and (
                actor.partner is None or route.partner_id != actor.partner.pk
            ):
                raise PartnerError(
                    PartnerErrorCode.PERMISSION_DENIED,
                    "This line is sold by another partner.",
                    f"{field}.orderLineId",
                )
            if not actor.is_brand and not actor.can_write:
                raise PartnerError(
                    PartnerErrorCode.PERMISSION_DENIED,
                    "Your role in the partner is read only.",
                )
            partner_ids.add(route.partner_id)
            line = route.order_line
            if quantity <= 0 or quantity > line.quantity_unfulfilled:
                raise PartnerError(
                    PartnerErrorCode.FULFILLMENT_QUANTITY,
                    f"Between 1 and {line.quantity_unfulfilled} units of this "
                    "line can be fulfilled.",
                    f"{field}.quantity",
                )
            remaining = quantity
            for allocation in line.allocations.select_related("stock").order_by(
                "stock_id"
            ):
                take = min(allocation.quantity_allocated, remaining)
                if take > 0:
                    by_warehouse[allocation.stock.warehouse_id].append(
                        {"order_line": line, "quantity": take}
                    )
                    remaining -= take
            if remaining and line.variant and line.variant.track_inventory:
                raise PartnerError(
                    PartnerErrorCode.INSUFFICIENT_STOCK,
                    "The line is not allocated in the partner's warehouses.",
                    f"{field}.quantity",
                )
            if remaining:
                warehouse_id = _first_partner_warehouse(route.partner)
                by_warehouse[warehouse_id].append(
                    {"order_line": line, "quantity": remaining}
                )
        if len(partner_ids) > 1:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                "A fulfilment ships the lines of one partner.",
                "lines",
            )
        try:
            fulfillments = create_fulfillments(
                actor.user, order, dict(by_warehouse), notify_customer
            )
        except InsufficientStock as error:
            raise PartnerError(
                PartnerErrorCode.INSUFFICIENT_STOCK,
                f"Not enough stock to fulfil {error.item}.",
                "lines",
            ) from error
    logger.info(
        "Order %s: %s fulfilment(s) created for partner %s",
        order.pk,
        len(fulfillments),
        next(iter(partner_ids)),
    )
    return order, fulfillments


def _first_partner_warehouse(partner):
    hold = (
        PartnerWarehouse.objects.filter(partner_id=partner.stock_partner_id)
        .order_by("pk")
        .first()
    )
    if hold is None:
        raise PartnerError(
            PartnerErrorCode.WAREHOUSE_NOT_OWNED,
            f"{partner.name} holds no warehouse to ship from.",
            "lines",
        )
    return hold.warehouse_id
