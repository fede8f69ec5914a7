"""A PostgreSQL cluster of the marketplace's own, under ``var/``.

When no ``DATABASE_URL`` is given, ``python -m marketplace`` runs the
marketplace on a cluster it creates on first use with the machine's
PostgreSQL binaries (``initdb``, ``pg_ctl``), listening on 127.0.0.1 only,
and stops it on exit if it was the one to start it.

PostgreSQL refuses to run as root. Started by root, the cluster runs as the
``postgres`` system account (or ``nobody``), which then owns its data
directory.
"""

import logging
import os
import pwd
import shutil
import stat
import subprocess
import time
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_PORT = 54329
DATABASE_NAME = "marketplace"
SUPERUSER = "marketplace"
_UNPRIVILEGED_ACCOUNTS = ("postgres", "nobody")


class EmbeddedDatabaseError(Exception):
    """The embedded cluster cannot be created or started."""


def find_postgres_bin_dir() -> Path:
    """Return the directory holding ``initdb`` and ``pg_ctl``."""
    candidates = []
    if configured := os.environ.get("POSTGRES_BIN_DIR"):
        candidates.append(Path(configured))
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).resolve().parent)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    raise EmbeddedDatabaseError(
        "No PostgreSQL server binaries (initdb, pg_ctl) were found. Install "
        "PostgreSQL 14 or newer (Debian/Ubuntu: `apt-get install postgresql`; "
        "macOS: `brew install postgresql`), point POSTGRES_BIN_DIR at its "
        "bin directory, or set DATABASE_URL to a PostgreSQL server."
    )


class EmbeddedPostgres:
    def __init__(self, root: Path, port: int = DEFAULT_PORT):
        self.root = Path(root)
        self.port = port
        self.data_dir = self.root / "pgdata"
        self.socket_dir = self.root / "pgrun"
        self.log_file = self.root / "postgres.log"
        self.started_here = False
        self._bin_dir = None
        self._account = self._pick_account()

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE_NAME}"

    @property
    def bin_dir(self) -> Path:
        if self._bin_dir is None:
            self._bin_dir = find_postgres_bin_dir()
        return self._bin_dir

    @staticmethod
    def _pick_account():
        if os.geteuid() != 0:
            return None
        for name in _UNPRIVILEGED_ACCOUNTS:
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        raise EmbeddedDatabaseError(
            "PostgreSQL does not run as root and no unprivileged account "
            "(postgres, nobody) exists; run as another user or set DATABASE_URL."
        )

    def _run(self, *args, check=True):
        command = [str(self.bin_dir / args[0]), *args[1:]]
        kwargs = {"capture_output": True, "text": True, "cwd": self.root}
        if self._account is not None:
            kwargs["user"] = self._account.pw_uid
            kwargs["group"] = self._account.pw_gid
            kwargs["extra_groups"] = []
        result = subprocess.run(command, check=False, **kwargs)
        if check and result.returncode != 0:
            raise EmbeddedDatabaseError(
                f"{args[0]} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def _own(self, *paths):
        if self._account is None:
            return
        for path in paths:
            os.chown(path, self._account.pw_uid, self._account.pw_gid)

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def _check_reachable(self):
        """Say which directory keeps the unprivileged account out, if one does.

        Run as root, PostgreSQL runs as ``postgres`` (or ``nobody``), which
        must be able to enter every directory down to the cluster; a checkout
        under a private directory (``mktemp -d`` makes them 0700) is not.
        """
        if self._account is None:
            return
        for directory in (self.root, *self.root.parents):
            info = directory.stat()
            if info.st_uid == self._account.pw_uid:
                allowed = info.st_mode & stat.S_IXUSR
            elif info.st_gid == self._account.pw_gid:
                allowed = info.st_mode & stat.S_IXGRP
            else:
                allowed = info.st_mode & stat.S_IXOTH
            if not allowed:
                raise EmbeddedDatabaseError(
                    f"PostgreSQL runs as {self._account.pw_name}, which cannot "
                    f"enter {directory}: make it searchable (chmod o+x "
                    f"{directory}), run as another user, or set DATABASE_URL."
                )

    def initialize(self):
        self.root.mkdir(parents=True, exist_ok=True)
        self._check_reachable()
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        self._own(self.data_dir)
        logger.info("Embedded database: creating a cluster in %s", self.data_dir)
        self._run(
            "initdb",
            "--pgdata",
            str(self.data_dir),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
        )

    def is_running(self) -> bool:
        return (
            self.initialized
            and self._run(
                "pg_ctl", "status", "--pgdata", str(self.data_dir), check=False
            ).returncode
            == 0
        )

    def start(self):
        """Create the cluster if needed and start it unless it runs already."""
        if not self.initialized:
            self.initialize()
        if self.is_running():
            logger.info("Embedded database: already running on port %s", self.port)
            return
        self.socket_dir.mkdir(exist_ok=True)
        self.log_file.touch()
        self._own(self.socket_dir, self.log_file)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.socket_dir}"
        )
        self._run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data_dir),
            "--log",
            str(self.log_file),
            "--wait",
            "--timeout",
            "60",
            "-o",
            options,
        )
        self.started_here = True
        logger.info("Embedded database: started on port %s", self.port)
        self._create_database()

    def _create_database(self):
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                connection = psycopg2.connect(
                    host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres"
                )
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        # Not ``with connection``: that opens a transaction, and CREATE
        # DATABASE refuses to run inside one.
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            )
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        connection.close()

    def stop(self):
        if not self.is_running():
            return
        self._run(
            "pg_ctl",
            "stop",
            "--pgdata",
            str(self.data_dir),
            "--mode",
            "fast",
            "--wait",
        )
        self.started_here = False
        logger.info("Embedded database: stopped")
