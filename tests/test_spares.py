"""Spare serving replicas (issue 13, point 2): ``serving.spare_replicas`` (default 1 while
there is traffic, 0 allowed) billed like the other replicas, and said as an assumption."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import inference_rows, one_replica_scenario
from tunecost.cli import cli
from tunecost.costing.instances import Shape, cheapest
from tunecost.errors import InputError
from tunecost.scenario import parse_scenario
from tunecost.scenario.defaults import SPARE_REPLICAS

HOURS = np.array([31, 28, 31]) * 24.0  # January to March 2027


def _scenario(requests: str = "1000 requests/month", **serving) -> dict:
    workload = {"requests": requests, "input_tokens": 500, "output_tokens": 100}
    return one_replica_scenario("spares", workload, **serving)


def test_the_default_is_one_spare_billed_all_month():
    assert SPARE_REPLICAS == 1
    # 1,000 requests a month need one replica; with the spare, 2 replicas x 1 GPU x 2 USD
    # for every hour of January (744 h), February (672 h), March (744 h): 2,976, 2,688, 2,976
    rows, result = inference_rows(_scenario())
    np.testing.assert_allclose(rows.usd, 2 * 2.0 * HOURS)
    np.testing.assert_allclose(rows.quantity, 2 * HOURS)
    line = next(a for a in result.assumptions if "spare replica" in a)
    assert "1 spare replica(s) beyond the peak's" in line and "serving.spare_replicas" in line


def test_no_spare_when_asked_and_none_without_traffic():
    rows, _ = inference_rows(_scenario(spare_replicas=0))
    np.testing.assert_allclose(rows.usd, 1 * 2.0 * HOURS)  # one replica, no spare
    # with no traffic the replica kept up (min_replicas 1) carries no spare
    rows, _ = inference_rows(_scenario("0 requests/month", spare_replicas=3))
    np.testing.assert_allclose(rows.usd, 1 * 2.0 * HOURS)


def test_three_spares_are_three_more_replicas():
    rows, result = inference_rows(_scenario(spare_replicas=3))
    np.testing.assert_allclose(rows.usd, 4 * 2.0 * HOURS)  # 1 for the peak + 3 spares
    assert "4 replica(s) incl. 3 spare" in rows.note.iloc[0]
    assert any("3 spare replica(s)" in a for a in result.assumptions)


def test_negative_spares_are_refused():
    with pytest.raises(InputError, match="spare_replicas"):
        parse_scenario(_scenario(spare_replicas=-1))


def test_serve_spare_replicas_option():
    args = ["serve", "--model", "llama-3.1-8b", "--gpu", "h100", "--input-tokens", "1000"]
    args += ["--output-tokens", "200", "--traffic", "300k requests/month"]
    args += ["--usd-per-gpu-hour", "2", "--format", "json"]
    costs = {}
    for spares in (0, 2):
        r = CliRunner().invoke(cli, [*args, "--spare-replicas", str(spares)])
        assert r.exit_code == 0, r.output
        d = json.loads(r.stdout)
        assert d["spare_replicas"] == spares
        costs[spares] = d["monthly_cost_usd"]
        # (replicas + spares) x GPUs x 730 h x 2 USD at the given price per GPU
        paid = d["replicas"] + spares
        assert costs[spares] == pytest.approx(paid * d["gpus_per_replica"] * 730 * 2.0)
    bad = CliRunner().invoke(cli, [*args, "--spare-replicas", "-1"])
    assert bad.exit_code == 2


# ---- more spares never cost less ----------------------------------------------------------

shape_st = st.builds(
    Shape,
    name=st.text(min_size=1, max_size=3),
    gpus=st.sampled_from([1, 2, 4, 8]),
    usd_per_gpu_hour=st.floats(0.1, 20.0),
)


@given(
    shapes=st.lists(shape_st, min_size=1, max_size=4),
    gpus=st.sampled_from([1, 2, 4, 8]),
    replicas=st.integers(0, 40),
    more=st.integers(1, 5),
)
def test_more_replicas_never_cost_less_on_any_instances(shapes, gpus, replicas, more):
    shapes = [s for s in shapes if s.gpus >= gpus] or [Shape("x", gpus, 1.0)]
    fewer = cheapest(replicas, gpus, shapes, 730.0)
    extra = cheapest(replicas + more, gpus, shapes, 730.0)
    assert float(extra.usd) >= float(fewer.usd) - 1e-9


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=st.sampled_from([0, 1_000, 300_000, 3_000_000, 30_000_000]),
    spares=st.integers(0, 3),
    more=st.integers(1, 3),
    book_price=st.booleans(),
)
def test_more_spares_never_cost_less(requests, spares, more, book_price):
    def total(n: int) -> float:
        data = _scenario(f"{requests} requests/month", spare_replicas=n)
        if book_price:  # the book's instances, chosen month by month
            del data["paths"][0]["serving"]["usd_per_gpu_hour"]
        rows, _ = inference_rows(data)
        return float(rows.usd.sum())

    assert total(spares + more) >= total(spares) - 1e-6
