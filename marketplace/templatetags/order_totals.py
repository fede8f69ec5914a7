from django import template

from marketplace.orders import get_order_subtotal

register = template.Library()


@register.simple_tag
def order_subtotal(order):
    """The order's subtotal, in its own currency."""
    return get_order_subtotal(order)
