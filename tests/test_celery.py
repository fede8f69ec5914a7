"""Background tasks: inline without a broker, on a real worker with Redis."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from celery import Celery
from celery.exceptions import TimeoutError

from marketplace.tasks import ping

from .subprocess_django import BASE_DIR

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_is_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_tasks_run_inline_without_broker(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER

    result = ping.delay("inline")

    assert result.get(timeout=1) == {"pong": "inline"}


@pytest.fixture
def celery_worker_process(tmp_path):
    if not redis_is_up():
        pytest.fail("Redis must run on 127.0.0.1:6379 (.ci/run starts it)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "SECRET_KEY": "celery-test-secret",
        "PYTHONPATH": str(BASE_DIR),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace.celery",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--queues={queue}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    yield queue, log
    process.terminate()
    process.wait(timeout=30)


def test_worker_consumes_tasks_from_redis(celery_worker_process):
    # given: a producer configured only with the broker, as the web process
    queue, log = celery_worker_process
    client = Celery("producer", broker=REDIS_URL, backend=REDIS_URL)

    # when
    result = client.send_task("marketplace.ping", args=["via-redis"], queue=queue)

    # then
    try:
        value = result.get(timeout=180)
    except TimeoutError:
        pytest.fail(f"no answer from the worker; its log:\n{log.read_text()}")
    assert value == {"pong": "via-redis"}
