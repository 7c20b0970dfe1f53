"""Which SKUs a sized hybrid keeps in-house (`fcsim advise`, answers `hybrid_in_house`).

The small test scenario's hybrid routes class A (best-sellers) to its own warehouse `a`, B to
the 3PL `b` and C to the dropship supplier `c`; the share of SKUs in class A is what advise
sizes. Hand-computed on its catalogue.
"""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.experiment.in_house import in_house_answers
from fcsim.model.catalogue import build_catalogue
from fcsim.report.advice import answer_lines
from fcsim.scenario.load import load_scenario

from conftest import SMALL


def test_the_class_a_share_read_back_into_skus():
    sc = load_scenario(SMALL)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    b = sc.strategies["hyb"].routing.b_share
    got = in_house_answers(sc, {"hyb": {"40": 0.25}})["hyb"]["40"]
    k = round(0.25 * cat.n)
    assert got["in_house_nodes"] == ["a"]
    assert got["in_house_skus"] == k
    assert got["in_house_sales_ranks"] == [[1, k]]  # the best-sellers, rank 1 first
    assert got["in_house_line_share"] == pytest.approx(float(cat.popularity[:k].sum()))
    assert got["skus_by_node"] == {
        "a": k,
        "b": round((0.25 + b) * cat.n) - k,
        "c": cat.n - round((0.25 + b) * cat.n),
    }
    assert sum(got["in_house_by_category"].values()) == k
    cats = np.bincount(cat.category[:k], minlength=len(cat.category_names))
    assert got["in_house_by_category"] == {
        n: int(c) for n, c in zip(cat.category_names, cats, strict=True) if c
    }


def test_two_classes_at_home_and_a_strategy_that_is_not_a_hybrid():
    """C served by the own warehouse too: in-house are ranks 1..A and the tail after B."""
    sc = load_scenario(SMALL, ["strategies.hyb.routing.assign.C=a"])
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    b = sc.strategies["hyb"].routing.b_share
    got = in_house_answers(sc, {"hyb": {"40": 0.25}, "own": {"40": 0.1}})
    assert "own" not in got  # not a hybrid: nothing to read back
    h = got["hyb"]["40"]
    a_end, b_end = round(0.25 * cat.n), round((0.25 + b) * cat.n)
    assert h["in_house_sales_ranks"] == [[1, a_end], [b_end + 1, cat.n]]
    assert h["skus_by_node"] == {"a": cat.n - (b_end - a_end), "b": b_end - a_end}
    lines = answer_lines({"answers": {"hybrid_in_house": got}})
    assert any("hyb at 40: keep in-house (a)" in line for line in lines)
