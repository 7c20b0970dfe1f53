"""Bring your own data: reading and checking order exports and product files.

Place in the flow: below the scenario layer, importing only the core. `fcsim.scenario.data`
reads the files a scenario names through `orders` and `products` when it is loaded; `fit`
fits a parametric demand to a history; `checks` matches a history against a product file;
`fcsim inspect-data` prints and writes what was learned (`summary`, `page`). Reading: `table`
(rows and their problems), `columns` (which column is which), `values` (parsing). The demand
generated from a history (replay, bootstrap, fit) is the model's (`fcsim.model.demand`).
"""
