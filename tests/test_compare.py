"""compare(): a scenario small enough to check on paper, every category to the cent, and
the invariants any cost plan must keep."""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunecost.analysis.breakeven import breakeven_month, crossing, steady_state
from tunecost.analysis.compare import compare
from tunecost.scenario import parse_scenario

HAND = {
    "name": "hand-worked",
    "start": "2027-01",
    "months": 3,
    "team": {"engineer_rate": "100 USD/hour"},
    "workload": {
        "requests": "1000 requests/month",
        "growth": "10 %/month",
        "input_tokens": 1000,
        "output_tokens": 100,
        "peak_to_average": 3,
    },
    "market": {"new_base_model_every": "2 months"},  # one new base model, in month 3
    "paths": [
        {
            "name": "prompt",
            "kind": "prompt-api",
            "provider": "openai",
            "model": "gpt-4.1-mini",
            "cached_input_share": 0.5,
            "engineering": {"build": 10, "upkeep": "2 engineer_hour/month", "per_release": 3},
            "evaluation": {"per_release": "50 USD", "hours": 1},
            "monitoring": "20 USD/month",
        },
        {
            "name": "tuned",
            "kind": "finetune-api",
            "provider": "together",
            "model": "llama-3.1-8b-instruct-turbo",
            "base_model": "llama-3.1-8b",
            "method": "lora",
            "hosting": "serverless",  # Together's serverless LoRA: token prices, no fee
            "input_tokens": 200,
            "data": {
                "examples": 100,
                "tokens_per_example": 500,
                "epochs": 2,
                "labelling": "1 USD/example",
                "refresh_share": 0.5,
            },
            "runs": 2,
            "engineering": {"build": 20, "upkeep": "4 engineer_hour/month", "per_release": 6},
            "evaluation": {"per_release": "50 USD", "hours": 2},
        },
        {
            "name": "selfhost",
            "kind": "prompt-selfhost",
            "model": "llama-3.1-8b",
            "follow_new_models": False,
            "serving": {"gpu": "h100", "gpus": 1, "usd_per_gpu_hour": "2 USD/hour"},
            "ops": {"oncall": "0.1 FTE"},
            "engineering": {"build": 0, "upkeep": "0 engineer_hour/month", "per_release": 0},
            "evaluation": {"hours": 0},
        },
        {
            "name": "tuned-selfhost",
            "kind": "finetune-selfhost",
            "base_model": "llama-3.1-8b",
            "method": "lora",
            "input_tokens": 200,
            "retrain": "never",
            "data": {"examples": 100, "tokens_per_example": 500, "epochs": 2},
            "training": {"gpu": "h100", "usd_per_gpu_hour": "2 USD/hour"},
            "serving": {"gpu": "h100", "gpus": 1, "usd_per_gpu_hour": "2 USD/hour"},
            "engineering": {"build": 0, "upkeep": "0 engineer_hour/month", "per_release": 0},
            "evaluation": {"hours": 0},
        },
    ],
}


@pytest.fixture(scope="module")
def hand():
    return compare(parse_scenario(HAND))


def cell(result, path, category):
    led = result.ledger
    rows = led[(led.path == path) & (led.category == category)].sort_values("month")
    return rows.usd.to_numpy()


def test_prompt_api_to_the_cent(hand):
    # gpt-4.1-mini: input 0.40, cached input 0.10, output 1.60 USD per 1M tokens.
    # per request: 1000 x (0.5 x 0.40 + 0.5 x 0.10)e-6 + 100 x 1.60e-6 = 0.00041 USD
    # traffic 1000, 1100, 1210 requests -> 0.41, 0.451, 0.4961 USD
    assert cell(hand, "prompt", "inference") == pytest.approx([0.41, 0.451, 0.4961], abs=5e-3)
    # hours: build 10, upkeep 2, upkeep 2 + release 3 = 5 -> x 100 USD
    assert cell(hand, "prompt", "engineering") == pytest.approx([1000, 200, 500], abs=5e-3)
    # evaluations in month 1 and at the new base model (month 3): 50 + 1 h x 100
    assert cell(hand, "prompt", "evaluation") == pytest.approx([150, 0, 150], abs=5e-3)
    assert cell(hand, "prompt", "monitoring") == pytest.approx([20, 20, 20], abs=5e-3)


def test_finetune_api_to_the_cent(hand):
    # Together LoRA, up to 16B: 0.48 USD per 1M training tokens; 100 x 500 x 2 = 100k tokens
    # = 0.048 USD per run; 2 runs in month 1, 1 retrain in month 3.
    assert cell(hand, "tuned", "training") == pytest.approx([0.096, 0, 0.048], abs=5e-3)
    # 100 examples x 1 USD, then half relabelled at the retrain
    assert cell(hand, "tuned", "data") == pytest.approx([100, 0, 50], abs=5e-3)
    # served at the base model's 0.18/0.18: (200 + 100) x 0.18e-6 = 5.4e-5 USD per request
    assert cell(hand, "tuned", "inference") == pytest.approx([0.054, 0.0594, 0.06534], abs=5e-3)
    assert cell(hand, "tuned", "engineering") == pytest.approx([2000, 400, 1000], abs=5e-3)
    assert cell(hand, "tuned", "evaluation") == pytest.approx([250, 0, 250], abs=5e-3)


def test_selfhost_to_the_cent(hand):
    # one replica of one H100 plus the default spare (serving.spare_replicas: 1) at 2 USD/h
    # for every hour of the calendar month (January, February, March 2027: 744, 672, 744 h):
    # 2 x 2 x 744 = 2976, 2 x 2 x 672 = 2688 (was 1488, 1344 before spares were billed);
    # on-call 0.1 FTE x 2080/12 h x 100 USD
    assert cell(hand, "selfhost", "inference") == pytest.approx([2976, 2688, 2976], abs=5e-3)
    assert cell(hand, "selfhost", "engineering") == pytest.approx([1733.33] * 3, abs=5e-3)


def test_finetune_selfhost_training_to_the_cent(hand):
    # LoRA: 4 x 8.03e9 x 1e5 tokens = 3.212e15 FLOP / (989e12 x 0.40 x 3600) = 0.0022554 GPU-h
    # x 2 USD = 0.0045 USD in month 1; retrain never
    assert cell(hand, "tuned-selfhost", "training") == pytest.approx([0.00451, 0, 0], abs=5e-3)
    # one replica plus the default spare, as for selfhost: 2 x 2 USD x 744, 672, 744 h
    assert cell(hand, "tuned-selfhost", "inference") == pytest.approx([2976, 2688, 2976], abs=5e-3)


def test_totals_are_sums_of_rows(hand):
    for path in hand.paths:
        assert hand.totals.loc[path, "total"] == pytest.approx(
            hand.ledger[hand.ledger.path == path].usd.sum()
        )
    assert hand.totals.loc["prompt", "total"] == pytest.approx(
        1170.41 + 220.451 + 670.4961, abs=0.01
    )


def test_ledger_shape_and_dates(hand):
    led = hand.ledger
    assert list(led.columns) == [
        "month",
        "date",
        "path",
        "category",
        "usd",
        "quantity",
        "unit",
        "unit_price_usd",
        "note",
    ]
    assert sorted(set(led.month)) == [1, 2, 3]
    assert str(led.date.iloc[0]) == "2027-01-01"
    # one row per month, path and category
    assert not led.duplicated(["month", "path", "category"]).any()
    assert (led.usd >= 0).all() and np.isfinite(led.usd).all()


def test_no_breakeven_and_the_baseline(hand):
    be = hand.breakeven
    assert be.loc["prompt", "month"] is None  # the baseline itself
    assert be.loc["tuned", "month"] is None


def test_summary_per_1k_requests(hand):
    rows = {r["path"]: r for r in hand.summary()}
    total_requests = 1000 + 1100 + 1210
    assert rows["prompt"]["usd_per_1k_requests"] == pytest.approx(
        hand.totals.loc["prompt", "total"] / total_requests * 1000
    )
    assert rows["prompt"]["first_month_usd"] == pytest.approx(1170.41, abs=0.01)


# ---- break-even functions -----------------------------------------------------------------
def test_breakeven_month_worked_example():
    # cumulative path 10, 11, 12, 13 vs baseline 1, 6, 11, 16: below from month 4
    assert breakeven_month([10, 1, 1, 1], [1, 5, 5, 5]) == 4
    # below in month 2 but above again at the end: no break-even
    assert breakeven_month([1, 0, 10], [1, 5, 0]) is None
    assert breakeven_month([0, 0], [1, 1]) == 1


def test_crossing_interpolates_in_log_volume():
    v = np.array([1e3, 1e4, 1e5])
    # path: fixed 100 + 0; baseline: 0.01 per request -> equal at 1e4
    assert crossing(v, [100, 100, 100], v * 0.01)[0] == pytest.approx(1e4)
    assert crossing(v, [100, 100, 100], v * 0.01)[1] == "above"
    assert crossing(v, [1, 2, 3], [10, 20, 30]) is None


def test_steady_state_excludes_month_one():
    assert steady_state([100, 1, 3]) == 2
    assert steady_state([5]) == 5


@given(st.lists(st.floats(0, 1e9), min_size=1, max_size=40))
def test_never_breaks_even_with_itself(costs):
    assert breakeven_month(costs, costs) is None


# ---- invariants on the full model ---------------------------------------------------------
def _with(requests=None, **market):
    data = {**HAND, "months": 12}
    if requests is not None:
        data = {**data, "workload": {**HAND["workload"], "requests": f"{requests} requests/month"}}
    return parse_scenario(data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0, 5e7), st.floats(0, 5e7))
def test_more_traffic_never_costs_less(a, b):
    lo, hi = sorted((a, b))
    t_lo = compare(_with(lo)).totals["total"]
    t_hi = compare(_with(hi)).totals["total"]
    assert (t_hi >= t_lo - 1e-6).all()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0.1, 1.0))
def test_cheaper_prices_never_cost_more(factor):
    from tunecost.pricebook import PriceBook, open_book

    book = open_book()
    cheaper = PriceBook(
        prices=[dataclasses.replace(p, usd=p.usd * factor) for p in book.prices],
        offers=[
            dataclasses.replace(o, on_demand=o.on_demand and o.on_demand * factor)
            for o in book.offers
        ],
        providers=book.providers,
        directory=book.directory,
    )
    scenario = _with(2_000_000)
    base = compare(scenario, book=book).totals["total"]
    low = compare(scenario, book=cheaper).totals["total"]
    assert (low <= base + 1e-6).all()


@pytest.mark.parametrize(
    ("section", "key", "value", "fragment"),
    [
        ("workload", "requests", "1e12 requests/month", "above the largest"),
        ("workload", "input_tokens", "1e9", "above the largest"),
        ("workload", "growth", "500 %/month", "more than doubling every month"),
        ("team", "engineer_rate", "1e6 USD/hour", "above the largest"),
    ],
)
def test_absurd_values_are_refused(section, key, value, fragment):
    from tunecost.errors import InputError

    data = {**HAND, section: {**HAND.get(section, {}), key: value}}
    with pytest.raises(InputError, match=fragment) as info:
        parse_scenario(data)
    assert f"{section}.{key}" in str(info.value)


def test_a_plan_starting_before_the_books_prices_says_so():
    from tunecost.errors import InputError

    # Together's size-band prices start 2026-02-13 (the first dated copy of its page)
    with pytest.raises(InputError, match=r"start: no training price .* move start to 2026-02"):
        compare(parse_scenario({**HAND, "start": "2026-01"}))
