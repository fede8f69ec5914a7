import threading

import pytest
from django.db import connection

from plugins.price_lists import management
from plugins.price_lists.exceptions import PriceListError
from plugins.price_lists.models import PriceList


# Saleor creates its site settings in a migration: the flush that ends a
# transactional test must restore them for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_save_price_list_lets_one_of_two_tying_lists_through():
    # given: two requests creating lists that would tie, at the same time
    barrier = threading.Barrier(2)
    outcomes = []

    def create(name):
        try:
            barrier.wait()
            management.save_price_list(
                None, {"name": name, "currency": "BRL", "countries": ["BR"]}
            )
            outcomes.append("created")
        except PriceListError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(name,)) for name in "AB"]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert sorted(outcomes) == ["created", "overlapping_validity"]
    assert PriceList.objects.count() == 1


# Saleor creates its site settings in a migration: the flush that ends a
# transactional test must restore them for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upsert_entries_concurrent_writes_keep_tiers_in_order(variant):
    # given: one request sets 1+ at 100, the other 10+ at 120
    price_list = PriceList.objects.create(
        name="Brazil", slug="brazil", currency="BRL", countries=["BR"]
    )
    barrier = threading.Barrier(2)
    results = []

    def write(quantity, amount):
        try:
            barrier.wait()
            row = management.EntryRow(
                row=1, sku=variant.sku, min_quantity=quantity, amount=amount
            )
            results.append(management.upsert_entries(price_list, [row]))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=args) for args in ((1, "100"), (10, "120"))
    ]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: whichever ran second saw the first and refused to rise
    assert sorted(result.written for result in results) == [0, 1]
    assert price_list.entries.count() == 1
