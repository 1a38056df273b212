"""Azure OpenAI provisioned throughput (PTU) for a fine-tune, worked by hand from
Microsoft's onboarding guide (costing/provisioned.py)."""

import pytest

from helpers import compare_refused
from tunecost import compare
from tunecost.costing.provisioned import converted_tpm, ptus_needed
from tunecost.scenario import parse_scenario

NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}


def _scenario(requests, in_tok, out_tok, **path) -> dict:
    return {
        "name": "ptu",
        "start": "2027-01",
        "months": 1,
        "workload": {
            "requests": requests,
            "input_tokens": in_tok,
            "output_tokens": out_tok,
            "peak_to_average": 1,
        },
        "market": {"new_base_model_every": "12 months"},
        "paths": [
            {
                "name": "ft",
                "kind": "finetune-api",
                "provider": "azure-openai",
                "model": "gpt-4o",
                "deployment": "ptu:regional",
                "prices": {"training": "25 USD/1M tokens"},
                "data": {"examples": 100, "tokens_per_example": 500},
                "retrain": "never",
                **NO_LABOUR,
                **path,
            }
        ],
    }


def _cost(data, category):
    led = compare(parse_scenario(data)).ledger
    rows = led[(led.path == "ft") & (led.category == category)]
    return float(rows.usd.sum()), float(rows.quantity.sum())


def test_the_guides_gpt52_sizing():
    # "Converted input TPM (no cache) = 100,000 + (8 x 50,000) = 500,000; PTUs required
    # = 500,000 / 3,400 = 147.06", 150 rounded up to the nearest 50
    tpm = converted_tpm(1000, 100, 50, 0.0, 8)
    assert tpm == pytest.approx(500_000)
    assert float(ptus_needed(tpm, 3400, 50, 50)) == 150
    # with 25 % of the input cached: 75,000 + 400,000 = 475,000 -> 139.71 -> 150
    cached = converted_tpm(1000, 100, 50, 0.25, 8)
    assert cached == pytest.approx(475_000)
    assert float(ptus_needed(cached, 3400, 50, 50)) == 150
    # global steps of 5 above a minimum of 15: 147.06 -> 150; no traffic, no PTU
    assert float(ptus_needed(tpm, 3400, 15, 5)) == 150
    assert float(ptus_needed(0.0, 3400, 15, 5)) == 0


def test_a_tuned_gpt4o_on_regional_ptus_by_hand():
    # 4,380,000 requests a month = 100 a minute (730 h x 60); 1,000 in + 200 out tokens:
    # 100 x (1,000 + 4 x 200) = 180,000 converted TPM / 2,500 per PTU = 72 -> 100 PTU
    # (regional: steps of 50). 100 PTU x 2.00 USD x 744 h (January 2027) = 148,800 USD,
    # and no tokens billed: PTUs replace the token rates and the hosting fee.
    data = _scenario("4380000 requests/month", 1000, 200)
    usd, ptu_hours = _cost(data, "hosting")
    assert ptu_hours == pytest.approx(100 * 744)
    assert usd == pytest.approx(148_800.00)
    assert _cost(data, "inference") == (0.0, 0.0)


def test_global_ptus_are_cheaper_per_hour():
    # the same load on Global: 72 -> 75 PTU (steps of 5) x 1.00 USD x 744 = 55,800 USD
    data = _scenario("4380000 requests/month", 1000, 200, deployment="ptu:global")
    assert _cost(data, "hosting")[0] == pytest.approx(75 * 1.0 * 744)


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ({"model": "gpt-3.5-turbo"}, "lists no regional provisioned throughput"),
        ({"provider": "together", "model": "llama-3.1-8b-instruct-turbo"}, "ptu:regional"),
    ],
)
def test_ptu_where_none_is_sold_is_one_line(tmp_path, path, match):
    output = compare_refused(tmp_path, _scenario("1M requests/month", 500, 100, **path))
    assert match in output and len(output.strip().splitlines()) == 1


def test_provisioned_throughput_does_not_autoscale(tmp_path):
    data = _scenario("1M requests/month", 500, 100, autoscale=True)
    data["workload"]["profile"] = "business-hours"
    output = compare_refused(tmp_path, data)
    assert "does not autoscale" in output
