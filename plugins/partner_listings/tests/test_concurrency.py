"""Concurrent writes, on real transactions.

Two connections must both commit for one to wait on the other's locks, so
this test runs outside the per-test transaction and removes what it made
itself, instead of a ``transaction=True`` test whose flush would empty
tables that migrations fill (site settings) for every later test.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from saleor.core.exceptions import InsufficientStock
from saleor.order.models import Order
from saleor.product.models import Category, Product, ProductType
from saleor.warehouse.models import Allocation, Warehouse

from plugins.partner_listings.models import OrderLineRoute, Partner
from plugins.partner_listings.routing import allocate_partner_stocks
from tests.fixtures.partners import (
    create_listing,
    create_order_line,
    create_partner,
)

SLUG = "concurrency-test"


def _make_data():
    from saleor.account.models import Address

    product_type = ProductType.objects.create(name=SLUG, slug=SLUG)
    category = Category.objects.create(name=SLUG, slug=SLUG)
    product = Product.objects.create(
        name=SLUG,
        slug=SLUG,
        product_type=product_type,
        category=category,
        price_amount=Decimal("100"),
        currency="BRL",
    )
    variant = product.variants.create(sku=SLUG.upper(), track_inventory=True)
    partner = create_partner(SLUG, base=56565656)
    address = Address.objects.create(city="SAO PAULO", country="BR")
    warehouse = Warehouse.objects.create(
        name=SLUG, slug=SLUG, address=address, email="c@example.com"
    )
    partner.held_warehouses.create(warehouse=warehouse)
    listing = create_listing(partner, variant, "190.00", stock=10)
    routes = []
    for _ in range(2):
        line = create_order_line(variant, 6)
        routes.append(
            OrderLineRoute.objects.create(
                order_line=line, order=line.order, partner=partner, listing=listing
            )
        )
    return variant, routes


def _remove_data():
    Order.objects.filter(lines__product_sku=SLUG.upper()).delete()
    Partner.objects.filter(slug=SLUG).delete()
    Warehouse.objects.filter(slug=SLUG).delete()
    Product.objects.filter(slug=SLUG).delete()
    Category.objects.filter(slug=SLUG).delete()
    ProductType.objects.filter(slug=SLUG).delete()


@pytest.fixture
def committed_routes(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _remove_data()
        try:
            yield _make_data()
        finally:
            _remove_data()


def test_concurrent_orders_never_allocate_more_than_partner_stock(
    committed_routes, django_db_blocker
):
    # given: the partner has 10 units; two orders want 6 each, at once
    variant, routes = committed_routes
    barrier = threading.Barrier(2)
    outcomes = []

    def place(route):
        with django_db_blocker.unblock():
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
    with django_db_blocker.unblock():
        allocations = Allocation.objects.filter(stock__product_variant=variant)
        assert sum(a.quantity_allocated for a in allocations) == 6
