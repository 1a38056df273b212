"""Ranges and Monte Carlo: collapsed ranges reproduce the deterministic ledger, draws match
a plain per-draw loop, the same seed gives the same answer, and bad ranges are refused."""

import time

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tunecost import compare
from tunecost.analysis.breakeven import breakeven_month, breakeven_months
from tunecost.analysis.montecarlo import monte_carlo
from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.scenario import parse_scenario
from tunecost.scenario.walk import map_ranges, point, ranges

BASE = yaml.safe_load(bundled_example().read_text())


def with_ranges(**changes):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("/")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value
    return parse_scenario(data)


def test_collapsed_ranges_equal_the_deterministic_ledger():
    s = with_ranges(
        **{
            "workload/requests": {"low": "300k requests/month", "high": "300k requests/month"},
            "workload/input_tokens": {"dist": "uniform", "low": 1800, "high": 1800},
            "market/api_price_change": {"low": "-20 %/year", "high": "-20 %/year"},
            "paths/3/training/mfu": {"dist": "normal", "mean": 0.4, "sd": 0},
        }
    )
    assert len(ranges(s)) == 4
    det = compare(s).totals["total"].to_numpy()
    mc = monte_carlo(s, draws=50, seed=7)
    np.testing.assert_allclose(mc.totals, np.broadcast_to(det, mc.totals.shape), rtol=1e-12)


SMALL = {
    "workload/requests": {"low": "100k requests/month", "high": "2M requests/month"},
    "workload/growth": {"dist": "uniform", "low": "0 %/month", "high": "6 %/month"},
    "market/api_price_change": {"dist": "normal", "mean": "-20 %/year", "sd": "10 %/year"},
    "team/engineer_rate": {"dist": "lognormal", "median": "90 USD/hour", "sigma": 0.3},
    "paths/1/engineering/build": {"low": "60 engineer_hour", "high": "200 engineer_hour"},
}


def test_draws_match_a_plain_loop_over_draws():
    s = with_ranges(**SMALL)
    n, seed = 30, 11
    mc = monte_carlo(s, draws=n, seed=seed)
    # the same draws, field by field in the same order, one scenario at a time
    rng = np.random.default_rng(seed)
    values = {name: dist.sample(rng, n) for name, dist in ranges(s).items()}
    loop = np.array(
        [
            compare(map_ranges(s, lambda _d, name, i=i: float(values[name][i])))
            .totals["total"]
            .to_numpy()
            for i in range(n)
        ]
    )
    np.testing.assert_allclose(mc.totals, loop, rtol=1e-9)
    summary = mc.summary()
    for j, row in enumerate(summary):
        assert row["total_p10_usd"] == pytest.approx(np.percentile(loop[:, j], 10))
        assert row["total_p90_usd"] == pytest.approx(np.percentile(loop[:, j], 90))
        assert row["p_cheapest"] == pytest.approx(np.mean(np.argmin(loop, axis=1) == j))


def test_same_seed_same_answer_and_another_seed_differs():
    s = with_ranges(**SMALL)
    a = monte_carlo(s, draws=200, seed=3)
    b = monte_carlo(s, draws=200, seed=3)
    c = monte_carlo(s, draws=200, seed=4)
    assert np.array_equal(a.totals, b.totals)
    assert not np.array_equal(a.totals, c.totals)


def test_point_values():
    s = with_ranges(**SMALL)
    p = point(s)
    assert p.workload.requests == pytest.approx(1.05e6)  # triangular, default mode = middle
    assert p.workload.growth == (pytest.approx(0.03), 1.0)
    assert p.team.engineer_rate == pytest.approx(90.0)


@given(st.lists(st.lists(st.floats(0, 100), min_size=6, max_size=6), min_size=2, max_size=2))
def test_vectorised_breakeven_matches_the_scalar_one(pair):
    a, b = np.array(pair[0]), np.array(pair[1])
    scalar = breakeven_month(a, b) or 0
    assert breakeven_months(a[None, :], b[None, :])[0] == scalar


def test_ten_thousand_draws_of_four_paths_over_sixty_months_is_fast():
    s = with_ranges(**SMALL, **{"paths/0/cached_input_share": {"low": 0.2, "high": 0.8}})
    s = s.model_copy(update={"months": 60})
    monte_carlo(s, draws=100, seed=0)  # warm the caches
    t0 = time.perf_counter()
    mc = monte_carlo(s, draws=10_000, seed=0)
    elapsed = time.perf_counter() - t0
    assert mc.totals.shape == (10_000, 4)
    assert np.isfinite(mc.totals).all() and (mc.totals >= 0).all()
    assert elapsed < 2.0  # ~0.3 s on the 2-core development machine; slack for CI


def _cli(tmp_path, *extra, **changes):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("/")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return CliRunner().invoke(cli, ["compare", str(path), *extra])


def test_compare_draws_table_json_and_chart(tmp_path):
    r = _cli(tmp_path, "--draws", "500", **SMALL)
    assert r.exit_code == 0, r.output
    assert "Uncertainty: 500 draws (seed 0)" in r.output and "workload.requests" in r.output
    j = _cli(tmp_path, "--draws", "500", "--format", "json", **SMALL)
    import json

    mc = json.loads(j.stdout)["monte_carlo"]
    assert mc["draws"] == 500 and len(mc["paths"]) == 4
    assert {"total_p10_usd", "total_p50_usd", "total_p90_usd", "p_cheapest"} <= set(mc["paths"][0])
    assert sum(p["p_cheapest"] for p in mc["paths"]) == pytest.approx(1.0)
    chart = tmp_path / "c.png"
    assert _cli(tmp_path, "--draws", "200", "--chart", str(chart), **SMALL).exit_code == 0
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_bands_are_drawn():
    s = with_ranges(**SMALL)
    result = compare(s)
    result.monte_carlo = monte_carlo(s, draws=200, seed=1)
    fig = result.plot()
    gids = {c.get_gid() for c in fig.axes[0].collections}
    assert {f"band-{p}" for p in result.paths} <= gids


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        (
            {"workload/requests": {"low": "2M requests/month", "high": "1M requests/month"}},
            "is above high",
        ),
        (
            {
                "workload/requests": {
                    "dist": "weibull",
                    "low": "1 requests/month",
                    "high": "2 requests/month",
                }
            },
            "unknown distribution 'weibull'",
        ),
        (
            {"workload/input_tokens": {"dist": "normal", "mean": 1800, "sd": -5}},
            "sd must not be negative",
        ),
        (
            {"workload/requests": {"low": "1k tokens/month", "high": "2k requests/month"}},
            "does not convert",
        ),
        (
            {"paths/2/serving/tpot_slo": {"low": "30 ms", "high": "60 ms"}},
            "range is not supported here",
        ),
        ({"workload/requests": {"low": "1k requests/month"}}, "needs low, high"),
        # a divisor's normal range may not reach zero: its draws would divide by it
        (
            {"paths/3/training/mfu": {"dist": "normal", "mean": 0.4, "sd": 0.2}},
            "reaches -0.2 within 3 standard deviations, below zero",
        ),
        ({"workload/growth": {"low": "1 %/month", "high": "10 %/year"}}, "same period"),
    ],
)
def test_bad_ranges_exit_2_with_one_line(tmp_path, changes, fragment):
    r = _cli(tmp_path, **changes)
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and fragment in lines[0], r.output


def test_fields_that_may_be_zero_still_clip_normal_draws():
    """A share or a count may be zero, so a wide normal range is drawn and clipped."""
    s = with_ranges(
        **{
            "workload/requests": {
                "dist": "normal",
                "mean": "300k requests/month",
                "sd": "200k requests/month",
            }
        }
    )
    mc = monte_carlo(s, draws=200, seed=3)
    assert np.isfinite(mc.totals).all()


def test_zero_draws_is_refused(tmp_path):
    r = _cli(tmp_path, "--draws", "0")
    assert r.exit_code == 2 and "--draws" in r.output
