"""Declarative probability distributions used by scenarios.

Place in the flow: `scenario.py` embeds these models wherever a parameter is random
(`{dist: lognormal, mean: 4.5, cv: 0.3}`); the model turns uniform random numbers from
`streams.py` into values with `ppf` (inverse transform sampling). Sampling by inverse transform
keeps common random numbers aligned: the same uniform gives the same quantile in every strategy.
Each distribution knows its analytic mean and variance so that tests can compare simulated
values against expected ones, and the largest value it can ever draw (`largest`), so that the
schema can refuse a distribution of counts that would not fit the model's integer arrays.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special

_U_MAX = float(np.nextafter(1.0, 0.0))
"""The largest uniform a stream draws (numpy's `random()` is in [0, 1))."""


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def mean(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def var(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - overridden
        """Quantile function: maps uniforms in [0, 1) to values of this distribution."""
        raise NotImplementedError

    def largest(self) -> float:
        """The largest value this distribution can draw (its quantile at the largest uniform)."""
        return float(self.ppf(np.array([_U_MAX]))[0])

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw `size` values using `rng` (by inverse transform)."""
        return self.ppf(rng.random(size))


class Deterministic(_Dist):
    """Always the same value. Mean `value`, variance 0."""

    dist: Literal["deterministic"]
    value: float = Field(ge=0, description="The constant value (unit of the field it sits in).")

    def mean(self) -> float:
        return self.value

    def var(self) -> float:
        return 0.0

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), self.value, dtype=float)


class Exponential(_Dist):
    """Exponential with the given mean (memoryless; M/M/c validation). Variance `mean`²."""

    dist: Literal["exponential"]
    mean_: float = Field(gt=0, alias="mean", description="Mean, in the key's unit.")
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def mean(self) -> float:
        return self.mean_

    def var(self) -> float:
        return self.mean_**2

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return -self.mean_ * np.log1p(-np.asarray(u, dtype=float))


class Lognormal(_Dist):
    """Lognormal given by its mean and coefficient of variation (not the log-scale parameters).

    Variance (`cv`·`mean`)².
    """

    dist: Literal["lognormal"]
    mean_: float = Field(gt=0, alias="mean", description="Mean, in the key's unit.")
    cv: float = Field(gt=0, le=10, description="Coefficient of variation (std / mean).")
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def mean(self) -> float:
        return self.mean_

    def var(self) -> float:
        return (self.cv * self.mean_) ** 2

    def ppf(self, u: np.ndarray) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean_) - sigma2 / 2
        z = special.ndtri(np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12))
        return np.exp(mu + math.sqrt(sigma2) * z)


class Gamma(_Dist):
    """Gamma given by its mean and coefficient of variation. Variance (`cv`·`mean`)²."""

    dist: Literal["gamma"]
    mean_: float = Field(gt=0, alias="mean", description="Mean, in the key's unit.")
    cv: float = Field(gt=0, le=10, description="Coefficient of variation (std / mean).")
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def mean(self) -> float:
        return self.mean_

    def var(self) -> float:
        return (self.cv * self.mean_) ** 2

    def ppf(self, u: np.ndarray) -> np.ndarray:
        shape = 1.0 / self.cv**2
        scale = self.mean_ / shape
        return special.gammaincinv(shape, np.asarray(u, dtype=float)) * scale


class Uniform(_Dist):
    """Uniform between `low` and `high`. Mean (`low`+`high`)/2, variance (`high`-`low`)²/12."""

    dist: Literal["uniform"]
    low: float = Field(ge=0, description="Lower bound, in the key's unit.")
    high: float = Field(ge=0, description="Upper bound (>= low), in the key's unit.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high must be >= low (got low={self.low}, high={self.high})")
        return self

    def mean(self) -> float:
        return (self.low + self.high) / 2

    def var(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)


class Triangular(_Dist):
    """Triangular with minimum `low`, most likely `mode` and maximum `high`.

    Mean (`low`+`mode`+`high`)/3, variance (a²+b²+c²-ab-ac-bc)/18 with a, b, c the three.
    """

    dist: Literal["triangular"]
    low: float = Field(ge=0, description="Minimum, in the key's unit.")
    mode: float = Field(ge=0, description="Most likely value, in the key's unit.")
    high: float = Field(ge=0, description="Maximum, in the key's unit.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError(
                "needs low <= mode <= high and low < high "
                f"(got low={self.low}, mode={self.mode}, high={self.high})"
            )
        return self

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def var(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def ppf(self, u: np.ndarray) -> np.ndarray:
        a, c, b = self.low, self.mode, self.high
        u = np.asarray(u, dtype=float)
        fc = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < fc, left, right)


class Empirical(_Dist):
    """Discrete distribution over `values` with relative `weights` (normalised).

    Mean Σ p·value with p the normalised weights, variance Σ p·(value - mean)².
    """

    dist: Literal["empirical"]
    values: list[float] = Field(min_length=1, description="Possible values, in the key's unit.")
    weights: list[float] | None = Field(
        default=None, description="Relative weights, one per value (equal when omitted)."
    )

    @model_validator(mode="after")
    def _weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights must have one entry per value ({len(self.values)} values, "
                    f"{len(self.weights)} weights)"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 with a positive sum")
        if any(v < 0 for v in self.values):
            raise ValueError("values must be >= 0")
        return self

    def _p(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, float)
        return w / w.sum()

    def mean(self) -> float:
        return float(np.dot(self._p(), self.values))

    def var(self) -> float:
        v = np.asarray(self.values, float)
        p = self._p()
        m = float(np.dot(p, v))
        return float(np.dot(p, (v - m) ** 2))

    def largest(self) -> float:
        return float(np.asarray(self.values, float)[self._p() > 0].max())

    def ppf(self, u: np.ndarray) -> np.ndarray:
        cum = np.cumsum(self._p())
        cum[-1] = 1.0
        idx = np.searchsorted(cum, np.asarray(u, dtype=float), side="right")
        return np.asarray(self.values, float)[np.minimum(idx, len(self.values) - 1)]


Distribution = Annotated[
    Deterministic | Exponential | Lognormal | Gamma | Uniform | Triangular | Empirical,
    Field(discriminator="dist"),
]
"""Any distribution, selected by its `dist` key."""
