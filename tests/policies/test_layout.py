"""Layout and pick paths (D5): hand-computed distances, networkx agreement, slotting."""

from __future__ import annotations

from itertools import pairwise, permutations

import networkx as nx
import numpy as np
import pytest

from fcsim.policies.layout import Layout
from fcsim.policies.pickpath import largest_gap, nearest_neighbour, optimal, s_shape
from fcsim.policies.slotting import abc, random

# 4 aisles of 10 m, 3 m apart, 10 locations per aisle at y = 0.5, 1.5, ..., 9.5; depot at aisle 0
L = Layout(aisles=4, length_m=10, spacing_m=3, locations_per_aisle=10)
PICKS = np.array([2, 17, 34, 38])  # aisle 0 y=2.5; aisle 1 y=7.5; aisle 3 y=4.5 and 8.5


def test_geometry() -> None:
    assert L.n_locations == 40
    assert (L.x[17], L.y[17]) == (3.0, 7.5)
    assert L.from_depot[34] == 9 + 4.5


def test_s_shape_by_hand() -> None:
    # aisles 0, 1, 3: an odd count, so 0 and 1 are walked through (2 x 10 m) and aisle 3 is
    # entered from the front to its deepest pick and back (2 x 8.5 m); cross-aisles 2 x 9 m
    assert s_shape(L, PICKS) == pytest.approx(20 + 17 + 18)


def test_largest_gap_by_hand() -> None:
    # aisles 0 and 3 walked through (2 x 10 m); in aisle 1 the pick at 7.5 m leaves gaps of
    # 7.5 (front) and 2.5 (back): skip 7.5, walk 2 x 2.5 m from the back; cross-aisles 2 x 9 m
    assert largest_gap(L, PICKS) == pytest.approx(20 + 5 + 18)


def test_single_aisle_is_a_return_trip() -> None:
    assert s_shape(L, np.array([5])) == pytest.approx(2 * 5.5)
    assert largest_gap(L, np.array([5, 3])) == pytest.approx(2 * 5.5)
    assert s_shape(L, np.array([], dtype=int)) == 0


def _brute_force(picks: np.ndarray) -> float:
    """Shortest tour by trying every order, on networkx shortest-path distances."""
    g = L.graph()
    nodes = ["depot", *(("loc", int(p)) for p in np.unique(picks))]
    d = {a: nx.single_source_dijkstra_path_length(g, a) for a in nodes}
    best = np.inf
    for order in permutations(nodes[1:]):
        path = ["depot", *order, "depot"]
        best = min(best, sum(d[a][b] for a, b in pairwise(path)))
    return best


def test_closed_form_distance_matches_networkx() -> None:
    g = L.graph()
    rng = np.random.default_rng(3)
    for a, b in rng.integers(0, L.n_locations, size=(30, 2)):
        want = nx.shortest_path_length(g, ("loc", int(a)), ("loc", int(b)), weight="weight")
        assert L.distance(L.x[a], L.y[a], L.x[b], L.y[b]) == pytest.approx(want)
    for a in range(L.n_locations):
        want = nx.shortest_path_length(g, "depot", ("loc", a), weight="weight")
        assert L.from_depot[a] == pytest.approx(want)


@pytest.mark.parametrize("seed", range(6))
def test_optimal_is_exact_and_beats_the_heuristics(seed: int) -> None:
    picks = np.random.default_rng(seed).choice(L.n_locations, size=5, replace=False)
    best = optimal(L, picks)
    assert best == pytest.approx(_brute_force(picks))
    assert best <= s_shape(L, picks) + 1e-9
    assert best <= largest_gap(L, picks) + 1e-9
    assert best <= nearest_neighbour(L, picks) + 1e-9


def test_abc_slotting_shortens_tours_on_a_skewed_catalogue() -> None:
    big = Layout(aisles=10, length_m=30, spacing_m=3, locations_per_aisle=60)
    n_skus = 500
    rank = np.arange(n_skus)
    pop = (rank + 1.0) ** -1.0
    pop /= pop.sum()
    rng = np.random.default_rng(11)
    tours = [rng.choice(n_skus, size=rng.integers(1, 4), p=pop) for _ in range(2000)]
    where_abc = abc(big, rank, np.random.default_rng(0))
    where_rnd = random(big, rank, np.random.default_rng(0))
    assert len(set(where_abc.tolist())) == n_skus  # one SKU per location
    mean_abc = np.mean([s_shape(big, where_abc[t]) for t in tours])
    mean_rnd = np.mean([s_shape(big, where_rnd[t]) for t in tours])
    assert mean_abc < 0.8 * mean_rnd


def test_waves_hold_parcels_until_release(tmp_path, small_path) -> None:
    import yaml

    from fcsim.model.catalogue import build_catalogue
    from fcsim.model.demand import generate
    from fcsim.model.network import run_strategy
    from fcsim.model.streams import Streams
    from fcsim.scenario.load import load_scenario

    raw = yaml.safe_load(small_path.read_text())
    own = raw["strategies"]["own"]
    own["picking"] = {
        "release_times": ["09:00", "13:00"],
        "layout": {"aisles": 8, "aisle_length_m": 20, "locations_per_aisle": 30},
    }
    raw["strategies"] = {"own": own}
    f = tmp_path / "waves.yaml"
    f.write_text(yaml.safe_dump(raw))
    sc = load_scenario(f)
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    p = run_strategy(sc, "own", orders, cat, streams).parcels
    ok = ~np.isnan(p.pick_start_min)
    # wave instants: 09:00 and 13:00 of every weekday (the default shift is Mon-Fri 08:00-16:00)
    days = np.arange(sc.horizon_days + sc.drain_days)
    weekday = (days + sc.start_date.weekday()) % 7
    work = days[weekday < 5]
    waves = np.sort(np.concatenate([work * 1440 + 9 * 60, work * 1440 + 13 * 60]))
    next_wave = waves[np.searchsorted(waves, p.stock_ok_min[ok], side="left")]
    assert (p.pick_start_min[ok] >= next_wave).all()
    # and every wave of the horizon releases work: some tour starts right at it
    in_horizon = waves[(waves > 1440) & (waves < sc.horizon_days * 1440)]
    assert np.isin(in_horizon, p.pick_start_min[ok]).mean() > 0.9
