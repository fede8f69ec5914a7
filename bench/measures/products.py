"""A storefront's products page."""

from . import Measure, Outcome

PRODUCTS_PAGE_QUERY = """
query BenchmarkProductsPage($first: Int!) {
  products(first: $first) {
    edges {
      node {
        id
        name
        thumbnail {
          url
        }
        pricing {
          priceRange {
            start {
              gross {
                amount
                currency
              }
            }
          }
        }
        variants {
          id
          pricing {
            price {
              gross {
                amount
              }
            }
          }
        }
      }
    }
  }
}
"""


def fetch_products_page(client, _state=None, *, first=20) -> Outcome:
    reply = client.execute(PRODUCTS_PAGE_QUERY, {"first": first})
    return Outcome(sql_queries=reply.sql_queries)


MEASURES = [
    Measure(
        name="products_page_20",
        description=(
            "One anonymous `products(first: 20)` query: name, thumbnail URL, "
            "the product's price range and every variant's price."
        ),
        run_once=fetch_products_page,
        iterations=200,
        warmup=10,
    ),
]
