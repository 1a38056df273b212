"""Fuzzing scenarios: any valid scenario gives a ledger of finite, non-negative costs whose
totals are the sums of their rows; any invalid one is refused with an InputError (exit 2
from the CLI), never another exception.

A bounded run is part of the test suite; a longer one runs on demand:
``TUNECOST_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py``.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunecost import compare
from tunecost.errors import InputError
from tunecost.scenario import parse_scenario

EXAMPLES = int(os.environ.get("TUNECOST_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

API_MODELS = [
    ("openai", "gpt-4.1-mini"),
    ("anthropic", "claude-haiku-4-5"),
    ("google", "gemini-2.5-flash"),
    ("openai", "gpt-5-mini"),
]
OPEN_MODELS = ["llama-3.1-8b", "qwen3-8b", "mistral-7b", "llama-3.2-3b"]
GPUS = ["h100", "a100-80gb", "l40s", "h200"]

hours = st.integers(0, 400).map(lambda h: f"{h} engineer_hour")
per_month = st.integers(0, 100).map(lambda h: f"{h} engineer_hour/month")
money = st.integers(0, 5000)
share = st.floats(0, 1, allow_nan=False)


def engineering():
    return st.fixed_dictionaries({"build": hours, "upkeep": per_month, "per_release": hours})


def common(kind):
    return {
        "kind": st.just(kind),
        "engineering": engineering(),
        "evaluation": st.fixed_dictionaries(
            {"per_release": money.map(lambda v: f"{v} USD"), "hours": st.integers(0, 40)}
        ),
        "monitoring": money.map(lambda v: f"{v} USD/month"),
    }


data = st.fixed_dictionaries(
    {
        "examples": st.integers(1, 100_000),
        "tokens_per_example": st.integers(1, 4000),
        "epochs": st.integers(1, 5),
        "labelling": st.floats(0, 5).map(lambda v: f"{v:.3f} USD/example"),
        "refresh_share": share,
    }
)
serving = st.fixed_dictionaries(
    {
        "gpu": st.sampled_from(GPUS),
        "precision": st.just("bf16"),  # fp8 is refused on A100
        "min_replicas": st.integers(0, 3),
        "usd_per_gpu_hour": st.floats(0.1, 10).map(lambda v: f"{v:.2f} USD/hour"),
    }
)
prompt_api = st.sampled_from(API_MODELS).flatmap(
    lambda pm: st.fixed_dictionaries(
        {
            **common("prompt-api"),
            "provider": st.just(pm[0]),
            "model": st.just(pm[1]),
            "cached_input_share": share,
            "batch_share": share,
        }
    )
)
finetune_api = st.fixed_dictionaries(
    {
        **common("finetune-api"),
        "provider": st.just("together"),
        "model": st.just("llama-3.1-8b-instruct-turbo"),
        "base_model": st.just("llama-3.1-8b"),
        "data": data,
        "runs": st.integers(1, 5),
        "retrain": st.sampled_from(["on-new-base-model", "never", "every 4 months"]),
    }
)
prompt_selfhost = st.fixed_dictionaries(
    {
        **common("prompt-selfhost"),
        "model": st.sampled_from(OPEN_MODELS),
        "serving": serving,
        "ops": st.fixed_dictionaries({"oncall": st.floats(0, 2).map(lambda v: f"{v:.2f} FTE")}),
    }
)
finetune_selfhost = st.fixed_dictionaries(
    {
        **common("finetune-selfhost"),
        "base_model": st.sampled_from(OPEN_MODELS),
        "method": st.sampled_from(["lora", "qlora", "full"]),
        "data": data,
        "training": st.fixed_dictionaries(
            {
                "gpu": st.sampled_from(["h100", "h200"]),
                "runs": st.integers(1, 4),
                "usd_per_gpu_hour": st.just("2.5 USD/hour"),
            }
        ),
        "serving": serving,
    }
)
any_path = st.one_of(prompt_api, finetune_api, prompt_selfhost, finetune_selfhost)


@st.composite
def scenarios(draw):
    paths = draw(st.lists(any_path, min_size=1, max_size=4))
    for i, p in enumerate(paths):
        p["name"] = f"p{i}"
    return {
        "name": "fuzz",
        # starts after every effective_from in the book (earlier starts are refused)
        "start": f"{draw(st.integers(2027, 2030))}-{draw(st.integers(1, 12)):02d}",
        "months": draw(st.integers(1, 60)),
        "workload": {
            "requests": f"{draw(st.integers(0, 10**9))} requests/month",
            "growth": f"{draw(st.floats(-10, 15)):.2f} %/month",
            "input_tokens": draw(st.integers(1, 20_000)),
            "output_tokens": draw(st.integers(1, 2000)),
            "peak_to_average": draw(st.floats(1, 10)),
        },
        "market": {
            "api_price_change": f"{draw(st.floats(-60, 20)):.1f} %/year",
            "gpu_price_change": f"{draw(st.floats(-60, 20)):.1f} %/year",
            "new_base_model_every": f"{draw(st.integers(1, 24))} months",
        },
        "paths": paths,
    }


@FUZZ
@given(scenarios())
def test_valid_scenarios_give_finite_non_negative_costs(data):
    result = compare(parse_scenario(data))
    led = result.ledger
    assert len(led) > 0
    assert np.isfinite(led.usd).all() and (led.usd >= 0).all()
    assert np.isfinite(led.quantity).all() and (led.quantity >= 0).all()
    for name in result.paths:
        assert result.totals.loc[name, "total"] == pytest.approx(led[led.path == name].usd.sum())
    for row in result.summary():
        m = row["breakeven_month"]
        assert m is None or 1 <= m <= data["months"]


MUTATIONS = [
    ("workload", "requests", "-5 requests/month"),
    ("workload", "requests", "300k tokens/month"),
    ("workload", "input_tokens", "nan"),
    ("workload", "growth", "fast"),
    ("market", "new_base_model_every", "0 months"),
    ("market", "api_price_change", "-100 %/year"),
    ("workload", "requets", "1 requests/month"),
    (None, "months", 0),
    (None, "start", "2027-13"),
    (None, "paths", []),
]


@FUZZ
@given(scenarios(), st.sampled_from(MUTATIONS))
def test_invalid_scenarios_raise_input_error(data, mutation):
    section, key, value = mutation
    target = data[section] if section else data
    target[key] = value
    with pytest.raises(InputError):
        compare(parse_scenario(data))


@FUZZ
@given(
    scenarios(),
    st.integers(0, 3),
    st.sampled_from(
        [
            ("kind", "prompt-apii"),
            ("model", "no-such-model"),
            ("engineering", {"biuld": 1}),
            ("monitoring", "-3 USD/month"),
            ("input_tokens", 0),
            ("name", ""),
        ]
    ),
)
def test_invalid_paths_raise_input_error(data, index, mutation):
    path = data["paths"][index % len(data["paths"])]
    path[mutation[0]] = mutation[1]
    with pytest.raises(InputError):
        compare(parse_scenario(data))
