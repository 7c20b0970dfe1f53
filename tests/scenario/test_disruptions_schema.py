"""The `disruptions:` list: its own checks and its targets checked against the scenario.

Every problem is reported as `file:line:col: key.path: what is wrong` and `fcsim validate`
exits 2; a scenario without disruptions keeps its content hash (baselines, the run store).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.scenario.load import load_scenario

from conftest import ROOT

SMALL = ROOT / "tests" / "scenarios" / "small.yaml"


def validate(tmp_path: Path, body: str, capsys: pytest.CaptureFixture) -> tuple[int, str, Path]:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {SMALL}\nname: s\n{body}")
    status = main(["validate", str(path)])
    return status, capsys.readouterr().err, path


def test_unknown_targets_are_reported_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    body = (
        "disruptions:\n"
        "  - {kind: carrier_strike, target: ups, dates: [2026-01-07]}\n"
        "  - {kind: node_outage, target: nowhere, start: 3, days: 2}\n"
        "  - {kind: supplier_failure, target: acme, start: 2026-01-10, days: 4}\n"
        "  - {kind: node_outage, node_kind: marketplace, rate_per_year: 2}\n"
    )
    status, err, path = validate(tmp_path, body, capsys)
    assert status == 2
    assert (
        f"{path}:4:36: disruptions[0].target: no carrier 'ups'; carriers are: colissimo, intl"
        in err
    )
    assert f"{path}:5:33: disruptions[1].target: no node 'nowhere'" in err
    assert "disruptions[2].target: no inbound supplier 'acme'" in err
    assert "disruptions[3].node_kind: no strategy has a marketplace node" in err


def test_a_disruption_is_scheduled_or_random_and_its_keys_fit_its_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    body = (
        "disruptions:\n"
        "  - {kind: supplier_failure, target: acme, rate_per_year: 2, reroute: true}\n"
        "  - {kind: node_outage, node_kind: self}\n"
        "  - {kind: node_outage, target: own, start: 3}\n"
        "  - {kind: carrier_strike, target: colissimo, start: 3, days: 1, rate_per_year: 1}\n"
    )
    status, err, path = validate(tmp_path, body, capsys)
    assert status == 2
    assert f"{path}:4:" in err and "disruptions[0].reroute: only a carrier_strike reroutes" in err
    assert "disruptions[1]: give `start` and `days`, `dates`, or `rate_per_year`" in err
    assert "disruptions[2].days: `start` and `days` go together" in err
    assert "disruptions[3].rate_per_year: a disruption is scheduled or random, not both" in err


def test_named_suppliers_and_nodes_are_valid_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    body = (
        "strategies:\n"
        "  own: {replenishment: {supplier: acme}}\n"
        "disruptions:\n"
        "  - {kind: supplier_failure, target: acme, start: 2026-01-10, days: 4}\n"
        "  - {kind: node_outage, target: a, dates: [2026-01-12]}\n"
        "  - {kind: node_outage, node_kind: warehouse, rate_per_year: 3, season_months: [1]}\n"
    )
    status, err, _ = validate(tmp_path, body, capsys)
    assert status == 0, err


def test_without_disruptions_the_content_hash_is_unchanged(tmp_path: Path) -> None:
    # the keys of disruptions left at their defaults are not part of the hash: a scenario
    # written before them is the same scenario (its regression baseline still applies)
    base = load_scenario(SMALL)
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {SMALL}\ndisruptions: []\n")
    assert load_scenario(path).content_hash() == base.content_hash()
    path.write_text(
        f"extends: {SMALL}\nstrategies:\n  own: {{replenishment: {{supplier: acme}}}}\n"
    )
    assert load_scenario(path).content_hash() != base.content_hash()
