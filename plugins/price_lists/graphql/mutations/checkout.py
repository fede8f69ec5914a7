"""Saleor's checkout mutations, made to keep a checkout in its currency.

Each subclass runs Saleor's mutation unchanged, in a transaction, then puts
the checkout in its region's currency, records the channel it was opened
through and refuses lines that have no price for the buyer, undoing the
whole mutation if so. The payment Saleor creates is given the checkout's
currency rather than ``DEFAULT_CURRENCY``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from saleor.checkout import models as checkout_models
from saleor.checkout.error_codes import CheckoutErrorCode
from saleor.checkout.utils import (
    recalculate_checkout_discount,
    remove_voucher_from_checkout,
)
from saleor.giftcard.models import GiftCard
from saleor.graphql.checkout import mutations as saleor_mutations
from saleor.graphql.checkout.types import Checkout
from saleor.graphql.core.types.common import CheckoutError, PaymentError
from saleor.graphql.core.utils import from_global_id_strict_type
from saleor.graphql.payment import mutations as saleor_payment_mutations
from saleor.payment import ChargeStatus
from saleor.payment.error_codes import PaymentErrorCode

from ...checkout import (
    check_checkout_lines_priced,
    set_checkout_channel,
    sync_checkout_currency,
)
from ...context import get_request_channel


def reprice_checkout(checkout, discounts) -> None:
    """Put a checkout in its region's currency and redo what depends on it."""
    if not sync_checkout_currency(checkout):
        return
    lines = list(checkout)
    saleor_mutations.update_checkout_shipping_method_if_invalid(
        checkout, lines, discounts
    )
    try:
        recalculate_checkout_discount(checkout, lines, discounts)
    except ValueError:
        # Saleor computes fixed voucher amounts in DEFAULT_CURRENCY: such
        # a voucher cannot discount a checkout in another currency.
        remove_voucher_from_checkout(checkout)


class CheckoutCreate(saleor_mutations.CheckoutCreate):
    class Meta:
        model = checkout_models.Checkout
        return_field_name = "checkout"
        description = saleor_mutations.CheckoutCreate._meta.description
        error_type_class = CheckoutError
        error_type_field = "checkout_errors"

    @classmethod
    def perform_mutation(cls, root, info, **data):
        with transaction.atomic():
            response = super().perform_mutation(root, info, **data)
            checkout = response.checkout
            if response.created:
                set_checkout_channel(checkout, get_request_channel(info.context))
                checkout.save(update_fields=["private_metadata"])
            reprice_checkout(checkout, info.context.discounts)
            check_checkout_lines_priced(checkout)
        return response


class CheckoutLinesAdd(saleor_mutations.CheckoutLinesAdd):
    class Meta:
        description = saleor_mutations.CheckoutLinesAdd._meta.description
        error_type_class = CheckoutError
        error_type_field = "checkout_errors"

    @classmethod
    def perform_mutation(cls, root, info, checkout_id, lines, replace=False):
        with transaction.atomic():
            response = super().perform_mutation(
                root, info, checkout_id, lines, replace=replace
            )
            reprice_checkout(response.checkout, info.context.discounts)
            check_checkout_lines_priced(response.checkout)
        return response


class CheckoutLinesUpdate(CheckoutLinesAdd):
    class Meta:
        description = saleor_mutations.CheckoutLinesUpdate._meta.description
        error_type_class = CheckoutError
        error_type_field = "checkout_errors"

    @classmethod
    def perform_mutation(cls, root, info, checkout_id, lines):
        return super().perform_mutation(root, info, checkout_id, lines, replace=True)


class RepriceAfterAddressUpdate:
    """Run Saleor's address mutation, then reprice, in one transaction.

    An address can move the checkout to another region, and so to other
    price lists and another currency.
    """

    @classmethod
    def perform_mutation(cls, root, info, **data):
        with transaction.atomic():
            response = super().perform_mutation(root, info, **data)
            reprice_checkout(response.checkout, info.context.discounts)
            check_checkout_lines_priced(response.checkout)
        return response


class CheckoutShippingAddressUpdate(
    RepriceAfterAddressUpdate, saleor_mutations.CheckoutShippingAddressUpdate
):
    class Meta:
        description = saleor_mutations.CheckoutShippingAddressUpdate._meta.description
        error_type_class = CheckoutError
        error_type_field = "checkout_errors"


class CheckoutBillingAddressUpdate(
    RepriceAfterAddressUpdate, saleor_mutations.CheckoutBillingAddressUpdate
):
    class Meta:
        description = saleor_mutations.CheckoutBillingAddressUpdate._meta.description
        error_type_class = CheckoutError
        error_type_field = "checkout_errors"


class CheckoutAddPromoCode(saleor_mutations.CheckoutAddPromoCode):
    class Meta:
        description = saleor_mutations.CheckoutAddPromoCode._meta.description
        error_type_class = CheckoutError
        error_type_field = "checkout_errors"

    @classmethod
    def perform_mutation(cls, root, info, checkout_id, promo_code):
        checkout = cls.get_node_or_error(
            info, checkout_id, only_type=Checkout, field="checkout_id"
        )
        # Saleor adds a gift card's balance to any checkout at face value,
        # whatever the currency of either.
        gift_card = GiftCard.objects.filter(code=promo_code).first()
        if gift_card is not None and gift_card.currency != checkout.currency:
            raise ValidationError(
                {
                    "promo_code": ValidationError(
                        f"This gift card is in {gift_card.currency}, the "
                        f"checkout in {checkout.currency}.",
                        code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
                    )
                }
            )
        try:
            with transaction.atomic():
                return super().perform_mutation(
                    root, info, checkout_id=checkout_id, promo_code=promo_code
                )
        except ValueError:
            # A fixed voucher amount is in DEFAULT_CURRENCY (see above).
            raise ValidationError(
                {
                    "promo_code": ValidationError(
                        "This voucher does not apply in the checkout's currency.",
                        code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
                    )
                }
            ) from None


class CheckoutPaymentCreate(saleor_payment_mutations.CheckoutPaymentCreate):
    class Meta:
        description = saleor_payment_mutations.CheckoutPaymentCreate._meta.description
        error_type_class = PaymentError
        error_type_field = "payment_errors"

    @classmethod
    def perform_mutation(cls, root, info, checkout_id, **data):
        pk = from_global_id_strict_type(checkout_id, Checkout, field="checkout_id")
        with transaction.atomic():
            checkout = (
                checkout_models.Checkout.objects.select_for_update()
                .filter(pk=pk)
                .first()
            )
            if checkout is not None:
                reprice_checkout(checkout, info.context.discounts)
                try:
                    check_checkout_lines_priced(checkout)
                except ValidationError as error:
                    raise ValidationError(
                        {"checkout_id": error.error_dict["lines"]}
                    ) from None
                # Saleor completes a checkout with its last active payment
                # but counts every active one as paid: a payment for an
                # earlier total, never charged, would be counted too.
                checkout.payments.filter(
                    is_active=True,
                    charge_status=ChargeStatus.NOT_CHARGED,
                    to_confirm=False,
                ).exclude(token=data["input"]["token"]).update(is_active=False)
            response = super().perform_mutation(root, info, checkout_id, **data)
            payment = response.payment
            amount = data["input"].get("amount")
            if amount is not None and payment.total != amount:
                # Saleor returns the checkout's earlier payment made with the
                # same token, at that payment's total.
                raise ValidationError(
                    {
                        "token": ValidationError(
                            "This checkout already has a payment with this token, "
                            f"for {payment.total} {payment.currency}; pay with a "
                            "new token.",
                            code=PaymentErrorCode.INVALID.value,
                        )
                    }
                )
            if payment.currency != payment.checkout.currency:
                payment.currency = payment.checkout.currency
                payment.save(update_fields=["currency"])
        return response
