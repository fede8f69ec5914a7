"""Concurrent writes to price lists, on real transactions.

Two connections must both commit for one to wait on the other's lock, so
the writes run in threads, each on a connection of its own that commits,
and the tests remove what they made themselves, rather than being
``transaction=True`` tests, whose flush would empty the tables Saleor's
migrations fill (site settings) for the tests after them.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from saleor.product.models import Category, Product, ProductType, ProductVariant

from plugins.price_lists import management
from plugins.price_lists.exceptions import PriceListError
from plugins.price_lists.models import PriceList

SLUG = "price-lists-concurrency"
# A country no other test prices, so that committed lists meet no other.
COUNTRY = "IS"


def _remove_data():
    PriceList.objects.filter(slug__startswith=SLUG).delete()
    Product.objects.filter(slug=SLUG).delete()
    Category.objects.filter(slug=SLUG).delete()
    ProductType.objects.filter(slug=SLUG).delete()


def in_thread(call):
    """Run ``call`` on a connection of its own, committed; return its result."""
    return run_together(call)[0]


@pytest.fixture
def committed(db):
    in_thread(_remove_data)
    yield
    in_thread(_remove_data)


def run_together(*calls):
    """Run the calls in threads released at the same moment."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except PriceListError as error:
            outcomes[index] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.usefixtures("committed")
def test_save_price_list_lets_one_of_two_tying_lists_through():
    # given: two requests creating lists that would tie
    def create(suffix):
        return lambda: (
            management.save_price_list(
                None,
                {
                    "name": f"Iceland {suffix}",
                    "slug": f"{SLUG}-{suffix}",
                    "currency": "EUR",
                    "countries": [COUNTRY],
                },
            ).slug
        )

    # when
    outcomes = run_together(create("a"), create("b"))

    # then
    refused = [outcome for outcome in outcomes if outcome == "overlapping_validity"]
    assert len(refused) == 1
    assert PriceList.objects.filter(slug__startswith=SLUG).count() == 1


@pytest.mark.usefixtures("committed")
def test_upsert_entries_concurrent_writes_keep_tiers_in_order():
    # given: one request sets 1+ at 100, the other 10+ at 120
    def make_data():
        product = Product.objects.create(
            name=SLUG,
            slug=SLUG,
            product_type=ProductType.objects.create(name=SLUG, slug=SLUG),
            category=Category.objects.create(name=SLUG, slug=SLUG),
            price_amount=Decimal("100"),
        )
        variant = ProductVariant.objects.create(product=product, sku=SLUG.upper())
        price_list = PriceList.objects.create(
            name="Iceland", slug=SLUG, currency="EUR", countries=[COUNTRY]
        )
        return variant, price_list

    variant, price_list = in_thread(make_data)

    def write(quantity, amount):
        row = management.EntryRow(
            row=1, sku=variant.sku, min_quantity=quantity, amount=amount
        )
        return lambda: management.upsert_entries(price_list, [row]).written

    # when
    outcomes = run_together(write(1, "100"), write(10, "120"))

    # then: whichever ran second saw the first and refused to rise
    assert sorted(outcomes) == [0, 1]
    assert price_list.entries.count() == 1
