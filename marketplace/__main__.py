"""Run the marketplace: ``python -m marketplace run|manage ...``.

``run`` prepares everything a fresh machine lacks and serves the
marketplace: the database (the embedded cluster when ``DATABASE_URL`` is
unset), the migrations, the demo data on an empty database, then uWSGI on
``HOST``:``PORT``. ``manage`` runs a Django management command against the
same database.
"""

import argparse
import logging
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
logger = logging.getLogger("marketplace.launcher")


@contextmanager
def database():
    """Yield with ``DATABASE_URL`` set, starting the embedded cluster if needed."""
    if os.environ.get("DATABASE_URL"):
        yield
        return
    from marketplace.embedded_db import (
        DEFAULT_PORT,
        EmbeddedDatabaseError,
        EmbeddedPostgres,
    )

    var_dir = Path(os.environ.get("MARKETPLACE_VAR_DIR", BASE_DIR / "var"))
    cluster = EmbeddedPostgres(
        var_dir / "postgres", port=int(os.environ.get("EMBEDDED_DB_PORT", DEFAULT_PORT))
    )
    try:
        cluster.start()
    except EmbeddedDatabaseError as error:
        sys.exit(f"error: {error}")
    os.environ["DATABASE_URL"] = cluster.url
    try:
        yield
    finally:
        if cluster.started_here:
            cluster.stop()


def manage(*args):
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR
    )


def catalog_is_empty():
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "demo_status"],
        check=True,
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
    )
    return result.stdout.strip() == "empty"


def serve():
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    command = [
        str(Path(sys.executable).with_name("uwsgi")),
        "--http",
        f"{host}:{port}",
        "--module",
        "marketplace.wsgi:application",
        "--master",
        "--processes",
        os.environ.get("WEB_CONCURRENCY", "2"),
        "--die-on-term",
        "--reload-mercy",
        "10",
        "--worker-reload-mercy",
        "10",
        "--need-app",
        "--enable-threads",
        "--lazy-apps",
        "--disable-logging" if os.environ.get("UWSGI_QUIET") else "--log-4xx",
        "--buffer-size",
        "32768",
        "--chdir",
        str(BASE_DIR),
    ]
    logger.info("Marketplace on http://%s:%s/graphql/ (Ctrl+C stops it)", host, port)
    # uWSGI runs in a session of its own so that stopping reaches the master
    # and its workers alike, even a worker still loading the application.
    process = subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)
    try:
        return process.wait()
    finally:
        stop_process_group(process)


def stop_process_group(process, timeout=30):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        logger.warning("uWSGI did not stop within %s s; killing it", timeout)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m marketplace")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="migrate, seed an empty database, serve")
    run.add_argument("--no-seed", action="store_true", help="skip the demo data")
    manage_parser = commands.add_parser("manage", help="run a management command")
    manage_parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

    # SIGTERM (docker stop, systemd) unwinds like Ctrl+C, so that the
    # embedded cluster is stopped cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))

    with database():
        if options.command == "manage":
            manage(*options.args)
            return 0
        os.environ.setdefault("DEMO_MODE", "true")
        manage("migrate", "--no-input")
        if not options.no_seed and catalog_is_empty():
            manage("seed_demo")
        return serve()


if __name__ == "__main__":
    sys.exit(main())
