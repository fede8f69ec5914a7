"""Import a partner's CSV listing feed: ``import_partner_feed <partner> <file>``."""

import resource
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from plugins.partner_listings import feed
from plugins.partner_listings.error_codes import PartnerError
from plugins.partner_listings.models import Partner


class Command(BaseCommand):
    help = (
        "Create or update a partner's listings from a CSV feed keyed by SKU "
        "and country. Nothing is written if a row is refused, unless "
        "--partial is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("partner", help="Slug of the partner.")
        parser.add_argument("path", help="CSV file, or - for standard input.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Write the valid rows even if some are refused.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the feed, write nothing."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw a progress bar."
        )
        parser.add_argument(
            "--max-errors", type=int, default=50, help="Errors to print at most."
        )

    def handle(self, partner, path, partial, dry_run, no_progress, max_errors, **_):
        partner_obj = Partner.objects.filter(slug=partner).first()
        if partner_obj is None:
            raise CommandError(f"No partner has the slug {partner!r}.")

        started = time.perf_counter()
        stream = sys.stdin if path == "-" else open(path, newline="", encoding="utf-8")
        try:
            with feed.collector_paused():
                rows, errors = feed.read_csv(stream)
        except PartnerError as error:
            raise CommandError(f"{error.code.value}: {error.message}") from error
        finally:
            if stream is not sys.stdin:
                stream.close()

        bar = tqdm(
            total=2 * len(rows),
            unit="row",
            unit_scale=0.5,
            desc=f"Feed for {partner_obj.slug}",
            disable=no_progress,
            file=self.stderr._out,
        )
        try:
            result = feed.upsert_listings(
                partner_obj,
                rows,
                parse_errors=errors,
                partial=partial,
                dry_run=dry_run,
                progress=bar.update,
            )
        except PartnerError as error:
            raise CommandError(f"{error.code.value}: {error.message}") from error
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        # ru_maxrss is in KiB on Linux.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

        for error in result.errors[:max_errors]:
            self.stderr.write(
                f"row {error.row}: {error.field}: {error.code}: {error.message}"
            )
        if len(result.errors) > max_errors:
            self.stderr.write(f"... and {len(result.errors) - max_errors} more errors")
        if result.errors and not partial:
            verdict = "refused, nothing written"
        elif dry_run:
            verdict = "checked (dry run), nothing written"
        else:
            verdict = "written"
        self.stdout.write(
            f"{result.rows} rows {verdict}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{result.stocks_changed} stocks changed, {result.failed} rows refused "
            f"in {elapsed:.2f} s ({result.rows / max(elapsed, 1e-9):,.0f} rows/s, "
            f"peak memory {peak / 2**20:.0f} MiB)"
        )
        if result.errors and not partial:
            raise CommandError("The feed was refused; fix the rows above.")
