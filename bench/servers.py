"""The two uWSGI servers a benchmark compares, vanilla and marketplace.

Both run the same code on the same database, started the way
``python -m marketplace run`` starts its server, and differ only in
``MARKETPLACE_VANILLA``. Each listens on a free loopback port and logs to
``bench/.work/<mode>.log``.
"""

import logging
import os
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.graphql import BenchmarkError, send_request
from marketplace.__main__ import BASE_DIR

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
PROCESSES = 2
WORK_DIR = BASE_DIR / "bench" / ".work"
START_TIMEOUT = 300
# What uWSGI logs when a worker has loaded the application.
READY_LINE = "WSGI app 0 (mountpoint='') ready in"


def find_free_ports(count) -> list[int]:
    """Return ``count`` distinct loopback ports that are free right now."""
    with ExitStack() as stack:
        probes = []
        for _ in range(count):
            probe = stack.enter_context(socket.socket())
            probe.bind((HOST, 0))
            probes.append(probe)
        return [probe.getsockname()[1] for probe in probes]


def build_command(port):
    """Return the uWSGI command line of ``marketplace/__main__.py``'s serve()."""
    return [
        str(Path(sys.executable).with_name("uwsgi")),
        "--http",
        f"{HOST}:{port}",
        "--module",
        "marketplace.wsgi:application",
        "--master",
        "--processes",
        str(PROCESSES),
        "--die-on-term",
        "--need-app",
        "--enable-threads",
        "--lazy-apps",
        # Requests are not logged; failing ones are.
        "--disable-logging",
        "--log-4xx",
        "--log-5xx",
        "--buffer-size",
        "32768",
        "--chdir",
        str(BASE_DIR),
    ]


def build_environment(database_url, *, vanilla):
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        MARKETPLACE_VANILLA="true" if vanilla else "false",
        DEMO_MODE="true",
        SQL_QUERY_COUNT_HEADER="true",
        # DEBUG keeps every SQL statement in memory: not what is measured.
        DEBUG="false",
    )
    return environment


class Server:
    def __init__(self, mode, port, database_url, *, vanilla):
        self.mode = mode
        self.port = port
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = WORK_DIR / f"{mode}.log"
        self._environment = build_environment(database_url, vanilla=vanilla)
        self._process = None
        self._log = None

    def start(self):
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        logger.info("Server %s: starting on %s", self.mode, self.base_url)
        self._process = subprocess.Popen(
            build_command(self.port),
            cwd=BASE_DIR,
            env=self._environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def count_ready_workers(self):
        # With --lazy-apps every worker loads the application itself, and
        # /health/ answers as soon as the first one has; timing must wait
        # for the others, whose loading takes the CPUs.
        return self.log_path.read_text(errors="replace").count(READY_LINE)

    def wait_until_healthy(self, deadline):
        """Wait until every worker has loaded and /health/ answers 200."""
        while True:
            if self._process.poll() is not None:
                raise BenchmarkError(
                    f"Server {self.mode}: exited with {self._process.returncode}; "
                    f"see {self.log_path}:\n{self.read_log_tail()}"
                )
            try:
                response = send_request(self.base_url, "GET", "/health/", timeout=5)
                if response.status == 200 and self.count_ready_workers() >= PROCESSES:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchmarkError(
                    f"Server {self.mode}: not ready after {START_TIMEOUT} s "
                    f"({self.count_ready_workers()} of {PROCESSES} workers "
                    f"loaded); see {self.log_path}"
                )
            time.sleep(0.5)

    def read_log_tail(self, lines=30):
        self._log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def stop(self):
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                logger.warning("Server %s: did not stop in 30 s, killing", self.mode)
                self._process.kill()
                self._process.wait()
        self._log.close()
        logger.info("Server %s: stopped", self.mode)


@contextmanager
def run_servers(database_url, modes):
    """Start one server per mode (``{mode: vanilla}``), yield them once healthy."""
    with ExitStack() as stack:
        servers = {}
        ports = find_free_ports(len(modes))
        for (mode, vanilla), port in zip(modes.items(), ports, strict=True):
            server = Server(mode, port, database_url, vanilla=vanilla)
            stack.callback(server.stop)
            server.start()
            servers[mode] = server
        deadline = time.monotonic() + START_TIMEOUT
        for server in servers.values():
            server.wait_until_healthy(deadline)
        yield servers
