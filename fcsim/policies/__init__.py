"""Small, pure, swappable decisions, registered by the name used in scenarios.

Place in the flow: the schema checks policy names against its vocabulary
(`fcsim.scenario.schema.policy_names`, which this registry must match); the model looks a
policy up with `get_policy` and calls it through a narrow interface. The model never branches on
a policy's name. Adding a policy = adding a function to its module's table and a test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fcsim.policies import (
    batching,
    carrier,
    packaging,
    pickpath,
    replenishment,
    routing,
    shipping_fee,
    slotting,
)
from fcsim.scenario.schema.policy_names import POLICY_NAMES

_TABLES: dict[str, dict[str, Callable[..., Any]]] = {
    "batching": batching.POLICIES,
    "carrier": carrier.POLICIES,
    "packaging": packaging.POLICIES,
    "pickpath": pickpath.POLICIES,
    "slotting": slotting.POLICIES,
    "replenishment": replenishment.POLICIES,
    "routing": routing.POLICIES,
    "shipping_fee": shipping_fee.POLICIES,
}


def _check_vocabulary() -> None:
    """Refuse a registry that differs from the names scenarios may use."""
    for kind in sorted(set(_TABLES) | set(POLICY_NAMES)):
        have = set(_TABLES.get(kind, {}))
        allowed = set(POLICY_NAMES.get(kind, ()))
        if have != allowed:
            raise RuntimeError(
                f"{kind} policies registered {sorted(have)} but the scenario schema allows "
                f"{sorted(allowed)}: update fcsim/scenario/schema/policy_names.py with the table"
            )


_check_vocabulary()


def policy_names(kind: str) -> list[str]:
    """Registered names of the policies of one kind, sorted."""
    return sorted(_TABLES[kind])


def get_policy(kind: str, name: str) -> Callable[..., Any]:
    """The policy function registered as `name` for `kind`."""
    return _TABLES[kind][name]
