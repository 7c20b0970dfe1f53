"""Accounting of one run: the cost ledger, the KPIs and the breakdown tables.

Place in the flow: after the SimPy run of a strategy (`fcsim.model.network`), on its filled
parcel columns. `costs` builds the ledger (cost lines by category and day), `kpis` the KPIs of
the measurement window (names and meanings in `fcsim.core.metrics`), `breakdowns` the small
long-format tables the report draws (lead-time histograms, late rates, utilisation). Everything
is vectorised: no per-order Python loop.
"""
