"""Release of queued orders to pickers (D5): how many orders make one pick tour.

Place in the flow: `model/picking.py` asks the policy, each time a picker starts a tour, how many
of the queued orders to take. Signature: `(queued: int, batch_size: int) -> int` with
`1 <= result <= queued`.
"""

from __future__ import annotations


def discrete(queued: int, batch_size: int) -> int:
    """One order per tour."""
    return 1


def batch(queued: int, batch_size: int) -> int:
    """Up to `batch_size` orders per tour; a picker never waits to fill a cart."""
    return min(queued, batch_size)


POLICIES = {"discrete": discrete, "batch": batch}
