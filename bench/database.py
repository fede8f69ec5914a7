"""The benchmark's own database, next to the one the marketplace uses.

It lives on the server of ``DATABASE_URL`` (or the embedded cluster) under
the name ``marketplace_bench``, so that a benchmark never touches a
developer's data. It is reused from run to run, migrated every time and
seeded when empty; ``--fresh`` drops and recreates it. What seeded it is
kept as the database's comment, for the report.
"""

import importlib.util
import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg2
from psycopg2 import sql

from marketplace.__main__ import BASE_DIR, catalog_is_empty, manage

logger = logging.getLogger(__name__)

BENCH_DATABASE = "marketplace_bench"
# populatedb reads its placeholder images from a path relative to the
# working directory: saleor/static/placeholders/ where Saleor is installed.
SALEOR_PARENT = Path(
    importlib.util.find_spec("saleor").submodule_search_locations[0]
).parent


def bench_database_url(url) -> str:
    """Return ``url`` with its database name replaced by the benchmark's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def connect_server(url):
    """Connect to the server of ``url``, to its maintenance database."""
    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def create_database(url, *, fresh=False) -> bool:
    """Create the benchmark database unless it exists; return whether it was."""
    name = dj_database_url.parse(url)["NAME"]
    connection = connect_server(url)
    try:
        with connection.cursor() as cursor:
            if fresh:
                logger.info("Database %s: dropping it (--fresh)", name)
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            logger.info("Database %s: creating it", name)
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        connection.close()


def read_seed_note(url):
    """Return what seeded the database, as recorded when it was seeded."""
    name = dj_database_url.parse(url)["NAME"]
    connection = connect_server(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = %s",
                [name],
            )
            row = cursor.fetchone()
    finally:
        connection.close()
    return row[0] if row else None


def write_seed_note(url, note):
    name = dj_database_url.parse(url)["NAME"]
    connection = connect_server(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(name)),
                [note],
            )
    finally:
        connection.close()


def read_server_version(url):
    connection = connect_server(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def read_seed_demo_help():
    """Return the help of the ``seed_demo`` command, None where it is missing."""
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "help", "seed_demo"],
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def seed_database():
    """Seed the catalog with seed_demo, or Saleor's populatedb until it exists.

    Return the command that ran.
    """
    help_text = read_seed_demo_help()
    if help_text is not None:
        # Progress bars would only clutter the benchmark's log.
        options = ["--no-progress"] if "--no-progress" in help_text else []
        manage("seed_demo", *options)
        return " ".join(["manage.py seed_demo", *options])
    logger.info("Database: no seed_demo command; seeding with populatedb")
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "populatedb"],
        check=True,
        cwd=SALEOR_PARENT,
    )
    return "manage.py populatedb"


def prepare_database(url, *, fresh=False) -> str:
    """Create, migrate and seed the benchmark database; return its seed note.

    ``url`` must be in ``DATABASE_URL`` already: the management commands
    read it from there.
    """
    create_database(url, fresh=fresh)

    logger.info("Database: migrating")
    manage("migrate", "--no-input", "--verbosity", "0")

    if catalog_is_empty():
        logger.info("Database: empty catalog, seeding it")
        command = seed_database()
        note = f"{command} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
        write_seed_note(url, note)
        return note
    return read_seed_note(url) or "unknown (seeded before the benchmark recorded it)"
