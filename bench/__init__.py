"""The benchmark harness: ``python -m bench`` (``make bench``).

It runs every measure of ``bench.measures`` against two uWSGI servers
started from the same code on the same database, one serving vanilla
Saleor (the baseline) and one serving the marketplace, and writes
``bench/results.json`` and ``docs/benchmarks.md``.
"""
