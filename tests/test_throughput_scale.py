"""``serving.throughput_scale``: a self-hosted replica's measured throughput over the
estimate, a value or a range; left at 1, ``compare`` names the spread of published runs
of the path's engine and model family as a range to paste."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import inference_rows, one_replica_scenario
from tunecost.analysis.compare import compare
from tunecost.compute.accuracy import serving_band
from tunecost.compute.estimates import estimate_serving
from tunecost.errors import InputError
from tunecost.scenario import parse_scenario

REQUESTS = 60e6  # a month; the 8B model on one H100 needs a handful of replicas for it
WORKLOAD = {
    "requests": "60M requests/month",
    "input_tokens": 500,
    "output_tokens": 100,
    "peak_to_average": 2,
}


def _scenario(**serving) -> dict:
    return one_replica_scenario("scale", WORKLOAD, spare_replicas=0, **serving)


def _replicas(scale: float) -> int:
    """By hand: ceil(peak / (capacity x scale)), the peak 60M x 100 / (730 x 3600) x 2."""
    est = estimate_serving(
        model="llama-3.1-8b", gpu="h100", gpus=1, input_tokens=500, output_tokens=100
    )
    peak = REQUESTS * 100 / (730 * 3600) * 2
    return math.ceil(peak / (est.slo_output_tokens_per_s * scale))


@pytest.mark.parametrize("scale", [1.0, 0.5, 0.25])
def test_replicas_follow_the_scaled_capacity(scale):
    rows, _ = inference_rows(_scenario(throughput_scale=scale))
    n = _replicas(scale)
    assert f"{n} replica(s) incl. 0 spare" in rows.note.iloc[0]
    hours = np.array([31, 28, 31]) * 24.0  # January to March 2027, 2 USD per GPU-hour
    np.testing.assert_allclose(rows.usd, n * 2.0 * hours)


def _paste() -> dict:
    band = serving_band("vllm", moe=False)
    median, sigma = band.lognormal
    return {"dist": "lognormal", "median": round(median, 2), "sigma": round(sigma, 2)}


def test_the_default_names_the_published_spread_to_paste():
    _, result = inference_rows(_scenario())
    band = serving_band("vllm", moe=False)
    line = next(a for a in result.assumptions if "throughput as estimated" in a)
    assert f"{band.runs} published vLLM runs (dense models) kept aside" in line
    p = _paste()
    paste = f"{{dist: lognormal, median: {p['median']:.2f}, sigma: {p['sigma']:.2f}}}"
    assert f"put throughput_scale: {paste} under the path's serving" in line


def test_the_pasted_range_parses_and_spans_the_band():
    """What the note suggests is accepted as written, and its P10..P90 is the band's."""
    band = serving_band("vllm", moe=False)
    dist = parse_scenario(_scenario(throughput_scale=_paste())).paths[0].serving
    low, high = dist.throughput_scale.span
    assert low == pytest.approx(band.low, abs=0.01) and high == pytest.approx(band.high, abs=0.01)


def test_a_scale_written_beside_serving_is_pointed_under_it():
    data = _scenario()
    data["paths"][0]["throughput_scale"] = 0.8
    with pytest.raises(
        InputError, match=r"it belongs under serving: \(serving: \{throughput_scale"
    ):
        parse_scenario(data)


@pytest.mark.parametrize("given, shown", [(0.8, "0.8"), (1, "1"), ({"low": 0.8, "high": 1.2}, "1")])
def test_a_given_scale_is_said_to_be_given_even_at_one(given, shown):
    """A range is shown at the value the plain comparison takes (its mode, here 1)."""
    _, result = inference_rows(_scenario(throughput_scale=given))
    said = f"scaled by serving.throughput_scale {shown} (given)"
    assert any(said in a for a in result.assumptions), result.assumptions
    assert not any("throughput as estimated" in a for a in result.assumptions)


def _total(scale: float) -> float:
    """The path's whole plan (inference, on-call, engineering...) at one scale."""
    led = compare(parse_scenario(_scenario(throughput_scale=scale))).ledger
    return float(led[led.path == "own"].usd.sum())


def test_a_range_is_drawn_in_monte_carlo_between_its_ends():
    band = serving_band("vllm", moe=False)
    spread = {"low": band.low, "mode": band.median, "high": band.high}
    mc = compare(parse_scenario(_scenario(throughput_scale=spread)), draws=400, seed=1)
    totals = mc.monte_carlo.totals[:, mc.monte_carlo.paths.index("own")]
    fastest = _total(band.high)
    slowest = _total(band.low)
    assert totals.min() < totals.max()  # only the throughput varies
    assert fastest - 1e-6 <= totals.min() and totals.max() <= slowest + 1e-6


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0.1, 5.0), st.floats(0.1, 5.0))
def test_a_faster_replica_never_costs_more(a, b):
    low, high = sorted((a, b))
    slow, _ = inference_rows(_scenario(throughput_scale=low))
    fast, _ = inference_rows(_scenario(throughput_scale=high))
    assert fast.usd.sum() <= slow.usd.sum() + 1e-6


@pytest.mark.parametrize(
    "value, expected",
    [
        (20, "throughput_scale"),
        (0.05, "0.05 is below 0.1, the smallest accepted value"),
        (0, "0 is below 0.1, the smallest accepted value"),
        (-1, "-1 is below 0.1, the smallest accepted value"),
        ("0.8 USD", "does not convert to a plain number"),
        ({"dist": "uniform", "low": 0.001, "high": 0.002}, "below 0.1"),
        ({"dist": "normal", "mean": 1, "sd": 2}, "reaches -5 within 3 standard deviations"),
        ({"dist": "lognormal", "median": 1, "sigma": 3}, "below the smallest accepted value"),
        ({"dist": "lognormal", "median": 5, "sigma": 0.5}, "above the largest accepted"),
        ("fast", "throughput_scale"),
    ],
)
def test_bad_scales_are_refused_naming_the_field(value, expected):
    with pytest.raises(InputError, match=expected):
        parse_scenario(_scenario(throughput_scale=value))
