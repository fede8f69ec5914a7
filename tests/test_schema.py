from pathlib import Path

from marketplace.graphql.registry import collect_schema_extensions
from marketplace.graphql.schema import plugin_schema, print_sdl

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_schema_is_current():
    # A failure here means the API changed: run `make schema` and review the
    # diff of schema.graphql with the change.
    assert SCHEMA_FILE.read_text() == print_sdl(plugin_schema())


def test_plugin_query_joins_the_served_schema(api_client):
    data = api_client.execute('{ schemaPluginEcho(text: "ping") }')

    assert data == {"schemaPluginEcho": "ping"}


def test_saleor_queries_remain_in_the_schema(api_client):
    data = api_client.execute("{ shop { name } }")

    assert "name" in data["shop"]


def test_registry_finds_schema_modules_of_installed_apps():
    extensions = collect_schema_extensions()

    assert "tests.schema_plugin.graphql.schema" in extensions.modules
    assert not any(module.startswith("saleor") for module in extensions.modules)
