def test_shop_query_returns_default_country(api_client):
    # when
    data = api_client.execute("{ shop { defaultCountry { code } } }")

    # then
    assert data["shop"]["defaultCountry"]["code"] == "BR"


def test_products_query_returns_prices(api_client, product):
    # when
    data = api_client.execute(
        """
        { products(first: 10) { edges { node {
            name
            pricing { priceRange { start { gross { amount currency } } } }
        } } } }
        """
    )

    # then
    node = data["products"]["edges"][0]["node"]
    assert node["name"] == "Impact drill"
    assert node["pricing"]["priceRange"]["start"]["gross"] == {
        "amount": 199.9,
        "currency": "BRL",
    }


def test_products_query_filters_by_search(api_client, product, product_type, category):
    # given
    from .fixtures.catalog import create_product

    create_product("Angle grinder", "349.00", product_type, category)

    # when
    data = api_client.execute(
        '{ products(first: 10, filter: {search: "grinder"}) '
        "{ edges { node { name } } } }"
    )

    # then
    assert [edge["node"]["name"] for edge in data["products"]["edges"]] == [
        "Angle grinder"
    ]
