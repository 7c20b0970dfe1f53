"""fcsim: discrete-event simulation of e-commerce fulfilment strategies.

Compare self-fulfilment, 3PL, dropshipping and hybrid networks on the same orders, with
confidence intervals on cost, lead time and late deliveries. Start with `fcsim run` or
`python run_sim.py`; scenarios are YAML files validated by `fcsim.scenario.schema.scenario`.
"""

__version__ = "0.1.0"
