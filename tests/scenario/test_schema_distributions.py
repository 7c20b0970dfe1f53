"""Declarative distributions know their mean and variance: checked against their quantiles."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from fcsim.core.distributions import Distribution

READ = TypeAdapter(Distribution)
N = 200_000
U = (np.arange(N) + 0.5) / N  # evenly spread uniforms: the quantile function's average


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "deterministic", "value": 4.5},
        {"dist": "exponential", "mean": 2.0},
        {"dist": "lognormal", "mean": 4.5, "cv": 0.3},
        {"dist": "gamma", "mean": 3.0, "cv": 0.8},
        {"dist": "uniform", "low": 1.0, "high": 3.0},
        {"dist": "triangular", "low": 1.0, "mode": 1.75, "high": 4.0},
        {"dist": "empirical", "values": [1, 2, 3, 4], "weights": [55, 28, 12, 5]},
        {"dist": "empirical", "values": [2, 5, 10, 20]},
    ],
)
def test_analytic_mean_and_variance_match_the_quantile_function(spec: dict) -> None:
    d = READ.validate_python(spec, strict=True)
    x = d.ppf(U)
    assert x.mean() == pytest.approx(d.mean(), rel=2e-3, abs=1e-9)
    assert x.var() == pytest.approx(d.var(), rel=2e-2, abs=1e-9)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "lognormal", "mean": 4.5},
        {"dist": "lognormal", "mean": -1, "cv": 0.3},
        {"dist": "normal", "mean": 1, "sd": 1},
        {"dist": "uniform", "low": 3, "high": 1},
        {"dist": "triangular", "low": 2, "mode": 2, "high": 2},
        {"dist": "empirical", "values": [1, 2], "weights": [1]},
        {"dist": "deterministic", "value": 1, "extra": 2},
    ],
)
def test_bad_distributions_are_refused(spec: dict) -> None:
    with pytest.raises(ValidationError):
        READ.validate_python(spec, strict=True)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "deterministic", "value": 4.5},
        {"dist": "exponential", "mean": 2.0},
        {"dist": "lognormal", "mean": 4.5, "cv": 3},
        {"dist": "gamma", "mean": 3.0, "cv": 10},
        {"dist": "uniform", "low": 1.0, "high": 3.0},
        {"dist": "triangular", "low": 1.0, "mode": 1.75, "high": 4.0},
        {"dist": "empirical", "values": [7, 2, 3], "weights": [1, 0, 1]},
    ],
)
def test_largest_is_the_largest_value_a_stream_can_draw(spec: dict) -> None:
    d = READ.validate_python(spec, strict=True)
    top = d.largest()
    u = np.concatenate([U, 1 - np.logspace(-16, -1, 200), [np.nextafter(1.0, 0.0)]])
    assert np.isfinite(top) and d.ppf(u).max() == pytest.approx(top, rel=1e-12)


def test_counts_are_bounded_by_their_largest_draw() -> None:
    from fcsim.core.limits import MAX_LINES_PER_ORDER, MAX_UNITS_PER_LINE
    from fcsim.scenario.schema.business import Demand

    edge = {"orders_per_day": 10.0, "units_per_line": {"dist": "deterministic", "value": 1e6}}
    assert Demand.model_validate(edge).units_per_line.largest() == MAX_UNITS_PER_LINE
    for key, spec in (
        ("units_per_line", {"dist": "deterministic", "value": MAX_UNITS_PER_LINE + 1.0}),
        ("units_per_line", {"dist": "uniform", "low": 1.0, "high": 1e12}),
        ("lines_per_order", {"dist": "empirical", "values": [1, MAX_LINES_PER_ORDER + 1]}),
        ("lines_per_order", {"dist": "exponential", "mean": 100.0}),  # 3,674 at the far tail
    ):
        with pytest.raises(ValidationError, match=rf"{key}\n.*at most [\d,]+ are allowed"):
            Demand.model_validate({"orders_per_day": 10.0, key: spec})
