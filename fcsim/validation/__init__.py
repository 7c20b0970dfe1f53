"""Validation of the simulator against queueing theory, hand-computed cases and invariants.

Place in the flow: outside the run pipeline. `theory.py` holds the closed-form results (Erlang C,
M/M/1, a Jackson tandem), `mmc.py` builds scenarios in which the warehouse *is* such a queue,
`little.py` checks Little's law and the work-in-progress counters of any run, `suite.py` runs the
cases over replications and compares theory with the confidence interval of the simulation, and
`python -m fcsim.validation` writes the table to `docs/validation.md`. The tests under
`tests/validation/` run the same cases at a smaller scale.
"""
