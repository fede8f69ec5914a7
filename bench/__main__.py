"""Benchmark the marketplace against vanilla Saleor: ``python -m bench``.

See docs/benchmarks.md, which a full run rewrites along with
bench/results.json.
"""

import argparse
import logging
import os
import signal
import sys
import time
from contextlib import nullcontext
from datetime import UTC, datetime

from bench.database import bench_database_url, prepare_database, read_server_version
from bench.graphql import BenchmarkError, GraphQLClient
from bench.measures import discover_measures
from bench.report import (
    RESULTS_PATH,
    RunInfo,
    read_code_version,
    write_docs,
    write_results,
)
from bench.runner import MARKETPLACE, VANILLA, run_measure, select_targets
from bench.servers import run_servers
from marketplace.__main__ import database

logger = logging.getLogger("bench")

SCHEMA_TYPES_QUERY = "query BenchmarkSchemaTypes { __schema { types { name } } }"


def positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer")
    return number


def parse_arguments(argv, measure_names):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the marketplace against vanilla Saleor.",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop and recreate the benchmark database first",
    )
    parser.add_argument(
        "--iterations",
        type=positive_int,
        help="timed rounds of every measure (default: each measure's own)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        help="untimed iterations per server first (default: each measure's own)",
    )
    parser.add_argument(
        "--measure",
        action="append",
        choices=measure_names,
        help="run only this measure (repeatable); writes no file",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=180,
        help="stop a measure's rounds after this many seconds (default: 180)",
    )
    return parser.parse_args(argv)


def count_schema_types(clients):
    return {
        mode: len(client.execute(SCHEMA_TYPES_QUERY).data["__schema"]["types"])
        for mode, client in clients.items()
    }


def read_load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def log_result(result):
    for mode, samples in result.samples.items():
        low, high = samples.sql_range
        logger.info(
            "Measure %s, %s: p50 %s ms, p95 %s ms, %s SQL queries%s",
            result.measure.name,
            mode,
            samples.p50_ms,
            samples.p95_ms,
            samples.sql_queries,
            f" (from {low} to {high})" if low != high else "",
        )


def run_benchmark(options, measures):
    """Prepare the database, start the servers, run the measures."""
    started = time.monotonic()
    url = bench_database_url(os.environ["DATABASE_URL"])
    # The management commands and any in-process measure read these.
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEMO_MODE="true",
        MARKETPLACE_VANILLA="false",
        DEBUG="false",
    )
    seed = prepare_database(url, fresh=options.fresh)
    info = RunInfo(
        date=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        seed=seed,
        postgres=read_server_version(url),
        code=read_code_version(),
        preparation_seconds=time.monotonic() - started,
    )
    logger.info("Database: ready in %.0f s", info.preparation_seconds)

    needs_servers = any(not measure.in_process for measure in measures)
    modes = {VANILLA: True, MARKETPLACE: False}
    results = []
    starting = time.monotonic()
    with run_servers(url, modes) if needs_servers else nullcontext({}) as servers:
        info.startup_seconds = time.monotonic() - starting
        logger.info("Servers: ready in %.0f s", info.startup_seconds)
        clients = {
            mode: GraphQLClient(server.base_url, name=mode)
            for mode, server in servers.items()
        }
        info.schema_types = count_schema_types(clients)
        info.load_before = read_load_average()
        for measure in measures:
            logger.info("Measure %s: running", measure.name)
            result = run_measure(
                measure,
                select_targets(measure, clients, url),
                iterations=options.iterations,
                warmup=options.warmup,
                max_seconds=options.max_seconds,
            )
            log_result(result)
            results.append(result)
        info.load_after = read_load_average()
        logger.info(
            "Load average (1 min): %s, then %s", info.load_before, info.load_after
        )
    info.duration_seconds = time.monotonic() - started
    return results, info


def main(argv=None):
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # SIGTERM unwinds like Ctrl+C: the servers and the embedded cluster stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    measures = discover_measures()
    options = parse_arguments(argv, [measure.name for measure in measures])
    if options.measure:
        measures = [measure for measure in measures if measure.name in options.measure]

    with database():
        try:
            results, info = run_benchmark(options, measures)
        except BenchmarkError as error:
            logger.error("Benchmark failed: %s", error)
            return 1

    if options.measure:
        logger.info(
            "Partial run (--measure): %s and the docs are unchanged", RESULTS_PATH
        )
        return 0
    write_results(results)
    write_docs(results, info)
    logger.info("Results written to bench/results.json and docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
