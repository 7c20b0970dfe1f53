"""The policy vocabulary of scenarios: which names each kind of policy may take.

Place in the flow: the schema checks every `policy:` key against this table (and lists it as an
enum in the JSON Schema); `fcsim.policies` registers one function under each name and refuses,
on import, a table that differs from this one — so the two cannot drift apart, and the scenario
layer never imports the policies it names.
"""

from __future__ import annotations

POLICY_NAMES: dict[str, tuple[str, ...]] = {
    "batching": ("discrete", "batch"),
    "carrier": ("cheapest", "fastest", "cheapest_meeting_promise"),
    "packaging": ("smallest_fitting", "eco_first", "cheapest_fitting"),
    "pickpath": ("s_shape", "largest_gap", "nearest_neighbour", "optimal"),
    "slotting": ("random", "abc"),
    "replenishment": ("s_S", "R_S", "min_max"),
    "routing": ("abc", "category", "region", "season", "rules", "order"),
    "shipping_fee": ("free", "flat", "free_above", "carrier_rate"),
}


def policy_names(kind: str) -> list[str]:
    """Names a policy of `kind` may take in a scenario, sorted."""
    return sorted(POLICY_NAMES[kind])
