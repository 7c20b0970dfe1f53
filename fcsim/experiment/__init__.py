"""Experiments: many runs of the model, on local processes or a Dask cluster, and their tables.

Place in the flow: between the commands and the model. `loading` loads a scenario with the
checks that need the model; `runs` holds `RunSpec`, `plan` and `simulate` (a pure function of
its spec); `executors` runs specs on a pool; `store` keeps finished runs for `--resume`;
`results` makes and writes the result tables; `stats` the intervals and paired differences;
`sweep`, `sizing` and `search_space` plan grids and searches. Returns values; prints nothing.
"""
