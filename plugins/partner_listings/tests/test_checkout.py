from decimal import Decimal

import pytest
from graphene import Node
from saleor.payment import ChargeStatus
from saleor.payment.models import Payment
from saleor.warehouse.models import Allocation, Stock

from plugins.partner_listings.models import OrderLineRoute
from tests.fixtures.api import ApiClient
from tests.fixtures.catalog import create_product
from tests.fixtures.checkout import ADDRESS, pay_checkout
from tests.fixtures.partners import create_listing

CHECKOUT_CREATE = """
mutation ($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id }
    checkoutErrors { field code message }
  }
}
"""

LINES_ADD = """
mutation ($checkoutId: ID!, $lines: [CheckoutListingLineInput!]!) {
  checkoutListingLinesAdd(checkoutId: $checkoutId, lines: $lines) {
    checkout {
      lines { quantity partnerListing { partner { slug } } }
      subtotalPrice { gross { amount currency } }
    }
    errors { field code message }
  }
}
"""

LINES_UPDATE = """
mutation ($checkoutId: ID!, $lines: [CheckoutListingLineInput!]!) {
  checkoutListingLinesUpdate(checkoutId: $checkoutId, lines: $lines) {
    checkout { lines { quantity } }
    errors { field code message }
  }
}
"""


CHECKOUT_COMPLETE = """
mutation ($checkoutId: ID!) {
  checkoutComplete(checkoutId: $checkoutId) {
    order {
      id
      lines { productSku quantity partner { slug } unitPrice { gross { amount } } }
      partnerSubtotals {
        partner { slug } subtotal { amount currency } quantity isFulfilled
      }
    }
    checkoutErrors { field code message }
  }
}
"""

PARTNER_ORDERS = """
{ partnerOrders { id lines { productSku quantity } subtotal { amount } } }
"""

FULFILL = """
mutation ($order: ID!, $lines: [PartnerFulfillmentLineInput!]!) {
  partnerFulfillmentCreate(order: $order, lines: $lines) {
    fulfillments { id }
    errors { field code message }
  }
}
"""


def gid(type_name, pk):
    return Node.to_global_id(type_name, pk)


def create_checkout(client):
    data = client.execute(
        CHECKOUT_CREATE,
        {
            "input": {
                "email": "buyer@example.com",
                "lines": [],
                "shippingAddress": ADDRESS,
                "billingAddress": ADDRESS,
            }
        },
    )["checkoutCreate"]
    assert data["checkoutErrors"] == []
    return data["checkout"]["id"]


@pytest.fixture
def saw(product_type, category):
    """A second product, the brand's circular saw."""
    return create_product(
        "Circular saw", "300.00", product_type, category
    ).variants.get()


@pytest.fixture
def offers(variant, saw, partner_a, partner_b):
    drill_a = create_listing(
        partner_a, variant, "180.50", stock=30, min_order_quantity=4, order_multiple=2
    )
    saw_b = create_listing(partner_b, saw, "290.00", stock=10)
    drill_b = create_listing(partner_b, variant, "185.00", stock=10)
    return drill_a, saw_b, drill_b


def add_lines(client, checkout_id, lines):
    return client.execute(
        LINES_ADD,
        {
            "checkoutId": checkout_id,
            "lines": [
                {"listingId": gid("PartnerListing", listing.pk), "quantity": quantity}
                for listing, quantity in lines
            ],
        },
    )["checkoutListingLinesAdd"]


SHIPPING_ADDRESS_UPDATE = """
mutation ($checkoutId: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(checkoutId: $checkoutId, shippingAddress: $address) {
    checkout { availableShippingMethods { id } }
    checkoutErrors { field code message }
  }
}
"""


def place_order(client, checkout_id, capture):
    # Saleor keeps the shipping address only once a line needs shipping.
    data = client.execute(
        SHIPPING_ADDRESS_UPDATE, {"checkoutId": checkout_id, "address": ADDRESS}
    )["checkoutShippingAddressUpdate"]
    assert data["checkoutErrors"] == []
    shipping_method_id = data["checkout"]["availableShippingMethods"][0]["id"]
    pay_checkout(client, checkout_id, shipping_method_id)
    with capture(execute=True):
        return client.execute(CHECKOUT_COMPLETE, {"checkoutId": checkout_id})[
            "checkoutComplete"
        ]


def test_mixed_partner_checkout_routes_lines_and_splits_subtotals(
    user_api_client,
    offers,
    partner_a,
    partner_b,
    member_a,
    member_b,
    django_capture_on_commit_callbacks,
):
    # given
    drill_a, saw_b, drill_b = offers
    checkout_id = create_checkout(user_api_client)

    # when: the same drill from two partners, and a saw
    added = add_lines(
        user_api_client, checkout_id, [(drill_a, 4), (saw_b, 1), (drill_b, 1)]
    )
    order = place_order(
        user_api_client,
        checkout_id,
        django_capture_on_commit_callbacks,
    )

    # then
    assert added["errors"] == []
    assert added["checkout"]["subtotalPrice"]["gross"] == {
        "amount": 4 * 180.5 + 290 + 185,
        "currency": "BRL",
    }
    assert order["checkoutErrors"] == []
    lines = order["order"]["lines"]
    assert sorted(
        (
            line["partner"]["slug"],
            line["quantity"],
            line["unitPrice"]["gross"]["amount"],
        )
        for line in lines
    ) == sorted(
        [
            (partner_a.slug, 4, 180.5),
            (partner_b.slug, 1, 290.0),
            (partner_b.slug, 1, 185.0),
        ]
    )
    subtotals = {
        group["partner"]["slug"]: group for group in order["order"]["partnerSubtotals"]
    }
    assert subtotals[partner_a.slug]["subtotal"] == {"amount": 722.0, "currency": "BRL"}
    assert subtotals[partner_b.slug]["subtotal"] == {"amount": 475.0, "currency": "BRL"}
    assert subtotals[partner_b.slug]["quantity"] == 2

    # then: stock is allocated from each partner's own warehouse
    for route in OrderLineRoute.objects.select_related("order_line"):
        allocations = Allocation.objects.filter(order_line=route.order_line)
        assert (
            sum(a.quantity_allocated for a in allocations) == route.order_line.quantity
        )
        assert {a.stock.warehouse.partner_hold.partner_id for a in allocations} == {
            route.partner_id
        }

    # then: each partner sees only its own lines
    seen_by_a = ApiClient(user=member_a).execute(PARTNER_ORDERS)["partnerOrders"]
    assert [[line["productSku"] for line in o["lines"]] for o in seen_by_a] == [
        ["SKU-IMPACT-DRILL"]
    ]
    assert seen_by_a[0]["subtotal"]["amount"] == 722.0
    seen_by_b = ApiClient(user=member_b).execute(PARTNER_ORDERS)["partnerOrders"]
    assert sorted(line["productSku"] for line in seen_by_b[0]["lines"]) == [
        "SKU-CIRCULAR-SAW",
        "SKU-IMPACT-DRILL",
    ]


def test_partner_fulfils_own_lines_only(
    user_api_client,
    offers,
    partner_a,
    member_a,
    member_b,
    django_capture_on_commit_callbacks,
):
    # given
    drill_a, saw_b, _ = offers
    checkout_id = create_checkout(user_api_client)
    add_lines(user_api_client, checkout_id, [(drill_a, 4), (saw_b, 1)])
    order = place_order(
        user_api_client,
        checkout_id,
        django_capture_on_commit_callbacks,
    )["order"]
    route_a = OrderLineRoute.objects.get(partner=partner_a)
    line_a = {"orderLineId": gid("OrderLine", route_a.order_line_id), "quantity": 4}

    # when
    refused = ApiClient(user=member_b).execute(
        FULFILL, {"order": order["id"], "lines": [line_a]}
    )["partnerFulfillmentCreate"]
    stock_before = Stock.objects.get(warehouse__slug="alfa-campinas").quantity
    with django_capture_on_commit_callbacks(execute=False):
        fulfilled = ApiClient(user=member_a).execute(
            FULFILL, {"order": order["id"], "lines": [line_a]}
        )["partnerFulfillmentCreate"]

    # then
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    assert fulfilled["errors"] == []
    assert len(fulfilled["fulfillments"]) == 1
    route_a.order_line.refresh_from_db()
    assert route_a.order_line.quantity_fulfilled == 4
    stock = Stock.objects.get(warehouse__slug="alfa-campinas")
    assert stock.quantity == stock_before - 4


@pytest.mark.parametrize(
    ("quantity", "code"),
    [(2, "BELOW_MINIMUM_ORDER_QUANTITY"), (5, "NOT_ORDER_MULTIPLE")],
)
def test_checkout_listing_lines_add_enforces_quantity_rules(
    user_api_client, offers, quantity, code
):
    # given: partner A sells from 4 units, in pairs
    drill_a, _, _ = offers
    checkout_id = create_checkout(user_api_client)

    # when
    data = add_lines(user_api_client, checkout_id, [(drill_a, quantity)])

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("lines.0.quantity", code)
    ]
    assert data["checkout"] is None


def test_checkout_listing_lines_add_refuses_more_than_partner_stock(
    user_api_client, offers
):
    # given: partner B has 10 saws
    _, saw_b, _ = offers
    checkout_id = create_checkout(user_api_client)

    # when
    data = add_lines(user_api_client, checkout_id, [(saw_b, 11)])

    # then
    assert [e["code"] for e in data["errors"]] == ["INSUFFICIENT_STOCK"]


def test_checkout_listing_lines_add_refuses_unapproved_listing(user_api_client, offers):
    # given
    drill_a, _, _ = offers
    drill_a.status = "paused"
    drill_a.save()
    checkout_id = create_checkout(user_api_client)

    # when
    data = add_lines(user_api_client, checkout_id, [(drill_a, 4)])

    # then
    assert [e["code"] for e in data["errors"]] == ["LISTING_NOT_AVAILABLE"]


def test_checkout_listing_lines_update_sets_and_removes(user_api_client, offers):
    # given
    drill_a, saw_b, _ = offers
    checkout_id = create_checkout(user_api_client)
    add_lines(user_api_client, checkout_id, [(drill_a, 4), (saw_b, 1)])

    # when
    data = user_api_client.execute(
        LINES_UPDATE,
        {
            "checkoutId": checkout_id,
            "lines": [
                {"listingId": gid("PartnerListing", drill_a.pk), "quantity": 8},
                {"listingId": gid("PartnerListing", saw_b.pk), "quantity": 0},
            ],
        },
    )["checkoutListingLinesUpdate"]

    # then
    assert data["errors"] == []
    assert data["checkout"]["lines"] == [{"quantity": 8}]


def test_checkout_complete_refuses_listing_paused_after_adding(
    user_api_client, offers, django_capture_on_commit_callbacks
):
    # given
    drill_a, _, _ = offers
    checkout_id = create_checkout(user_api_client)
    add_lines(user_api_client, checkout_id, [(drill_a, 4)])
    drill_a.status = "paused"
    drill_a.save()

    # when
    data = place_order(
        user_api_client,
        checkout_id,
        django_capture_on_commit_callbacks,
    )

    # then
    assert data["order"] is None
    assert [e["code"] for e in data["checkoutErrors"]] == ["INVALID"]
    assert "LISTING_NOT_AVAILABLE" in data["checkoutErrors"][0]["message"]
    assert not OrderLineRoute.objects.exists()


def test_checkout_of_other_buyer_is_refused(user_api_client, offers, member_b):
    # given
    drill_a, _, _ = offers
    checkout_id = create_checkout(user_api_client)

    # when
    data = add_lines(ApiClient(user=member_b), checkout_id, [(drill_a, 4)])

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]


def test_order_line_price_is_the_listing_price_not_the_price_list(
    user_api_client, offers, br_price_list, django_capture_on_commit_callbacks
):
    # given: the brand's BR list says 189.90; partner A sells at 180.50
    drill_a, _, _ = offers
    checkout_id = create_checkout(user_api_client)
    add_lines(user_api_client, checkout_id, [(drill_a, 4)])

    # when
    data = place_order(
        user_api_client,
        checkout_id,
        django_capture_on_commit_callbacks,
    )

    # then
    [line] = data["order"]["lines"]
    assert Decimal(str(line["unitPrice"]["gross"]["amount"])) == Decimal("180.5")


def test_order_notifies_partner_of_routed_lines_and_low_stock(
    user_api_client,
    offers,
    partner_a,
    webhook_receiver,
    django_capture_on_commit_callbacks,
):
    # given: partner A has 30 drills and calls 5 "low"
    drill_a, _, _ = offers
    partner_a.webhook_url = webhook_receiver.url
    partner_a.save()
    checkout_id = create_checkout(user_api_client)
    add_lines(user_api_client, checkout_id, [(drill_a, 26)])

    # when
    place_order(user_api_client, checkout_id, django_capture_on_commit_callbacks)

    # then
    events = {event["event"]: event for event in webhook_receiver.events()}
    assert sorted(events) == ["order_lines.routed", "stock.low"]
    [line] = events["order_lines.routed"]["data"]["lines"]
    assert (line["sku"], line["quantity"], line["unit_price"]) == (
        "SKU-IMPACT-DRILL",
        26,
        "180.50",
    )
    assert events["stock.low"]["data"]["available"] == 4


def test_representative_sells_from_stock_source(
    user_api_client,
    variant,
    brand_partner,
    warehouse,
    django_capture_on_commit_callbacks,
):
    # given: a representative without warehouses sells the brand's stock
    from tests.fixtures.partners import create_partner

    representative = create_partner(
        "Representações Sul",
        "representative",
        base=31313131,
        stock_source=brand_partner,
    )
    listing = create_listing(representative, variant, "195.00")
    checkout_id = create_checkout(user_api_client)

    # when
    added = add_lines(user_api_client, checkout_id, [(listing, 3)])
    order = place_order(
        user_api_client, checkout_id, django_capture_on_commit_callbacks
    )

    # then
    assert added["errors"] == []
    [line] = order["order"]["lines"]
    assert line["partner"]["slug"] == representative.slug
    route = OrderLineRoute.objects.get()
    [allocation] = Allocation.objects.filter(order_line=route.order_line)
    assert allocation.stock.warehouse == warehouse
    assert allocation.quantity_allocated == 3


def test_checkout_complete_refuses_brand_line_beyond_brand_stock_before_payment(
    user_api_client,
    variant,
    warehouse,
    brand_partner,
    partner_a,
    django_capture_on_commit_callbacks,
):
    # given: the brand holds 5 units, partner A 50; a plain line asks for 10
    Stock.objects.filter(warehouse=warehouse, product_variant=variant).update(
        quantity=5
    )
    Stock.objects.create(
        warehouse=partner_a.held_warehouses.get().warehouse,
        product_variant=variant,
        quantity=50,
    )
    checkout_id = create_checkout(user_api_client)
    data = user_api_client.execute(
        PLAIN_LINES_ADD,
        {
            "checkoutId": checkout_id,
            "lines": [{"variantId": gid("ProductVariant", variant.pk), "quantity": 10}],
        },
    )["checkoutLinesAdd"]
    assert data["checkoutErrors"] == []

    # when
    data = place_order(user_api_client, checkout_id, django_capture_on_commit_callbacks)

    # then: refused before the payment is charged, nothing allocated
    assert data["order"] is None
    assert [e["code"] for e in data["checkoutErrors"]] == ["INSUFFICIENT_STOCK"]
    payment = Payment.objects.get()
    assert payment.charge_status == ChargeStatus.NOT_CHARGED
    assert not Allocation.objects.exists()


PLAIN_LINES_ADD = """
mutation ($checkoutId: ID!, $lines: [CheckoutLineInput]!) {
  checkoutLinesAdd(checkoutId: $checkoutId, lines: $lines) {
    checkoutErrors { field code message }
  }
}
"""
