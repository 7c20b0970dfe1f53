"""The regression gate: record KPIs once (`fcsim baseline`), re-run and judge (`fcsim check`).

Place in the flow: after the pipeline (`fcsim.experiment.pipeline`) has run and tabulated the
runs (`results.runs_table`).
`baseline_file` turns a runs table into the baseline document (per strategy and metric: mean,
95 % interval and the value of every replication, with the scenario's content hash, its
validated content, the overrides, the seed and the fcsim version) and reads it back with every
problem named. `judge` compares a new runs table with it, metric by metric, with an interval of
the difference against a practical tolerance. `outputs` renders the verdicts as a terminal
table, JUnit XML and JSON.
"""
