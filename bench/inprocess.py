"""The target of in-process measures: Django in the benchmark process.

In-process measures (bulk price resolution, feed imports and the like)
call the marketplace's code directly rather than over HTTP, on the
benchmark database with the marketplace's settings.
"""

import logging
import os
from contextlib import contextmanager

# The same rule as marketplace.middleware's X-SQL-Queries count.
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def set_up_django(database_url=None):
    """Set Django up for the marketplace, once, on the given database."""
    from django.conf import settings

    if settings.configured:
        return
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DEMO_MODE", "true")

    import django

    # Django's logging configuration replaces the root logger's; the
    # benchmark's own messages keep theirs.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    django.setup()
    root.handlers[:] = handlers
    root.setLevel(level)


class SqlCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            self.count += 1
        return execute(sql, params, many, context)


class InProcessTarget:
    """What an in-process measure's ``run_once`` receives as its target."""

    name = "marketplace"

    @contextmanager
    def count_sql(self):
        """Count the SQL statements run inside the block, as the header does."""
        from django.db import connection

        counter = SqlCounter()
        with connection.execute_wrapper(counter):
            yield counter
