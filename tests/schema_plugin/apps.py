from django.apps import AppConfig


class SchemaPluginConfig(AppConfig):
    """A plugin that exists only to prove the schema registry works."""

    name = "tests.schema_plugin"
    label = "test_schema_plugin"
