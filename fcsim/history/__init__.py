"""Bring your own data: order histories and product files, and demand built from them.

Place in the flow: `fcsim.scenario.load` resolves the data paths of a scenario and checks the files
(`checks`); `fcsim.model.catalogue` and `fcsim.model.demand` ask `cache` for the imported data and
the demand generators (`generators`: replay, bootstrap, fit); `fcsim inspect-data` prints and writes
what was learned (`summary`, `page`). Reading and checking: `table` (rows), `columns` (which column
is which), `values` (parsing), `orders` and `products`.
"""
