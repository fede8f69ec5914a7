import graphene
from saleor.checkout.models import Checkout as CheckoutModel
from saleor.checkout.utils import recalculate_checkout_discount
from saleor.graphql.checkout.mutations import update_checkout_shipping_method_if_invalid
from saleor.graphql.checkout.types import Checkout

from ... import offers
from ...error_codes import PartnerError, PartnerErrorCode
from .base import PartnerMutation, decode_id, decode_int_id


class CheckoutListingLineInput(graphene.InputObjectType):
    listing_id = graphene.ID(required=True, description="The offer chosen.")
    quantity = graphene.Int(required=True)


def _get_checkout(info, global_id):
    token = decode_id(global_id, "Checkout", "checkoutId")
    checkout = (
        CheckoutModel.objects.filter(token=token).first() if _is_uuid(token) else None
    )
    if checkout is None:
        raise PartnerError(
            PartnerErrorCode.NOT_FOUND, "No such checkout.", "checkoutId"
        )
    user = info.context.user
    # A checkout of a signed-in buyer is theirs alone; anonymous checkouts
    # are reached by their secret token, as in Saleor.
    if checkout.user_id is not None and (
        not user.is_authenticated or user.pk != checkout.user_id
    ):
        raise PartnerError(
            PartnerErrorCode.PERMISSION_DENIED,
            "This checkout belongs to another buyer.",
            "checkoutId",
        )
    return checkout


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _apply(info, checkout_id, lines, replace):
    checkout = _get_checkout(info, checkout_id)
    requested = [
        (
            decode_int_id(line["listing_id"], "PartnerListing", f"lines.{i}.listingId"),
            line["quantity"],
        )
        for i, line in enumerate(lines)
    ]
    if not requested:
        raise PartnerError(PartnerErrorCode.REQUIRED, "No lines given.", "lines")
    checkout = offers.set_checkout_listing_lines(checkout, requested, replace=replace)
    discounts = info.context.discounts
    checkout_lines = list(checkout)
    update_checkout_shipping_method_if_invalid(checkout, checkout_lines, discounts)
    recalculate_checkout_discount(checkout, checkout_lines, discounts)
    return {"checkout": checkout}


class CheckoutListingLinesAdd(PartnerMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        checkout_id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(CheckoutListingLineInput), required=True)

    class Meta:
        description = (
            "Add offers to a checkout: each line is bought from the listing's "
            "partner at the listing's price."
        )

    @classmethod
    def perform(cls, root, info, actor, checkout_id, lines):
        return _apply(info, checkout_id, lines, replace=False)


class CheckoutListingLinesUpdate(PartnerMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        checkout_id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(CheckoutListingLineInput), required=True)

    class Meta:
        description = "Set the quantities of offers in a checkout; 0 removes one."

    @classmethod
    def perform(cls, root, info, actor, checkout_id, lines):
        return _apply(info, checkout_id, lines, replace=True)
