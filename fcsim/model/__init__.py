"""The SimPy world of one strategy: one file per stage of the flow.

Place in the flow: `fcsim.experiment.runs.simulate` calls `model.network.run_strategy`, which
routes the orders to the strategy's nodes, builds and starts each node (`model/node.py`), runs
SimPy to the end of the horizon plus the drain period, and returns the filled parcel columns and
each node's collected statistics; `accounting/` turns them into costs and KPIs. The model never
reads YAML, files or reports: it receives a validated `Scenario` whose data files were read when
it was loaded (`Scenario.data`), and returns arrays.
"""
