"""Traffic over the week and autoscaling (issue 13, point 3): ``workload.profile`` and
``serving.autoscale``, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import inference_rows, one_replica_scenario
from tunecost.compute.autoscale import replica_hours
from tunecost.errors import InputError
from tunecost.scenario import load_scenario, parse_scenario
from tunecost.scenario.profile import named_profile, profile_peak, read_profile_csv

HOURS = np.array([31, 28, 31]) * 24.0  # January to March 2027


def _scenario(requests="1000 requests/month", profile=None, **serving) -> dict:
    workload = {"requests": requests, "input_tokens": 500, "output_tokens": 100}
    if profile is not None:
        workload["profile"] = profile
    return one_replica_scenario("profiles", workload, **serving)


def test_hugging_face_endpoint_bill_547_50():
    # Hugging Face's example: 1 replica all month, 3 replicas for 15 minutes of every hour,
    # 0.50 USD/h, a 730-hour month: 0.5 x (730 x 1 + 182.5 x 2) = 547.50 USD.
    # One hour as four 15-minute slots needing 3, 1, 1, 1 replicas of 1 token/s each.
    need = np.array([3.0, 1.0, 1.0, 1.0])
    w, rate = need / need.mean(), need.mean()
    per_minute = replica_hours(rate, w, 1.0, slot_hours=0.25, step_hours=1 / 60)
    assert per_minute == pytest.approx(1.5)  # replica-hours in one clock hour
    assert 0.5 * per_minute * 730 == pytest.approx(547.50)
    # billed per whole hour the two extra replicas run the whole hour: 3 x 730 x 0.5
    per_hour = replica_hours(rate, w, 1.0, slot_hours=0.25, step_hours=1.0)
    assert 0.5 * per_hour * 730 == pytest.approx(1095.0)


def test_replica_hours_by_hand():
    # four hourly slots needing 0, 1, 3, 2 replicas (capacity 10 tokens/s, demand 0, 5,
    # 25, 20); min 0 (scale to zero), 1 spare while there is traffic, 30 min start-up
    # billed per minute: running 0 + 2 + 4 + 3 = 9 replica-hours; replicas added: 2 (0->2)
    # and 2 (2->4), 0.5 h each = 2 h; the cycle's 3 -> 0 adds none. Total 11.
    demand = np.array([0.0, 5.0, 25.0, 20.0])
    w, rate = demand / demand.mean(), demand.mean()
    kw = dict(min_replicas=0, spare=1, step_hours=1 / 60)
    assert replica_hours(rate, w, 10.0, delay_hours=0.5, **kw) == pytest.approx(11.0)
    # billed per hour, each start-up is a whole hour: 9 + 4 x 1 = 13
    assert replica_hours(rate, w, 10.0, delay_hours=0.5, **{**kw, "step_hours": 1.0}) == 13
    # at most 2 replicas (plus the spare), no start-up: 0 + 2 + 3 + 3 = 8
    assert replica_hours(rate, w, 10.0, max_replicas=2, **kw) == pytest.approx(8.0)


def test_named_profiles_have_mean_one_and_their_peaks():
    for name in ("flat", "business-hours", "diurnal"):
        assert named_profile(name).shape == (168,)
        assert named_profile(name).mean() == pytest.approx(1.0)
    assert profile_peak("flat") == 1.0
    assert profile_peak("business-hours") == pytest.approx(0.8 * 168 / 45)


def test_profile_sets_peak_to_average_and_says_so():
    _, result = inference_rows(_scenario("300000000 requests/month", "business-hours"))
    line = next(a for a in result.assumptions if "from profile business-hours" in a)
    assert "peak_to_average 2.99" in line and "definition" in line


def test_autoscaled_business_hours_bill_by_hand():
    # 1,000 requests a month: one replica covers every hour; with min_replicas 0 and no
    # spare the fleet runs 1 replica in every hour with traffic (all 168, business-hours
    # has traffic outside office hours too): 1 x 2 USD x the month's hours
    rows, _ = inference_rows(
        _scenario(profile="business-hours", autoscale=True, min_replicas=0, spare_replicas=0)
    )
    np.testing.assert_allclose(rows.usd, 2.0 * HOURS)
    # a profile with traffic only on Monday 09:00-10:00: 1 replica-hour a week, + 1 spare
    counts = [0.0] * 168
    counts[9] = 5.0
    rows, _ = inference_rows(_scenario(profile=counts, autoscale=True, min_replicas=0))
    np.testing.assert_allclose(rows.usd, 2 * 2.0 * HOURS / 168)


def test_profile_csv(tmp_path):
    (tmp_path / "hours.csv").write_text("requests\n" + "\n".join(["10"] * 167 + ["30"]) + "\n")
    assert read_profile_csv(tmp_path / "hours.csv")[-1] == 30.0
    rows = ["weekday,hour,requests"] + [f"{d},{h},{h}" for d in range(7) for h in range(24)]
    (tmp_path / "cells.csv").write_text("\n".join(rows))
    assert read_profile_csv(tmp_path / "cells.csv")[23] == 23.0
    import yaml

    data = _scenario(profile="hours.csv")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    scenario = load_scenario(tmp_path / "s.yaml")
    assert len(scenario.workload.profile) == 168


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("\n".join(["10"] * 167 + ["-1"]), "not negative"),
        ("\n".join(["10"] * 100), "168 hourly values"),
        ("weekday,hour,n\nmonday,0,3\n", "covers 1 of the week's 168 hours"),
        ("hour,count\n" + "\n".join(f"{h},1" for h in range(100)), "covers 100 of"),
        ("hour,count\n168,1\n", "no hour of the week '168'"),
        ("when,n\nyesterday,1\n", "neither an hour of the week"),
    ],
)
def test_bad_profile_csv_is_one_line(tmp_path, text, match):
    import yaml

    (tmp_path / "p.csv").write_text(text)
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(_scenario(profile="p.csv")))
    with pytest.raises(InputError, match=match) as err:
        load_scenario(tmp_path / "s.yaml")
    assert "\n" not in str(err.value) and "workload.profile" in str(err.value)


@pytest.mark.parametrize(
    ("profile", "serving", "match"),
    [
        ("weekly", {}, "unknown profile 'weekly'"),
        ("flat", {"autoscale": True, "min_replicas": 3, "max_replicas": 2}, "max_replicas 2"),
    ],
)
def test_bad_scenario_is_one_line(profile, serving, match):
    with pytest.raises(InputError, match=match) as err:
        parse_scenario(_scenario(profile=profile, **serving))
    assert "\n" not in str(err.value)


def test_max_replicas_below_the_peak_is_refused():
    data = _scenario("300000000 requests/month", "business-hours", autoscale=True, max_replicas=1)
    with pytest.raises(
        InputError, match=r"serving.max_replicas: 1 is below the \d+ the busiest hour needs"
    ):
        inference_rows(data)
    with pytest.raises(InputError, match=r"autoscale needs workload\.profile"):
        inference_rows(_scenario(autoscale=True))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=st.sampled_from([0, 1_000, 3_000_000, 300_000_000]),
    min_replicas=st.integers(0, 2),
    spares=st.integers(0, 2),
    granularity=st.sampled_from(["minute", "hour"]),
    delay=st.sampled_from([0.0, 5.0, 90.0]),
)
def test_flat_profile_with_autoscaling_never_costs_more(
    requests, min_replicas, spares, granularity, delay
):
    def total(**extra) -> float:
        data = _scenario(
            f"{requests} requests/month",
            "flat",
            min_replicas=min_replicas,
            spare_replicas=spares,
            **extra,
        )
        rows, _ = inference_rows(data)
        return float(rows.usd.sum())

    scaled = total(autoscale=True, scale_granularity=granularity, scale_up_delay=delay)
    assert scaled <= total() + 1e-6


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=st.sampled_from([1_000, 300_000_000, 3_000_000_000]),
    spares=st.integers(0, 2),
    gpu=st.sampled_from(["h100", "l40s", "a100-80gb"]),
)
def test_flat_autoscaling_never_costs_more_on_the_books_instances(requests, spares, gpu):
    # the book's offers: several replicas may share a multi-GPU instance that is cheaper
    # per GPU; an autoscaled fleet is placed the same way in every step
    def total(**extra) -> float:
        data = _scenario(f"{requests} requests/month", "flat", spare_replicas=spares, **extra)
        serving = data["paths"][0]["serving"]
        del serving["usd_per_gpu_hour"]
        serving["gpu"] = gpu
        rows, _ = inference_rows(data)
        return float(rows.usd.sum())

    assert total(autoscale=True) <= total() * (1 + 1e-9)


def test_scale_down_delay_bills_the_idle_window_by_hand():
    # Busy 00:00-12:00 every day, idle after; 1 replica of 1 x H100 at 2 USD/h when busy,
    # scale to zero (min_replicas 0), no spare, billed per minute. A 60-minute scale-down
    # window bills one more replica-hour a day: (7 x 12 + 7 x 1) replica-hours a week,
    # x 744 / 168 for January 2027 = 403 replica-hours = 806.00 USD; without it 744.00.
    day = [1.0] * 12 + [0.0] * 12
    common = {
        "autoscale": True,
        "min_replicas": 0,
        "spare_replicas": 0,
        "scale_granularity": "minute",
    }
    rows, _ = inference_rows(_scenario("1000 requests/month", day, scale_down_delay=60, **common))
    assert rows.usd.iloc[0] == pytest.approx(806.0)
    rows, _ = inference_rows(_scenario("1000 requests/month", day, **common))
    assert rows.usd.iloc[0] == pytest.approx(744.0)


@pytest.mark.parametrize(
    ("name", "peak", "weekday", "weekend"),
    [
        # figures of the Azure LLM inference trace 2024 week (tools/azure_profiles.py):
        # peak over mean, mean weight Monday-Friday and Saturday-Sunday
        ("azure-code-2024", 3.01, 1.24, 0.40),
        ("azure-conversation-2024", 1.66, 1.14, 0.65),
    ],
)
def test_measured_weeks(name, peak, weekday, weekend):
    w = named_profile(name)
    assert w.shape == (168,) and w.mean() == pytest.approx(1.0, abs=1e-3)
    assert w.max() == pytest.approx(peak, abs=0.01)
    assert w[: 5 * 24].mean() == pytest.approx(weekday, abs=0.01)
    assert w[5 * 24 :].mean() == pytest.approx(weekend, abs=0.01)
    # the definitions are checked against them: business-hours 2.99, diurnal 1.64
    own = {"azure-code-2024": "business-hours", "azure-conversation-2024": "diurnal"}[name]
    assert profile_peak(own) == pytest.approx(peak, rel=0.02)


def test_a_cap_that_holds_the_plan_does_not_block_the_break_even_volume_sweep():
    # max_replicas 1 carries 1,000 requests a month; the break-even volume sweep (up to
    # 1e11 requests a month) prices the fleet without the cap instead of refusing it
    rows, result = inference_rows(_scenario(profile="diurnal", autoscale=True, max_replicas=2))
    assert rows.usd.sum() > 0
    assert "own" in result.breakeven.index


def test_profile_csv_by_hour_of_the_week(tmp_path):
    # the format tunecost's measured weeks ship in: hour_of_week,weight
    f = tmp_path / "week.csv"
    f.write_text("hour_of_week,requests\n" + "\n".join(f"{h},{h % 24 + 1}" for h in range(168)))
    counts = read_profile_csv(f)
    assert counts[0] == 1 and counts[23] == 24 and counts[167] == 24
