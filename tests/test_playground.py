import re

import pytest
from django.test import Client
from graphql.utils.introspection_query import introspection_query


@pytest.fixture
def browser(db):
    return Client(HTTP_HOST="localhost")


def test_playground_get_renders_page_for_endpoint(browser, settings):
    # given
    settings.PLAYGROUND_ENABLED = True

    # when
    response = browser.get("/graphql/", HTTP_ACCEPT="text/html")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'data-endpoint="/graphql/"' in html
    assert "GraphQLPlayground.init(" in html
    assets = re.findall(r'(?:href|src)="(https://[^"]+)"', html)
    assert assets
    for url in assets:
        assert re.match(
            r"https://cdn\.jsdelivr\.net/npm/graphql-playground-react@\d+\.\d+\.\d+/",
            url,
        ), url


def test_playground_get_when_disabled_is_not_allowed(browser, settings):
    # given
    settings.PLAYGROUND_ENABLED = False

    # when
    response = browser.get("/graphql/")

    # then
    assert response.status_code == 405
    assert "POST" in response["Allow"]


def test_playground_schema_introspection_succeeds(api_client, settings):
    # given
    settings.PLAYGROUND_ENABLED = True

    # when
    data = api_client.execute(introspection_query)

    # then
    type_names = {graphql_type["name"] for graphql_type in data["__schema"]["types"]}
    assert {"Query", "Mutation", "Order", "Checkout"} <= type_names
