"""Schema of the reactive customer base (opt-in): customers who convert, reorder and churn.

Place in the flow: the scenario's optional `customer_base` block (`Scenario.customer_base`); when
it is absent (the default) demand is generated up front as before and nothing here is used.
When present, `fcsim.model.customer_base` draws a superset of checkout visits and thins it by
the conversion function below and by churn; docs/model.md ("Customers who react") and
docs/domain.md (D13, D20) give the function and the sources of the defaults.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fcsim.core.distributions import Empirical
from fcsim.scenario.schema.base import (
    LEFT_OUT_AT_DEFAULT,
    DaysDistribution,
    Model,
    NonNegative,
    Probability,
)

Stars = Annotated[float, Field(ge=1, le=5)]


class Reviews(Model):
    """Reviews (opt-in): a rolling rating from the service that moves conversion with a lag."""

    review_share: float = Field(
        default=0.10,
        gt=0,
        le=1,
        description="Share of customers who leave a review once their order is settled (drawn "
        "per order, the same in every strategy).",
    )
    lag_days: int = Field(
        default=3,
        ge=0,
        le=60,
        description="Days from the experience (delivery, lost parcel acknowledged, cancellation, "
        "slow refund) until its review is posted; it counts in the rating shown from the next "
        "day on.",
    )
    window_days: int = Field(
        default=90,
        ge=1,
        le=730,
        description="The rating shown is the mean of the reviews posted over this many days.",
    )
    stars_satisfied: Stars = Field(
        default=5.0,
        description="Stars a satisfied customer gives (number of stars, 1-5; modelling choice).",
    )
    stars_dissatisfied: Stars = Field(
        default=1.0,
        description="Stars a dissatisfied customer gives (number of stars, 1-5: late beyond "
        "the threshold, lost, damaged or wrong item, surprise fee, slow refund; modelling "
        "choice).",
    )
    initial_rating: Stars = Field(
        default=4.6,
        description="Rating on the shop's page when the run starts (number of stars, 1-5).",
    )
    prior_reviews: NonNegative = Field(
        default=50,
        description="Weight of the initial rating, in reviews, in every day's mean (it keeps "
        "a small shop's rating from swinging on a handful of reviews).",
    )
    reference_rating: Stars = Field(
        default=4.5,
        description="Rating (number of stars) at or above which conversion is the baseline "
        "(ratings of 4.0-4.7 convert best; Spiegel Research Center 2017, docs/domain.md#d20).",
    )
    conversion_semi_elasticity_per_star: NonNegative = Field(
        default=0.4,
        description="Relative fall of conversion per star below the reference rating: "
        "x exp(-this x (reference - rating)) (modelling choice).",
    )

    @model_validator(mode="after")
    def _stars(self) -> Reviews:
        if self.stars_dissatisfied > self.stars_satisfied:
            raise ValueError(
                f"stars_dissatisfied ({self.stars_dissatisfied:g}) must be <= stars_satisfied "
                f"({self.stars_satisfied:g})"
            )
        return self


class CustomerBase(Model):
    """Customers who react to the fee, the promise and the service (D13, D20); opt-in."""

    baseline_conversion: Probability = Field(
        default=0.30,
        gt=0,
        description="Share of checkout visits that become orders with free shipping, the "
        "reference promise or faster and no surprise fee (Baymard: ~70 % of carts abandoned).",
    )
    fee_semi_elasticity_per_eur: NonNegative = Field(
        default=0.06,
        description="Relative fall of conversion per EUR of shipping fee shown at checkout: "
        "conversion x exp(-this x fee_eur) (modelling choice, docs/domain.md#d20).",
    )
    reference_promise_days: int = Field(
        default=2,
        ge=0,
        le=60,
        description="Promise (business days) at or below which conversion is the baseline.",
    )
    promise_semi_elasticity_per_day: NonNegative = Field(
        default=0.05,
        description="Relative fall of conversion per business day of promise beyond the "
        "reference: x exp(-this x extra_days) (modelling choice).",
    )
    surprise_fee_dissatisfies: bool = Field(
        default=True,
        description="Duties or import charges due on delivery make the customer dissatisfied "
        "(and so liable to churn, `customers.churn_share_of_dissatisfied`).",
    )
    top_up_share: Probability = Field(
        default=0.5,
        description="With `shipping_fee.policy: free_above`, share of the baskets within "
        "`top_up_window_eur` below the threshold that are topped up to reach it.",
    )
    top_up_window_eur: NonNegative = Field(
        default=15.0,
        description="Basket values this far below the free-shipping threshold (EUR) may be "
        "topped up.",
    )
    orders_per_customer_per_year: float = Field(
        default=2.0,
        gt=0,
        le=365,
        description="Repeat-purchase rate: orders per customer per year at baseline conversion "
        "(it sizes the customer base: orders_per_day x 365 / this customers).",
    )
    attrition_per_year: NonNegative = Field(
        default=0.3,
        le=50,
        description="Share of customers leaving per year for reasons other than service; as "
        "many new customers arrive, so the base is steady when service is perfect.",
    )
    patience_days: DaysDistribution | None = Field(
        default_factory=lambda: Empirical(dist="empirical", values=[3, 7, 14]),
        description="Days a customer waits for a backordered order before cancelling it "
        "(refund, lost margin, dissatisfaction); drawn per parcel, rounded up; null: never.",
    )
    reviews: Annotated[Reviews | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="A rolling rating from the service, which moves conversion with a lag "
        "(docs/model.md, Reviews); null: no reviews (conversion ignores the service).",
    )
    max_passes: int = Field(
        default=4,
        ge=1,
        le=20,
        description="Runs of a strategy at most to make churn consistent with the service it "
        "gives (each pass re-runs with the orders the previous pass's churn left).",
    )
