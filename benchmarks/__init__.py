"""fcsim's performance benchmark: the model against a bare SimPy tandem, in one process.

Run it from the repository root (not part of the default test run; 12-25 minutes on two cores):

    python -m benchmarks                  # the full sizes: benchmarks/RESULTS.md, results.json
    python -m benchmarks --smoke -o DIR   # a tiny run of every step (the test suite runs it)

It measures (a) a bare SimPy tandem written here (picker pool -> pack-station pool -> computed
16:00 cutoff, `benchmarks/reference.py`), (b) fcsim configured to the same stages
(`benchmarks/tandem.yaml`, same orders, same time distributions), (c) fcsim with every stage on
the default scenario scaled to 10,000 orders/day for a year; then memory per order, 1 vs 2
workers on 8 replications, the national centre (`scenarios/national_dc.yaml`, 100,000
orders/day: 14 days timed, the year extrapolated, and the Dask check on it), and a profile
of (c). Targets are printed PASS/FAIL; the exit status is 0 whatever they say (2 on bad
usage).
"""
