"""The registry through which plugins extend the GraphQL schema.

Every installed app outside Saleor may ship a ``graphql/schema.py`` module
exposing ``Query`` and/or ``Mutation`` mixins (graphene ``ObjectType``
subclasses) and optionally ``types``, a list of extra types to register.
The marketplace's schema is Saleor's queries and mutations with every such
mixin in front of them, so a plugin may also replace a Saleor field by
declaring one of the same name.

To add a field to one of Saleor's types (``ProductVariant.listings``, say),
a plugin's schema module calls ``add_field`` when it is imported, which is
before the schema is built.
"""

import importlib
from dataclasses import dataclass, field

from django.apps import apps


@dataclass
class SchemaExtensions:
    queries: list = field(default_factory=list)
    mutations: list = field(default_factory=list)
    types: list = field(default_factory=list)
    modules: list = field(default_factory=list)


def _import_schema_module(app_name):
    module_name = f"{app_name}.graphql.schema"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only a missing module means "no schema"; a broken import inside
        # a plugin's schema must surface.
        if error.name and module_name.startswith(error.name):
            return None
        raise


def collect_schema_extensions(app_names=None) -> SchemaExtensions:
    """Gather the schema mixins of the installed apps, in app order."""
    if app_names is None:
        app_names = [
            config.name
            for config in apps.get_app_configs()
            if not config.name.startswith(("saleor", "django"))
        ]
    extensions = SchemaExtensions()
    for app_name in app_names:
        module = _import_schema_module(app_name)
        if module is None:
            continue
        extensions.modules.append(module.__name__)
        if query := getattr(module, "Query", None):
            extensions.queries.append(query)
        if mutation := getattr(module, "Mutation", None):
            extensions.mutations.append(mutation)
        extensions.types.extend(getattr(module, "types", ()))
    return extensions


def add_field(object_type, name, field):
    """Add (or replace) a field of an existing graphene ``ObjectType``.

    ``field`` is a mounted ``graphene.Field`` carrying its own ``resolver``.
    Must run before the schema is built, that is from a plugin's
    ``graphql/schema.py`` at import time.
    """
    object_type._meta.fields[name] = field
    return field
