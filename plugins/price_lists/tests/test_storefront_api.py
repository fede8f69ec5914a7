from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from graphene import Node
from saleor.discount import DiscountValueType
from saleor.discount.models import Voucher
from saleor.giftcard.models import GiftCard
from saleor.order.models import Order
from saleor.payment.models import Payment

from tests.fixtures.api import ApiClient
from tests.fixtures.checkout import (
    CHECKOUT_PAYMENT_CREATE,
    CHECKOUT_SHIPPING_METHOD_UPDATE,
    pay_checkout,
)
from tests.fixtures.price_lists import set_default_shipping_country

PRODUCT_PRICING = """
query ($id: ID!, $country: CountryCode, $quantity: Int) {
  product(id: $id, country: $country) {
    pricing(quantity: $quantity) {
      onSale
      priceRange { start { gross { amount currency } } }
      priceRangeUndiscounted { start { gross { amount currency } } }
    }
    minimalVariantPrice { amount currency }
    variants {
      pricing(quantity: $quantity) {
        price { gross { amount currency } }
        priceUndiscounted { gross { amount currency } }
        discount { gross { amount } }
      }
      pricingTiers { minQuantity price { gross { amount currency } } }
    }
  }
}
"""

PRODUCTS_PRICING = """
query ($country: CountryCode) {
  products(first: 10, country: $country) {
    edges { node {
      pricing { priceRange { start { gross { amount currency } } } }
      variants { pricing { price { gross { amount currency } } } }
    } }
  }
}
"""


def _price(data):
    return data["gross"]["amount"], data["gross"]["currency"]


def query_product(client, product, **variables):
    variables["id"] = Node.to_global_id("Product", product.pk)
    return client.execute(PRODUCT_PRICING, variables)["product"]


@pytest.mark.usefixtures("regional_price_lists")
@pytest.mark.parametrize(
    ("country", "expected"),
    [("BR", (189.9, "BRL")), ("US", (39.9, "USD")), ("DE", (36.9, "EUR"))],
)
def test_product_query_prices_in_country_currency(
    api_client, product, country, expected
):
    # when
    data = query_product(api_client, product, country=country)

    # then
    [variant] = data["variants"]
    assert _price(variant["pricing"]["price"]) == expected
    assert _price(data["pricing"]["priceRange"]["start"]) == expected
    assert (
        data["minimalVariantPrice"]["amount"],
        data["minimalVariantPrice"]["currency"],
    ) == expected


@pytest.mark.usefixtures("regional_price_lists")
def test_products_query_carries_country_to_nested_pricing(api_client):
    # when
    data = api_client.execute(PRODUCTS_PRICING, {"country": "US"})

    # then
    node = data["products"]["edges"][0]["node"]
    assert _price(node["pricing"]["priceRange"]["start"]) == (39.9, "USD")
    assert _price(node["variants"][0]["pricing"]["price"]) == (39.9, "USD")


@pytest.mark.usefixtures("regional_price_lists")
def test_product_query_without_country_uses_buyer_default_shipping_address(
    customer_user, product
):
    # given
    set_default_shipping_country(customer_user, "US")

    # when
    data = query_product(ApiClient(user=customer_user), product)

    # then
    assert _price(data["variants"][0]["pricing"]["price"]) == (39.9, "USD")


@pytest.mark.usefixtures("regional_price_lists")
def test_product_query_without_country_or_address_uses_default_country(
    api_client, product
):
    # when
    data = query_product(api_client, product)

    # then
    assert _price(data["variants"][0]["pricing"]["price"]) == (189.9, "BRL")


@pytest.mark.usefixtures("regional_price_lists", "contract_price_list")
def test_product_query_shows_contract_price_and_quantity_break(company_buyer, product):
    # given
    client = ApiClient(user=company_buyer)

    # when
    one = query_product(client, product, country="BR")
    hundred = query_product(client, product, country="BR", quantity=100)

    # then
    [variant] = one["variants"]
    assert _price(variant["pricing"]["price"]) == (169.0, "BRL")
    assert _price(variant["pricing"]["priceUndiscounted"]) == (189.9, "BRL")
    assert variant["pricing"]["discount"]["gross"]["amount"] == pytest.approx(20.9)
    assert one["pricing"]["onSale"] is True
    assert _price(hundred["variants"][0]["pricing"]["price"]) == (149.0, "BRL")
    assert [
        (tier["minQuantity"], tier["price"]["gross"]["amount"])
        for tier in variant["pricingTiers"]
    ] == [(1, 169.0), (100, 149.0)]


@pytest.mark.usefixtures("regional_price_lists")
def test_product_query_rejects_zero_quantity(api_client, product):
    # when
    response = api_client.post(
        PRODUCT_PRICING,
        {"id": Node.to_global_id("Product", product.pk), "quantity": 0},
    ).json()

    # then
    assert "at least 1" in response["errors"][0]["message"]


def test_product_query_without_lists_shows_saleor_price(api_client, product):
    # when
    data = query_product(api_client, product, country="BR")

    # then
    assert _price(data["variants"][0]["pricing"]["price"]) == (199.9, "BRL")


@pytest.mark.usefixtures("br_price_list")
def test_product_query_without_price_in_region_currency_shows_no_pricing(
    api_client, product, us_price_list, variant
):
    # given: the US pays in USD, but its list does not price the variant
    us_price_list.entries.all().delete()

    # when
    data = query_product(api_client, product, country="US")

    # then
    assert data["variants"][0]["pricing"] is None
    assert data["pricing"] is None


CHECKOUT_CREATE = """
mutation ($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout {
      id
      lines { quantity unitPrice { gross { amount currency } }
              totalPrice { gross { amount currency } } }
      subtotalPrice { gross { amount currency } }
      availableShippingMethods { id price { amount currency } }
    }
    checkoutErrors { field code message }
  }
}
"""


CHECKOUT_COMPLETE = """
mutation ($checkoutId: ID!) {
  checkoutComplete(checkoutId: $checkoutId) {
    order {
      id
      total { gross { amount currency } }
      subtotal { gross { amount currency } }
      lines { productSku quantity unitPrice { gross { amount currency } } }
      payments { total { amount currency } capturedAmount { amount currency } }
    }
    checkoutErrors { field code message }
  }
}
"""

ADDRESSES = {
    "BR": {
        "firstName": "Ana",
        "lastName": "Souza",
        "companyName": "Construtora Alfa",
        "streetAddress1": "Avenida Paulista, 1000",
        "city": "São Paulo",
        "countryArea": "SP",
        "postalCode": "01310-100",
        "country": "BR",
    },
    "US": {
        "firstName": "John",
        "lastName": "Smith",
        "streetAddress1": "350 Fifth Avenue",
        "city": "New York",
        "countryArea": "NY",
        "postalCode": "10118",
        "country": "US",
    },
}


def create_checkout(client, variant, quantity, country):
    return client.execute(
        CHECKOUT_CREATE,
        {
            "input": {
                "email": "buyer@example.com",
                "lines": [
                    {
                        "variantId": Node.to_global_id("ProductVariant", variant.pk),
                        "quantity": quantity,
                    }
                ],
                "shippingAddress": ADDRESSES[country],
                "billingAddress": ADDRESSES[country],
            }
        },
    )["checkoutCreate"]


def complete_checkout(client, checkout):
    checkout_id = checkout["id"]
    [method] = checkout["availableShippingMethods"]
    total, payment = pay_checkout(client, checkout_id, method["id"])
    data = client.execute(CHECKOUT_COMPLETE, {"checkoutId": checkout_id})
    return total, payment, data["checkoutComplete"]


@pytest.mark.usefixtures("regional_price_lists", "contract_price_list")
def test_checkout_charges_contract_buyer_the_price_shown(
    company_buyer, product, variant, settings
):
    # given: Saleor caps a line at 50 units unless told otherwise
    settings.MAX_CHECKOUT_LINE_QUANTITY = 1000
    client = ApiClient(user=company_buyer)
    shown = query_product(client, product, country="BR", quantity=100)
    unit = shown["variants"][0]["pricing"]["price"]["gross"]

    # when
    data = create_checkout(client, variant, 100, "BR")
    assert data["checkoutErrors"] == []
    checkout = data["checkout"]
    total, payment, completed = complete_checkout(client, checkout)

    # then
    [line] = checkout["lines"]
    assert line["unitPrice"]["gross"] == unit == {"amount": 149.0, "currency": "BRL"}
    assert line["totalPrice"]["gross"] == {"amount": 14900.0, "currency": "BRL"}
    assert total == {"amount": 14910.0, "currency": "BRL"}
    assert payment["total"] == total
    assert completed["checkoutErrors"] == []
    order = completed["order"]
    assert order["total"]["gross"] == total
    assert order["lines"][0]["unitPrice"]["gross"] == unit
    assert order["payments"][0]["capturedAmount"] == total
    stored = Order.objects.get()
    assert stored.currency == "BRL"
    assert stored.lines.get().unit_price_gross_amount == Decimal("149.00")
    assert Payment.objects.get().currency == "BRL"


@pytest.mark.usefixtures("regional_price_lists", "regional_shipping_methods")
def test_checkout_in_united_states_is_paid_in_usd(user_api_client, variant):
    # when
    data = create_checkout(user_api_client, variant, 10, "US")
    checkout = data["checkout"]
    total, payment, completed = complete_checkout(user_api_client, checkout)

    # then
    assert data["checkoutErrors"] == []
    assert checkout["lines"][0]["unitPrice"]["gross"] == {
        "amount": 37.5,
        "currency": "USD",
    }
    assert [method["price"] for method in checkout["availableShippingMethods"]] == [
        {"amount": 5.0, "currency": "USD"}
    ]
    assert total == {"amount": 380.0, "currency": "USD"}
    assert payment["total"] == total
    assert completed["checkoutErrors"] == []
    assert completed["order"]["total"]["gross"] == total
    assert completed["order"]["subtotal"]["gross"] == {
        "amount": 375.0,
        "currency": "USD",
    }
    assert Order.objects.get().currency == "USD"
    assert Payment.objects.get().currency == "USD"


@pytest.mark.usefixtures("br_price_list", "us_price_list", "regional_shipping_methods")
def test_checkout_changes_currency_with_shipping_country(user_api_client, variant):
    # given
    checkout = create_checkout(user_api_client, variant, 1, "BR")["checkout"]
    assert checkout["subtotalPrice"]["gross"]["currency"] == "BRL"

    # when
    data = user_api_client.execute(
        """
        mutation ($id: ID!, $address: AddressInput!) {
          checkoutShippingAddressUpdate(checkoutId: $id, shippingAddress: $address) {
            checkout { subtotalPrice { gross { amount currency } }
                       availableShippingMethods { price { currency } } }
            checkoutErrors { code }
          }
        }
        """,
        {"id": checkout["id"], "address": ADDRESSES["US"]},
    )["checkoutShippingAddressUpdate"]

    # then
    assert data["checkoutErrors"] == []
    assert data["checkout"]["subtotalPrice"]["gross"] == {
        "amount": 39.9,
        "currency": "USD",
    }
    assert data["checkout"]["availableShippingMethods"] == [
        {"price": {"currency": "USD"}}
    ]


@pytest.mark.usefixtures("br_price_list", "regional_shipping_methods")
def test_checkout_create_refuses_variant_without_price_in_region(
    user_api_client, variant, us_price_list
):
    # given
    us_price_list.entries.all().delete()

    # when
    data = create_checkout(user_api_client, variant, 1, "US")

    # then
    assert data["checkout"] is None
    assert data["checkoutErrors"] == [
        {
            "field": "lines",
            "code": "INVALID",
            "message": f"No price in USD for buyers in US: {variant.sku}.",
        }
    ]


@pytest.mark.usefixtures("regional_price_lists", "regional_shipping_methods")
def test_orders_total_sums_one_currency(user_api_client, staff_api_client, variant):
    # given: a paid order in USD among none in BRL
    checkout = create_checkout(user_api_client, variant, 2, "US")["checkout"]
    complete_checkout(user_api_client, checkout)
    staff_api_client.user.user_permissions.add(
        Permission.objects.get(codename="manage_orders")
    )

    # when
    data = staff_api_client.execute(
        """
        { usd: ordersTotal(currency: "USD") { gross { amount currency } }
          brl: ordersTotal { gross { amount currency } } }
        """
    )

    # then
    assert data["usd"]["gross"] == {"amount": 84.8, "currency": "USD"}
    assert data["brl"]["gross"] == {"amount": 0.0, "currency": "BRL"}


ADD_PROMO_CODE = """
mutation ($id: ID!, $code: String!) {
  checkoutAddPromoCode(checkoutId: $id, promoCode: $code) {
    checkout { totalPrice { gross { amount currency } } }
    checkoutErrors { field code }
  }
}
"""


@pytest.mark.usefixtures("regional_price_lists", "regional_shipping_methods")
@pytest.mark.parametrize("kind", ["gift_card", "fixed_voucher"])
def test_checkout_refuses_brl_promo_code_in_usd_checkout(
    user_api_client, variant, kind
):
    # given
    if kind == "gift_card":
        GiftCard.objects.create(
            code="GIFT-BRL", initial_balance_amount=50, current_balance_amount=50
        )
        code = "GIFT-BRL"
    else:
        Voucher.objects.create(
            code="MENOS10",
            discount_value_type=DiscountValueType.FIXED,
            discount_value=10,
        )
        code = "MENOS10"
    checkout = create_checkout(user_api_client, variant, 1, "US")["checkout"]

    # when
    data = user_api_client.execute(ADD_PROMO_CODE, {"id": checkout["id"], "code": code})

    # then
    assert data["checkoutAddPromoCode"]["checkoutErrors"] == [
        {"field": "promoCode", "code": "VOUCHER_NOT_APPLICABLE"}
    ]


@pytest.mark.usefixtures("regional_price_lists")
def test_checkout_lines_update_moves_line_to_quantity_tier(user_api_client, variant):
    # given
    checkout = create_checkout(user_api_client, variant, 5, "BR")["checkout"]
    assert checkout["lines"][0]["unitPrice"]["gross"]["amount"] == 189.9

    # when
    data = user_api_client.execute(
        """
        mutation ($id: ID!, $lines: [CheckoutLineInput]!) {
          checkoutLinesUpdate(checkoutId: $id, lines: $lines) {
            checkout { lines { unitPrice { gross { amount } } }
                       subtotalPrice { gross { amount currency } } }
            checkoutErrors { code }
          }
        }
        """,
        {
            "id": checkout["id"],
            "lines": [
                {
                    "variantId": Node.to_global_id("ProductVariant", variant.pk),
                    "quantity": 10,
                }
            ],
        },
    )["checkoutLinesUpdate"]

    # then
    assert data["checkoutErrors"] == []
    assert data["checkout"]["lines"][0]["unitPrice"]["gross"]["amount"] == 179.9
    assert data["checkout"]["subtotalPrice"]["gross"] == {
        "amount": 1799.0,
        "currency": "BRL",
    }


@pytest.fixture
def partner_campaign(variant):
    from tests.fixtures.price_lists import create_price_list

    return create_price_list(
        "Partner week", channel="ref-sul", entries={variant: {1: "159.90"}}
    )


@pytest.mark.usefixtures("regional_price_lists", "partner_campaign")
def test_product_query_channel_argument_and_header_select_campaign(api_client, product):
    # given
    query = """
        query ($id: ID!, $channel: String) {
          product(id: $id, country: BR, channel: $channel) {
            variants { pricing { price { gross { amount } } } }
          }
        }
    """
    variables = {"id": Node.to_global_id("Product", product.pk)}

    def amount(response):
        variant = response.json()["data"]["product"]["variants"][0]
        return variant["pricing"]["price"]["gross"]["amount"]

    # when
    storefront = api_client.post(query, variables)
    argument = api_client.post(query, {**variables, "channel": "ref-sul"})
    header = api_client.post(query, variables, HTTP_X_SALES_CHANNEL="ref-sul")

    # then
    assert amount(storefront) == 189.9
    assert amount(argument) == amount(header) == 159.9


@pytest.mark.usefixtures("regional_price_lists", "partner_campaign")
def test_checkout_keeps_channel_it_was_opened_through(customer_user, variant):
    # given
    client = ApiClient(user=customer_user)

    # when
    response = client.post(
        CHECKOUT_CREATE,
        {
            "input": {
                "email": "buyer@example.com",
                "lines": [
                    {
                        "variantId": Node.to_global_id("ProductVariant", variant.pk),
                        "quantity": 1,
                    }
                ],
                "shippingAddress": ADDRESSES["BR"],
            }
        },
        HTTP_X_SALES_CHANNEL="ref-sul",
    ).json()["data"]["checkoutCreate"]
    later = client.execute(
        "{ me { checkout { lines { unitPrice { gross { amount } } } } } }"
    )

    # then
    assert response["checkout"]["lines"][0]["unitPrice"]["gross"]["amount"] == 159.9
    assert later["me"]["checkout"]["lines"][0]["unitPrice"]["gross"]["amount"] == 159.9


@pytest.mark.usefixtures("regional_price_lists", "contract_price_list")
def test_draft_order_prices_lines_for_the_customer_contract(
    staff_api_client, company_buyer, variant
):
    # given
    staff_api_client.user.user_permissions.add(
        Permission.objects.get(codename="manage_orders")
    )

    # when
    data = staff_api_client.execute(
        """
        mutation ($input: DraftOrderCreateInput!) {
          draftOrderCreate(input: $input) {
            order { currency: total { gross { currency } }
                    lines { unitPrice { gross { amount currency } } } }
            orderErrors { field code message }
          }
        }
        """,
        {
            "input": {
                "user": Node.to_global_id("User", company_buyer.pk),
                "lines": [
                    {
                        "variantId": Node.to_global_id("ProductVariant", variant.pk),
                        "quantity": 100,
                    }
                ],
                "shippingAddress": ADDRESSES["BR"],
            }
        },
    )["draftOrderCreate"]

    # then
    assert data["orderErrors"] == []
    assert data["order"]["lines"][0]["unitPrice"]["gross"] == {
        "amount": 149.0,
        "currency": "BRL",
    }


@pytest.mark.usefixtures("regional_price_lists")
def test_products_search_prices_for_country(api_client):
    # when: Saleor 2.10's search is the products query's filter
    data = api_client.execute(
        """
        { products(first: 5, country: DE, filter: {search: "drill"}) {
            edges { node { name variants { pricing { price { gross {
              amount currency } } } } } } } }
        """
    )

    # then
    [edge] = data["products"]["edges"]
    assert _price(edge["node"]["variants"][0]["pricing"]["price"]) == (36.9, "EUR")


@pytest.mark.usefixtures("regional_price_lists")
def test_checkout_payment_for_new_total_replaces_uncharged_one(
    user_api_client, variant
):
    # given: a payment made, then the quantity changed
    checkout = create_checkout(user_api_client, variant, 1, "BR")["checkout"]
    [method] = checkout["availableShippingMethods"]
    user_api_client.execute(
        CHECKOUT_SHIPPING_METHOD_UPDATE,
        {"checkoutId": checkout["id"], "shippingMethodId": method["id"]},
    )

    def pay(token, amount):
        return user_api_client.execute(
            CHECKOUT_PAYMENT_CREATE,
            {
                "checkoutId": checkout["id"],
                "input": {
                    "gateway": "mirumee.payments.dummy",
                    "token": token,
                    "amount": amount,
                },
            },
        )["checkoutPaymentCreate"]

    pay("first-card", 199.9)
    user_api_client.execute(
        """
        mutation ($id: ID!, $lines: [CheckoutLineInput]!) {
          checkoutLinesUpdate(checkoutId: $id, lines: $lines) {
            checkoutErrors { code }
          }
        }
        """,
        {
            "id": checkout["id"],
            "lines": [
                {
                    "variantId": Node.to_global_id("ProductVariant", variant.pk),
                    "quantity": 10,
                }
            ],
        },
    )

    # when
    reused = pay("first-card", 1809.0)
    second = pay("second-card", 1809.0)
    completed = user_api_client.execute(
        CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]}
    )

    # then
    assert [e["field"] for e in reused["paymentErrors"]] == ["token"]
    assert second["paymentErrors"] == []
    order = completed["checkoutComplete"]["order"]
    assert order["total"]["gross"] == {"amount": 1809.0, "currency": "BRL"}
    captured = [p["capturedAmount"]["amount"] for p in order["payments"]]
    assert sum(captured) == 1809.0
    assert Payment.objects.get(is_active=True).total == Decimal("1809.00")
