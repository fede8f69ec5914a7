"""The benchmark's measures and the registry that collects them.

A measure is one operation whose latency the benchmark reports, such as a
products page or a whole checkout. Every module of this package exposes
``MEASURES``, a list of ``Measure`` objects; a plugin adds its measures by
adding a module here, nothing else lists them.

A measure's ``run_once`` does one iteration and returns an ``Outcome``; the
runner times it. It receives a target:

- for an HTTP measure, a ``bench.graphql.GraphQLClient`` bound to one
  server (vanilla or marketplace), whose ``execute(query, variables,
  headers=...)`` returns each reply with the ``X-SQL-Queries`` count of its
  request;
- for an in-process measure (``in_process=True``), a
  ``bench.inprocess.InProcessTarget``: the iteration runs in the benchmark
  process, with Django set up on the benchmark database, and counts its
  SQL with ``target.count_sql()``.

``prepare``, when given, runs once before the warm-up, untimed, against
the marketplace target; what it returns is passed to every ``run_once``
of both targets, which share the database.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What one iteration did, besides the time it took.

    ``rows`` is for throughput measures: the runner turns it into
    ``rows_per_second``.
    """

    sql_queries: int
    rows: int | None = None


@dataclass(frozen=True)
class Measure:
    """One benchmark operation.

    ``prepare(target, runs)`` is told how many iterations (warm-up included,
    both targets together) will follow, so that it can check there is data
    enough for all of them.
    """

    name: str
    description: str
    run_once: Callable[[Any, Any], Outcome]
    prepare: Callable[[Any, int], Any] | None = None
    iterations: int = 100
    warmup: int = 5
    baseline: bool = True
    in_process: bool = False

    def __post_init__(self):
        if self.in_process and self.baseline:
            # TODO: no vanilla baseline for in-process measures - none needs
            # one yet; it would take running them in a child process per
            # mode, since Django's settings are per process.
            raise ValueError(
                f"Measure {self.name}: an in-process measure has no vanilla "
                "baseline; set baseline=False."
            )


def discover_measures(package=None) -> list[Measure]:
    """Collect ``MEASURES`` from every module of the package, sorted by name."""
    package = package or importlib.import_module(__name__)
    measures = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for measure in getattr(module, "MEASURES", ()):
            if measure.name in measures:
                raise ValueError(f"Measure {measure.name}: declared twice.")
            measures[measure.name] = measure
    return [measures[name] for name in sorted(measures)]
