"""Import charges of dropshipped parcels entering the merchant's customs union (D8, D16).

Place in the flow: `model/supplier.py` calls `import_charges` after dispatch for the parcels of
a supplier with `imports` bound for zones without `customs`, and adds the result to the parcels'
`duties_eur` (the ledger's `duties` line).

What is a cost, per parcel of customs value V (the goods' selling value without VAT) and VAT
rate r of its zone. The price the customer pays is VAT-inclusive, and the ledger already counts
the revenue without VAT: the VAT r x V goes to the tax authority whichever way it is paid, so
it is never counted again.
- ioss: up to the low-value limit, the VAT is collected at checkout inside the price and
  remitted by the merchant through its IOSS return; nothing is due at the border. Above the
  limit, which IOSS does not cover, the merchant clears the parcel (DDP): it pays the customs
  duty D = duties_rate x V and the import VAT r x (V + D). Of that VAT, r x V is the sale's
  VAT (the sale is not taxed again); the VAT on the duty, r x D, is a cost, as is D. (A DDP
  import without IOSS costs the same in this accounting, so it is not a separate scheme.)
- dap: the customer pays duty and import VAT on delivery: no cost for the merchant (the effect
  on conversion and on refused parcels is not modelled).
Every scheme pays the clearance fee `brokerage_eur_per_parcel`.
"""

from __future__ import annotations

import numpy as np

from fcsim.scenario.schema.dropship import Imports


def import_charges(imports: Imports, value_ex_vat: np.ndarray, vat_rate: np.ndarray) -> np.ndarray:
    """What the merchant pays at the border for each imported parcel, EUR (rounded to cents)."""
    v = np.asarray(value_ex_vat, dtype=float)
    above = v > imports.low_value_max_eur
    duty = np.where(above, imports.duties_rate * v, 0.0)
    if imports.vat_scheme == "dap":
        at_border = np.zeros(len(v))
    else:  # ioss: parcels above the low-value limit are cleared DDP, duty and the VAT on it
        at_border = duty * (1.0 + np.asarray(vat_rate, dtype=float))
    return np.round(at_border + imports.brokerage_eur_per_parcel, 2)
