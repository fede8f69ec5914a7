import os
import shutil
import socket
import tempfile

import psycopg2
import pytest

from marketplace.embedded_db import (
    EmbeddedDatabaseError,
    EmbeddedPostgres,
    find_postgres_bin_dir,
)

from .subprocess_django import BASE_DIR


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cluster_root():
    # Under the project rather than /tmp/pytest-of-root: when the tests run
    # as root, the cluster runs as an unprivileged account that must reach
    # its data directory.
    parent = BASE_DIR / "var"
    parent.mkdir(exist_ok=True)
    path = tempfile.mkdtemp(prefix="test-cluster-", dir=parent)
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_embedded_cluster_is_created_started_and_stopped(cluster_root):
    # given
    cluster = EmbeddedPostgres(cluster_root, port=free_port())

    # when
    cluster.start()
    try:
        connection = psycopg2.connect(cluster.url)
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            database = cursor.fetchone()[0]
        connection.close()
        running = cluster.is_running()
    finally:
        cluster.stop()

    # then
    assert database == "marketplace"
    assert running
    assert cluster.initialized
    assert not cluster.is_running()


def test_second_start_reuses_running_cluster(cluster_root):
    first = EmbeddedPostgres(cluster_root, port=free_port())
    first.start()
    try:
        second = EmbeddedPostgres(cluster_root, port=first.port)
        second.start()

        assert not second.started_here
    finally:
        first.stop()


@pytest.mark.skipif(os.geteuid() != 0, reason="the account switch happens as root")
def test_private_parent_directory_is_named_before_initdb(cluster_root):
    private = os.path.join(cluster_root, "private")
    os.mkdir(private, 0o700)
    cluster = EmbeddedPostgres(os.path.join(private, "cluster"), port=free_port())

    with pytest.raises(EmbeddedDatabaseError, match=f"cannot enter {private}:"):
        cluster.start()

    assert not cluster.initialized


def test_missing_postgres_binaries_say_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("POSTGRES_BIN_DIR", str(tmp_path))
    monkeypatch.setattr(
        "marketplace.embedded_db.Path.glob", lambda self, pattern: iter(())
    )

    with pytest.raises(EmbeddedDatabaseError, match="Install PostgreSQL"):
        find_postgres_bin_dir()
