from django.core.management.base import BaseCommand

from marketplace.graphql.schema import plugin_schema, print_sdl


class Command(BaseCommand):
    help = "Write the marketplace's GraphQL schema (SDL) to stdout."

    def handle(self, *args, **options):
        self.stdout.write(print_sdl(plugin_schema()), ending="")
