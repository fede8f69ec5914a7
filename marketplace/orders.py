"""Order amounts that hold in any currency."""

from saleor.core.taxes import zero_taxed_money


def get_order_subtotal(order):
    """Return the sum of an order's lines, in the order's currency.

    Saleor's ``Order.get_subtotal`` starts the sum from zero in
    ``DEFAULT_CURRENCY``, which fails for an order in another currency.
    """
    return sum(
        (line.get_total() for line in order.lines.all()),
        zero_taxed_money(order.currency),
    )
