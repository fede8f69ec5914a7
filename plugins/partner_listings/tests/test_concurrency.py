import threading

import pytest
from django.db import connection, transaction
from saleor.core.exceptions import InsufficientStock
from saleor.warehouse.models import Allocation

from plugins.partner_listings.models import OrderLineRoute
from plugins.partner_listings.routing import allocate_partner_stocks
from tests.fixtures.partners import create_listing, create_order_line


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_allocate_more_than_partner_stock(variant, partner_a):
    # given: partner A has 10 units; two orders want 6 each, at once
    listing = create_listing(partner_a, variant, "190.00", stock=10)
    routes = []
    for _ in range(2):
        line = create_order_line(variant, 6)
        routes.append(
            OrderLineRoute.objects.create(
                order_line=line, order=line.order, partner=partner_a, listing=listing
            )
        )
    barrier = threading.Barrier(2)
    outcomes = []

    def place(route):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                allocate_partner_stocks([route])
            outcomes.append("allocated")
        except InsufficientStock:
            outcomes.append("refused")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=place, args=(route,)) for route in routes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    assert sorted(outcomes) == ["allocated", "refused"]
    assert sum(a.quantity_allocated for a in Allocation.objects.all()) == 6
