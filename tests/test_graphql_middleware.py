import graphene
import opentracing
import pytest
from graphql import graphql
from opentracing.mocktracer import MockTracer
from promise import Promise
from saleor.graphql.middleware import OpentracingGrapheneMiddleware

from marketplace.graphql.middleware import TRACING_MIDDLEWARE, ResolverMiddleware
from marketplace.graphql.views import MarketplaceGraphQLView

from .fixtures.api import ApiClient


class Offer(graphene.ObjectType):
    price = graphene.Int()
    later = graphene.Int()
    broken = graphene.Int()

    @staticmethod
    def resolve_price(root, _info):
        return root

    @staticmethod
    def resolve_later(root, _info):
        return Promise.resolve(root * 10)

    @staticmethod
    def resolve_broken(_root, _info):
        raise ValueError("no price today")


class Query(graphene.ObjectType):
    offers = graphene.List(Offer)
    shop = graphene.String()

    @staticmethod
    def resolve_offers(_root, _info):
        return [1, 2, 3]

    @staticmethod
    def resolve_shop(_root, _info):
        return "Araucária"


SCHEMA = graphene.Schema(query=Query)


class RecordingMiddleware:
    def __init__(self):
        self.paths = []

    def resolve(self, next_, root, info, **kwargs):
        self.paths.append(tuple(info.path))
        return next_(root, info, **kwargs)


def run(query, middleware):
    return graphql(SCHEMA, query, middleware=middleware)


def test_request_middleware_runs_on_root_fields_only():
    recorder = RecordingMiddleware()

    result = run("{ shop offers { price } }", ResolverMiddleware([recorder]))

    assert not result.errors
    assert result.data == {
        "shop": "Araucária",
        "offers": [{"price": 1}, {"price": 2}, {"price": 3}],
    }
    assert recorder.paths == [("shop",), ("offers",)]


def test_promises_of_nested_resolvers_are_awaited():
    result = run("{ offers { price later } }", ResolverMiddleware([]))

    assert result.data["offers"] == [
        {"price": 1, "later": 10},
        {"price": 2, "later": 20},
        {"price": 3, "later": 30},
    ]


def test_error_of_a_nested_resolver_is_reported_at_its_path():
    result = run(
        "{ offers { price broken } }", ResolverMiddleware([RecordingMiddleware()])
    )

    assert result.data["offers"][0] == {"price": 1, "broken": None}
    assert [error.path for error in result.errors] == [
        ["offers", index, "broken"] for index in range(3)
    ]
    assert str(result.errors[0]) == "no price today"


@pytest.fixture
def mock_tracer(monkeypatch):
    tracer = MockTracer()
    monkeypatch.setattr(opentracing, "tracer", tracer)
    monkeypatch.setattr(opentracing, "is_tracer_registered", True)
    return tracer


def test_tracing_is_left_out_without_a_tracer():
    assert not opentracing.is_global_tracer_registered()

    middleware = ResolverMiddleware.from_settings([TRACING_MIDDLEWARE])

    assert middleware._field_middleware == []
    assert middleware._middleware_resolvers == []


def test_registered_tracer_gets_a_span_per_resolved_field(mock_tracer):
    middleware = ResolverMiddleware.from_settings(
        [TRACING_MIDDLEWARE, RecordingMiddleware]
    )

    result = run("{ offers { price } }", middleware)

    assert not result.errors
    spans = [span.operation_name for span in mock_tracer.finished_spans()]
    assert spans == ["Query.offers"] + ["Offer.price"] * 3
    assert middleware._field_middleware == [OpentracingGrapheneMiddleware.resolve]


def test_endpoint_uses_the_resolver_middleware():
    view = MarketplaceGraphQLView()

    assert isinstance(view.middleware, ResolverMiddleware)


def test_signed_in_member_reads_a_private_nested_field(member_a, partner_a):
    partner_a.webhook_url = "https://erp.alfa.example.com/hooks"
    partner_a.save(update_fields=["webhook_url"])
    query = "{ myPartner { name webhookUrl } }"

    data = ApiClient(user=member_a).execute(query)

    assert data["myPartner"] == {
        "name": partner_a.name,
        "webhookUrl": "https://erp.alfa.example.com/hooks",
    }


def test_bad_token_is_refused_at_the_first_root_field(api_client):
    response = api_client.post(
        "{ shop { name } products(first: 2) { edges { node { name } } } }",
        HTTP_AUTHORIZATION="JWT not.a.token",
    )

    content = response.json()
    assert response.status_code == 200
    assert content["data"] is None
    assert [error["path"] for error in content["errors"]] == [["shop"]]
    assert content["errors"][0]["extensions"]["exception"]["code"] == (
        "JSONWebTokenError"
    )
