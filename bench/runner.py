"""Running a measure: preparation, warm-up, then interleaved timed rounds.

Each round runs one iteration on every target, in an order that alternates
from round to round, so that a drift of the machine (a cache warming,
another process waking) falls on vanilla and marketplace alike.
"""

import logging
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field

from bench.inprocess import InProcessTarget, set_up_django
from bench.measures import Measure, Outcome

logger = logging.getLogger(__name__)

VANILLA = "vanilla"
MARKETPLACE = "marketplace"


def percentile(values, fraction):
    """Return the percentile, linearly interpolated between the closest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Samples:
    """The timed iterations of one measure on one target."""

    seconds: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    peak_memory_mb: float | None = None

    def add(self, seconds, outcome: Outcome):
        if not isinstance(outcome, Outcome):
            raise TypeError(f"run_once returned {outcome!r}, not an Outcome")
        self.seconds.append(seconds)
        self.outcomes.append(outcome)

    @property
    def p50_ms(self):
        return round(percentile(self.seconds, 0.50) * 1000, 1)

    @property
    def p95_ms(self):
        return round(percentile(self.seconds, 0.95) * 1000, 1)

    @property
    def sql_queries(self):
        # Constant for most measures; the median ignores a stray iteration
        # that, say, refreshed a cache.
        return statistics.median_low(o.sql_queries for o in self.outcomes)

    @property
    def sql_range(self):
        counts = [o.sql_queries for o in self.outcomes]
        return min(counts), max(counts)

    @property
    def rows_per_second(self):
        rows = [o.rows for o in self.outcomes if o.rows is not None]
        if not rows:
            return None
        return round(sum(rows) / sum(self.seconds), 1)


@dataclass
class MeasureResult:
    measure: Measure
    rounds: int
    samples: dict

    def to_json(self):
        """Return the measure's entry of ``bench/results.json``."""
        own = self.samples[MARKETPLACE]
        entry = {
            "name": self.measure.name,
            "p50_ms": own.p50_ms,
            "p95_ms": own.p95_ms,
            "sql_queries": own.sql_queries,
        }
        if baseline := self.samples.get(VANILLA):
            entry.update(
                baseline_p50_ms=baseline.p50_ms,
                baseline_p95_ms=baseline.p95_ms,
                baseline_sql_queries=baseline.sql_queries,
                # As the figures in the file read; None for a baseline that
                # rounds to nothing.
                ratio=round(own.p50_ms / baseline.p50_ms, 2)
                if baseline.p50_ms
                else None,
            )
        if own.rows_per_second is not None:
            entry["rows_per_second"] = own.rows_per_second
        if own.peak_memory_mb is not None:
            entry["peak_memory_mb"] = own.peak_memory_mb
        return entry


def select_targets(measure, http_targets, database_url=None):
    """Return the targets of a measure by mode, the baseline first."""
    if measure.in_process:
        set_up_django(database_url)
        return {MARKETPLACE: InProcessTarget()}
    if measure.baseline:
        return {VANILLA: http_targets[VANILLA], MARKETPLACE: http_targets[MARKETPLACE]}
    return {MARKETPLACE: http_targets[MARKETPLACE]}


def trace_peak_memory_mb(run):
    """Run once under tracemalloc and return the peak of Python allocations."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 2**20, 2)


def run_measure(
    measure: Measure, targets, *, iterations=None, warmup=None, max_seconds=None
) -> MeasureResult:
    """Warm every target up, then time interleaved rounds of the measure."""
    iterations = measure.iterations if iterations is None else iterations
    warmup = measure.warmup if warmup is None else warmup
    modes = list(targets)

    state = None
    if measure.prepare is not None:
        runs = (warmup + iterations) * len(modes) + int(measure.in_process)
        state = measure.prepare(targets[MARKETPLACE], runs)

    for _ in range(warmup):
        for mode in modes:
            measure.run_once(targets[mode], state)

    samples = {mode: Samples() for mode in modes}
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    rounds = 0
    for rounds in range(1, iterations + 1):
        order = modes if rounds % 2 else modes[::-1]
        for mode in order:
            started = time.perf_counter()
            outcome = measure.run_once(targets[mode], state)
            samples[mode].add(time.perf_counter() - started, outcome)
        if deadline is not None and time.monotonic() > deadline:
            logger.warning(
                "Measure %s: stopped after %s of %s rounds, the %s s limit",
                measure.name,
                rounds,
                iterations,
                max_seconds,
            )
            break

    if measure.in_process:
        samples[MARKETPLACE].peak_memory_mb = trace_peak_memory_mb(
            lambda: measure.run_once(targets[MARKETPLACE], state)
        )
    return MeasureResult(measure=measure, rounds=rounds, samples=samples)
