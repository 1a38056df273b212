"""``compare()`` returns a complete Result: ledger, summaries computed from the ledger,
break-even, and the Monte Carlo run when draws are asked for; nothing is attached by the
caller, and the deterministic comparison never runs through the Monte Carlo code."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from tunecost import compare
from tunecost.analysis import compare as compare_module
from tunecost.analysis import montecarlo
from tunecost.analysis.compare import NO_RANGES, Result
from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.scenario import load_scenario, walk

RANGED = bundled_example().parent / "support-assistant-ranges.yaml"


def test_the_point_comparison_never_touches_monte_carlo(monkeypatch):
    def forbidden(*_a, **_k):
        raise AssertionError("the deterministic comparison ran Monte Carlo code")

    monkeypatch.setattr(montecarlo, "monte_carlo", forbidden)
    monkeypatch.setattr(compare_module, "monte_carlo", forbidden)
    monkeypatch.setattr(walk, "draw", forbidden)
    result = compare(RANGED)
    assert result.monte_carlo is None
    assert result.ranges  # the ranges are listed even without draws
    assert result.breakeven["volume"].notna().any()


def test_draws_give_a_complete_result():
    result = compare(RANGED, draws=300, seed=3)
    assert isinstance(result, Result)
    mc = result.monte_carlo
    assert mc is not None and mc.draws == 300 and mc.seed == 3
    assert mc.totals.shape == (300, len(result.paths))
    assert result.ranges == list(walk.ranges(load_scenario(RANGED)))
    assert NO_RANGES not in result.notes


def test_draws_on_a_scenario_without_ranges_say_so():
    result = compare(bundled_example(), draws=20)
    assert result.notes[-1] == NO_RANGES
    np.testing.assert_allclose(
        result.monte_carlo.totals,
        np.broadcast_to(result.totals["total"].to_numpy(), (20, len(result.paths))),
        rtol=1e-12,
    )


def test_the_python_api_gives_what_the_command_prints():
    result = compare(RANGED, draws=500, seed=1)
    r = CliRunner().invoke(
        cli, ["compare", str(RANGED), "--draws", "500", "--seed", "1", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    printed = json.loads(r.stdout)
    assert printed["paths"] == json.loads(json.dumps(result.summary()))
    assert printed["monte_carlo"]["paths"] == json.loads(json.dumps(result.monte_carlo.summary()))
    assert printed["monte_carlo"]["ranges"] == result.ranges


def test_summaries_are_read_from_the_ledger():
    result = compare(bundled_example())
    ledger = result.ledger
    for row in result.summary():
        mine = ledger[ledger["path"] == row["path"]]
        assert row["total_usd"] == pytest.approx(mine["usd"].sum(), rel=1e-12)
        assert row["first_month_usd"] == pytest.approx(mine[mine["month"] == 1]["usd"].sum())
        per_1k = mine["usd"].sum() / result.requests.sum() * 1000
        assert row["usd_per_1k_requests"] == pytest.approx(per_1k, rel=1e-12)
    # the traffic the ledger was priced for: the API paths' inference quantity
    api = ledger[(ledger["path"] == "prompt-api") & (ledger["category"] == "inference")]
    np.testing.assert_allclose(api["quantity"].to_numpy(), result.requests, rtol=1e-12)
