import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from fixtures.products import count_foreign_products
from fixtures.runner import DEFAULT_PRODUCT_COUNT, Context, run_steps


class Command(BaseCommand):
    help = (
        "Load the demo dataset: the brand, its partners, warehouses, catalog "
        "and buyer companies. A rerun adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=DEFAULT_PRODUCT_COUNT,
            help=f"number of products (default {DEFAULT_PRODUCT_COUNT})",
        )
        images = parser.add_mutually_exclusive_group()
        images.add_argument(
            "--no-images", action="store_true", help="draw no product image"
        )
        images.add_argument(
            "--images",
            type=int,
            metavar="N",
            help="draw images for the first N products only",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even if the catalog holds products that are not the demo's",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="show no progress bar"
        )

    def handle(self, *args, **options):
        if options["products"] < 1:
            raise CommandError("--products must be at least 1.")
        foreign = count_foreign_products()
        if foreign and not options["force"]:
            raise CommandError(
                f"The catalog holds {foreign} products that are not the demo's; "
                "seeding would mix the demo into them. Use an empty database, "
                "or --force to seed anyway."
            )

        context = Context(
            product_count=options["products"],
            image_count=0 if options["no_images"] else options["images"],
        )
        with quiet_loggers("celery.app.trace", "kombu.connection"):
            summary = run_steps(
                context, show_progress=False if options["no_progress"] else None
            )

        self.stdout.write(summary.format())
        self.stdout.write("")
        self.stdout.write(format_logins(summary.logins))


@contextmanager
def quiet_loggers(*names):
    """Silence the line that each inline Celery task logs, over the bars."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def format_logins(logins):
    rows = [("Email", "Password", "Role")] + [
        (login.email, login.password, login.role) for login in logins
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)
