import graphene
import pytest
from graphql.error import GraphQLSyntaxError

from marketplace.graphql.backend import MAX_CACHED_LENGTH, CachedDocumentBackend
from marketplace.graphql.views import MarketplaceGraphQLView, get_backend


class Query(graphene.ObjectType):
    greeting = graphene.String(name=graphene.String(default_value="buyer"))

    @staticmethod
    def resolve_greeting(_root, _info, name):
        return f"Olá, {name}"


SCHEMA = graphene.Schema(query=Query)
DOCUMENT = "query Greet($name: String) { greeting(name: $name) }"


def test_document_is_parsed_and_validated_once():
    backend = CachedDocumentBackend(size=10)

    first = backend.document_from_string(SCHEMA, DOCUMENT)
    again = backend.document_from_string(SCHEMA, DOCUMENT)

    assert again is first
    assert len(backend) == 1


def test_cached_document_runs_with_each_request_variables():
    backend = CachedDocumentBackend(size=10)
    document = backend.document_from_string(SCHEMA, DOCUMENT)

    ana = document.execute(variables={"name": "Ana"})
    bruno = backend.document_from_string(SCHEMA, DOCUMENT).execute(
        variables={"name": "Bruno"}
    )

    assert ana.data == {"greeting": "Olá, Ana"}
    assert bruno.data == {"greeting": "Olá, Bruno"}


def test_invalid_document_fails_validation_every_time():
    backend = CachedDocumentBackend(size=10)

    for _ in range(2):
        result = backend.document_from_string(SCHEMA, "{ farewell }").execute()

        assert result.invalid
        assert result.data is None
        assert "farewell" in str(result.errors[0])


def test_syntax_error_is_raised_and_not_kept():
    backend = CachedDocumentBackend(size=10)

    with pytest.raises(GraphQLSyntaxError):
        backend.document_from_string(SCHEMA, "{ greeting ")

    assert len(backend) == 0


def test_long_document_is_validated_every_time():
    backend = CachedDocumentBackend(size=10)
    padding = " " * MAX_CACHED_LENGTH
    document = backend.document_from_string(SCHEMA, "{ greeting }" + padding)

    result = document.execute()

    assert result.data == {"greeting": "Olá, buyer"}
    assert len(backend) == 0


def test_least_recently_used_document_is_dropped_first():
    backend = CachedDocumentBackend(size=2)
    first = backend.document_from_string(SCHEMA, "{ a: greeting }")
    backend.document_from_string(SCHEMA, "{ b: greeting }")
    backend.document_from_string(SCHEMA, "{ a: greeting }")

    backend.document_from_string(SCHEMA, "{ c: greeting }")

    assert backend.document_from_string(SCHEMA, "{ a: greeting }") is first
    assert len(backend) == 2


def test_size_zero_validates_every_request():
    backend = CachedDocumentBackend(size=0)

    first = backend.document_from_string(SCHEMA, DOCUMENT)

    assert backend.document_from_string(SCHEMA, DOCUMENT) is not first
    assert len(backend) == 0


def test_other_schema_gets_its_own_validation():
    class OtherQuery(graphene.ObjectType):
        farewell = graphene.String()

    other = graphene.Schema(query=OtherQuery)
    backend = CachedDocumentBackend(size=10)
    backend.document_from_string(SCHEMA, "{ farewell }")

    result = backend.document_from_string(other, "{ farewell }").execute()

    assert not result.errors


def test_endpoint_shares_one_backend_per_process():
    assert MarketplaceGraphQLView().backend is get_backend()
    assert MarketplaceGraphQLView().backend is MarketplaceGraphQLView().backend


def test_endpoint_reports_validation_error_of_a_repeated_document(api_client):
    for _ in range(2):
        response = api_client.post("{ shop { nonsense } }")

        assert response.status_code == 400
        assert "nonsense" in response.json()["errors"][0]["message"]
