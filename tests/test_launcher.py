"""``python -m marketplace run``: what ``make run`` does, end to end."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

from .subprocess_django import BASE_DIR, run_django


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the launcher exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read()
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout} s")


def port_is_closed(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.django_db
def test_launcher_serves_on_host_and_port_then_stops_cleanly():
    # given: the (already migrated) test database, so migrate has nothing to do
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "UWSGI_QUIET": "1",
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
    }
    env.pop("SECRET_KEY", None)

    # when
    process = subprocess.Popen(
        [sys.executable, "-m", "marketplace", "run", "--no-seed"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = wait_for_health(f"http://127.0.0.1:{port}/health/", process)
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=60)

    # then
    assert status == 200
    assert b'"database": "up"' in body
    assert returncode == 0
    assert port_is_closed(port)


def test_wsgi_worker_freezes_what_it_loaded():
    result = run_django(
        """
        import gc
        import marketplace.wsgi
        print(gc.get_freeze_count())
        """,
        setup=False,
    )

    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) > 100_000
