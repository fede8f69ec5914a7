"""The marketplace's GraphQL schema: Saleor's, extended by the plugins."""

from django.conf import settings
from graphene_federation import build_schema
from graphql import print_schema
from saleor.graphql import api as saleor_api

from .registry import collect_schema_extensions


def build_marketplace_schema(extensions=None):
    if extensions is None:
        extensions = collect_schema_extensions()
    query = type("Query", (*extensions.queries, saleor_api.Query), {})
    mutation = type("Mutation", (*extensions.mutations, saleor_api.Mutation), {})
    return build_schema(query, mutation=mutation, types=extensions.types or None)


if settings.VANILLA_SALEOR:
    schema = saleor_api.schema
else:
    schema = build_marketplace_schema()


def plugin_schema():
    """Build the schema of the plugins under plugins/ alone, test apps left out.

    This is the schema the committed ``schema.graphql`` describes.
    """
    return build_marketplace_schema(
        collect_schema_extensions([spec.app for spec in settings.MARKETPLACE_PLUGINS])
    )


def print_sdl(graphql_schema):
    """Return the schema's SDL, interfaces joined with ``&`` as tools expect."""
    lines = []
    for line in print_schema(graphql_schema).splitlines():
        if "implements" in line:
            line = line.replace(",", " &")
        lines.append(line)
    return "\n".join(lines) + "\n"
