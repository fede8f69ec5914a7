import graphene
from saleor.graphql.order.types import Fulfillment, Order

from ... import fulfillment
from .base import PartnerMutation, decode_int_id


class PartnerFulfillmentLineInput(graphene.InputObjectType):
    order_line_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class PartnerFulfillmentCreate(PartnerMutation):
    order = graphene.Field(Order, description="The order (brand only).")
    fulfillments = graphene.List(graphene.NonNull(Fulfillment))

    class Arguments:
        order = graphene.ID(required=True)
        lines = graphene.List(
            graphene.NonNull(PartnerFulfillmentLineInput), required=True
        )
        notify_customer = graphene.Boolean(default_value=True)

    class Meta:
        description = (
            "Ship lines of an order sold by your partner, from the warehouses "
            "they are allocated in."
        )

    @classmethod
    def perform(cls, root, info, actor, order, lines, notify_customer=True):
        order_id = decode_int_id(order, "Order", "order")
        requested = [
            (
                decode_int_id(line["order_line_id"], "OrderLine", f"lines.{i}"),
                line["quantity"],
            )
            for i, line in enumerate(lines)
        ]
        order, fulfillments = fulfillment.fulfill_partner_lines(
            actor, order_id, requested, notify_customer=notify_customer
        )
        # A partner sees the order through partnerOrders, with its own lines
        # only; Saleor's Order shows every partner's lines.
        return {
            "order": order if actor.is_brand else None,
            "fulfillments": fulfillments,
        }
