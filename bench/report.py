"""Writing a run's results: ``bench/results.json`` and ``docs/benchmarks.md``."""

import json
import os
import platform
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from bench.servers import PROCESSES
from marketplace.__main__ import BASE_DIR

RESULTS_PATH = BASE_DIR / "bench" / "results.json"
DOCS_PATH = BASE_DIR / "docs" / "benchmarks.md"


@dataclass
class RunInfo:
    """What the report says about the run besides the figures."""

    date: str
    seed: str
    postgres: str
    code: str = ""
    duration_seconds: float = 0.0
    preparation_seconds: float = 0.0
    startup_seconds: float = 0.0
    schema_types: dict = field(default_factory=dict)
    # The 1-minute load average as timing began and as it ended: what else
    # the machine was doing.
    load_before: float | None = None
    load_after: float | None = None


def read_cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def read_memory_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def read_uwsgi_version():
    uwsgi = Path(sys.executable).with_name("uwsgi")
    try:
        result = subprocess.run(
            [str(uwsgi), "--version"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


def read_code_version():
    """Return the commit measured, and whether the checkout differs from it."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(BASE_DIR), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (" with uncommitted changes" if changed else "")


def write_results(results, path=RESULTS_PATH):
    entries = [result.to_json() for result in results]
    path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    return entries


def format_number(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def render_results_table(results):
    lines = [
        "| Measure | Marketplace p50 ms | p95 ms | SQL "
        "| Vanilla p50 ms | p95 ms | SQL | Ratio p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        entry = result.to_json()
        cells = [
            f"`{entry['name']}`",
            format_number(entry["p50_ms"]),
            format_number(entry["p95_ms"]),
            format_number(entry["sql_queries"]),
            format_number(entry.get("baseline_p50_ms")),
            format_number(entry.get("baseline_p95_ms")),
            format_number(entry.get("baseline_sql_queries")),
            format_number(entry.get("ratio"), digits=2),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_throughput_table(results):
    entries = [result.to_json() for result in results]
    entries = [
        entry
        for entry in entries
        if "rows_per_second" in entry or "peak_memory_mb" in entry
    ]
    if not entries:
        return ""
    lines = [
        "| Measure | Rows/s | Peak memory MB |",
        "|---|---:|---:|",
    ]
    for entry in entries:
        lines.append(
            f"| `{entry['name']}` "
            f"| {format_number(entry.get('rows_per_second'), digits=0)} "
            f"| {format_number(entry.get('peak_memory_mb'), digits=2)} |"
        )
    return "\n\n" + "\n".join(lines)


def render_measures(results):
    lines = []
    for result in results:
        measure = result.measure
        mode = (
            "in process, marketplace only"
            if measure.in_process
            else (
                "HTTP, against both servers"
                if measure.baseline
                else "HTTP, marketplace only"
            )
        )
        lines.append(
            textwrap.fill(
                f"- **`{measure.name}`** ({mode}; {measure.iterations} "
                f"iterations after {measure.warmup} of warm-up by default): "
                f"{measure.description}",
                width=76,
                subsequent_indent="  ",
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def render_run(results, info: RunInfo):
    rounds = ", ".join(f"`{result.measure.name}` {result.rounds}" for result in results)
    schema = ", ".join(
        f"{mode} {count}" for mode, count in sorted(info.schema_types.items())
    )
    memory = read_memory_gib()
    lines = [
        f"- Date: {info.date}",
        f"- Code: {info.code}" if info.code else "",
        f"- Machine: {read_cpu_model()}, {os.cpu_count()} CPUs"
        + (f", {memory} GiB of memory" if memory else "")
        + f"; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, Django {version('django')}, "
        f"Saleor {version('saleor')}, graphene-django {version('graphene-django')}, "
        f"uWSGI {read_uwsgi_version()}, PostgreSQL {info.postgres}",
        f"- Servers: uWSGI, {PROCESSES} processes each, both on 127.0.0.1 "
        "and the same database",
        f"- Database: `marketplace_bench`, seeded by {info.seed}",
        f"- Timed rounds (one iteration per server, or in process, each): {rounds}",
        f"- GraphQL schema types: {schema}" if schema else "",
        f"- Duration: {info.duration_seconds:.0f} s, of which "
        f"{info.preparation_seconds:.0f} s preparing the database and "
        f"{info.startup_seconds:.0f} s starting the servers",
        f"- Load average (1 min) as timing began and ended: {info.load_before} "
        f"and {info.load_after}"
        if info.load_before is not None
        else "",
    ]
    return "\n".join(line for line in lines if line)


DOCS_TEMPLATE = """\
# Benchmarks

How fast the marketplace answers compared with the vanilla Saleor it is
built on, measured by the harness in `bench/`. The results below are those
of the latest full run; this file and `bench/results.json` are written by
it (change `bench/report.py`, not this file).

## Running

```sh
make bench                       # or: .venv/bin/python -m bench
.venv/bin/python -m bench --fresh                     # new database
.venv/bin/python -m bench --measure checkout_flow --iterations 10
```

| Option | Effect |
|---|---|
| `--fresh` | drop and recreate the benchmark database first |
| `--iterations N` | timed rounds of every measure (defaults below) |
| `--warmup N` | untimed iterations per server before timing |
| `--measure NAME` | run only this measure (repeatable); logs, writes no file |
| `--max-seconds S` | stop a measure's rounds after S seconds (default 180) |

The harness

1. uses the database `marketplace_bench` on the server of `DATABASE_URL`,
   or on the embedded cluster when `DATABASE_URL` is unset; it is created
   when missing, migrated on every run and seeded when its catalog is empty
   (`manage.py seed_demo`, or Saleor's `populatedb` where the marketplace
   has no `seed_demo`); after a change to the demo data, `--fresh` brings
   it in;
2. starts two uWSGI servers from the same code on that database, on free
   loopback ports: **vanilla** (`MARKETPLACE_VANILLA=true`: Saleor's schema
   and Saleor's plugins only, under the marketplace's settings, middleware
   and GraphQL view), the baseline, and **marketplace**; both with
   `DEMO_MODE=true` (the dummy payment gateway),
   `SQL_QUERY_COUNT_HEADER=true` and `DEBUG=false`, and 2 uWSGI processes
   as `make run` starts them; their logs are in `bench/.work/`;
3. waits for `/health/`, warms both servers up, then times each measure in
   rounds of one iteration per server, alternating which server goes first;
4. fails on any error reply: HTTP status, GraphQL `errors`, or a mutation's
   error list.

Times are wall-clock times seen by the benchmark process over plain HTTP,
one request at a time. SQL is the number of statements per iteration from
the `X-SQL-Queries` header (transaction control not counted), the median
over the iterations. Ratio is the marketplace's p50 over vanilla's.

## Measures

{measures}

## Latest results

{results_table}{throughput_table}

### Machine and run

{run}

## Adding a measure

A module in `bench/measures/` exposing `MEASURES`, a list of `Measure`
objects, is all it takes; the registry finds it.

```python
from bench.measures import Measure, Outcome


def fetch_price_list_page(client, _state):
    reply = client.execute(QUERY, {{"first": 100}})
    return Outcome(sql_queries=reply.sql_queries)


MEASURES = [
    Measure(
        name="products_page_100_price_lists",
        description="...",
        run_once=fetch_price_list_page,
        iterations=100,
        baseline=False,  # vanilla has no price lists
    ),
]
```

`prepare(client, runs)`, when given, runs once before the warm-up and its
result is passed to every `run_once`. A measure that calls the code
directly rather than over HTTP sets `in_process=True` (and
`baseline=False`): its `run_once` gets a target whose `count_sql()` counts
statements, runs with Django set up on the benchmark database, and returns
`Outcome(sql_queries=..., rows=...)`; the results then carry
`rows_per_second` and `peak_memory_mb` (the peak of Python allocations
during one extra iteration, traced with `tracemalloc`).
"""


def write_docs(results, info: RunInfo, path=DOCS_PATH):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        DOCS_TEMPLATE.format(
            measures=render_measures(results),
            results_table=render_results_table(results),
            throughput_table=render_throughput_table(results),
            run=render_run(results, info),
        )
    )
