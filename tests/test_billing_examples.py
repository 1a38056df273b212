"""Providers' own worked examples, reproduced to the cent through ``compare``.

Each example is a row of tests/data/billing_examples.csv with the page it comes from,
the date it was read, the page's words (``quote``) and its stated result; a test builds
the scenario the example describes and compares the ledger with that result.
"""

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from tunecost import compare
from tunecost.scenario import parse_scenario

EXAMPLES = {
    r["id"]: r
    for r in csv.DictReader(
        (Path(__file__).parent / "data" / "billing_examples.csv").read_text().splitlines()
    )
}
NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}


def stated(example_id: str) -> float:
    """The first number of the example's stated result (``400.00 (the formula ...)``)."""
    return float(re.match(r"-?[\d.]+", EXAMPLES[example_id]["stated_result"]).group())


def run(path: dict, start: str, requests="1 request/month", tokens=(1, 1)):
    scenario = {
        "name": "example",
        "start": start,
        "months": 1,
        "workload": {"requests": requests, "input_tokens": tokens[0], "output_tokens": tokens[1]},
        "market": {"new_base_model_every": "12 months"},
        "paths": [{"name": "p", **path, **NO_LABOUR}],
    }
    return compare(parse_scenario(scenario))


def month_one(result, *categories) -> float:
    led = result.ledger
    return float(led[led.category.isin(categories)].usd.sum())


def tuning(provider, model, examples, tokens, epochs=1, **extra):
    data = {"examples": examples, "tokens_per_example": tokens, "epochs": epochs}
    data.update(extra.pop("data", {}))
    return {
        "kind": "finetune-api",
        "provider": provider,
        "model": model,
        "hosting": "none",
        "data": data,
        **extra,
    }


def test_every_example_names_its_page_date_and_words():
    assert len(EXAMPLES) >= 12
    for r in EXAMPLES.values():
        assert r["url"].startswith("https://") and r["quote"] and r["retrieved"][:2] == "20"


@pytest.mark.parametrize(
    ("example", "model", "start"),
    [
        # 100,000 training tokens x 3 epochs at $0.008/1K (book row of 2023-08-22)
        ("openai-sft-gpt35-2023", "gpt-3.5-turbo", "2023-09"),
        # the same file on gpt-4o-mini at $3.00/1M once the free period ended
        ("openai-sft-gpt4o-mini-guide-2024", "gpt-4o-mini", "2024-11"),
    ],
)
def test_openai_supervised_training(example, model, start):
    result = run(tuning("openai", model, 100, 1000, epochs=3), start)
    assert month_one(result, "training") == pytest.approx(stated(example), abs=0.005)


@pytest.mark.parametrize(
    ("example", "provider"),
    [("openai-rft-success-4h", "openai"), ("azure-rft-o4mini-no-model-grader", "azure-openai")],
)
def test_reinforcement_fine_tuning_bills_core_training_hours(example, provider):
    # 4 billable hours x $100/hour (queue, setup and safety evals not billed)
    path = tuning(provider, "o4-mini", 100, 1000, method="rft", training_hours="4 hours")
    assert month_one(run(path, "2026-01"), "training") == pytest.approx(stated(example), abs=0.005)


def test_azure_rft_bills_the_grader_at_its_token_rates():
    # 4 h x $100 + 5M x $1.10/1M + 4.9M x $4.40/1M = 400 + 5.50 + 21.56 = $427.06
    grader = {
        "model": "o3-mini",
        "provider": "openai",
        "input_tokens": 5_000_000,
        "output_tokens": 4_900_000,
    }
    path = tuning(
        "azure-openai", "o4-mini", 100, 1000, method="rft", training_hours="4 hours", grader=grader
    )
    total = month_one(run(path, "2026-01"), "training")
    assert total == pytest.approx(stated("azure-rft-o4mini-o3mini-grader"), abs=0.005)


def test_azure_sft_does_not_bill_validation_tokens():
    # 1M training tokens x 2 epochs x $2/1M = $4; the 40,000 validation tokens are free
    path = tuning(
        "azure-openai",
        "gpt-4.1",
        500,
        2000,
        epochs=2,
        data={"validation_tokens": 40_000},
        prices={"training": "2 USD/1M tokens"},
    )
    assert month_one(run(path, "2026-03"), "training") == pytest.approx(
        stated("azure-sft-gpt41-global"), abs=0.005
    )


def test_ori_bills_validation_tokens_once():
    # (5M x 3 epochs + 1M validation) x $0.46/1M = $7.36
    path = tuning(
        "ori",
        "llama-3.1-8b",
        5000,
        1000,
        epochs=3,
        base_model="llama-3.1-8b",
        method="lora",
        data={"validation_tokens": 1_000_000},
    )
    assert month_one(run(path, "2026-12"), "training") == pytest.approx(
        stated("ori-ft-validation-once"), abs=0.005
    )


def test_together_bills_validation_tokens_at_every_evaluation():
    # 8,192 x 8 x 1,000 = 65,536,000 training tokens + 10 evaluations x 1M = 75,536,000
    path = tuning(
        "together",
        "llama-3.1-8b-instruct-turbo",
        8000,
        8192,
        epochs=1,
        base_model="llama-3.1-8b",
        data={"validation_tokens": 1_000_000, "evaluations": 10},
    )
    result = run(path, "2026-12")
    led = result.ledger
    billed = float(led[led.category == "training"].quantity.sum())
    assert billed == stated("together-ft-cancel-validation-per-eval")


def test_azure_hosting_bills_every_hour_of_a_30_day_month_plus_tokens():
    # $1.70 x 30 x 24 + 20M x $1.10/1M + 40M x $4.40/1M = 1,224 + 22 + 176 = $1,422.00
    path = tuning(
        "azure-openai",
        "o4-mini",
        100,
        1000,
        hosting="dedicated",
        method="rft",
        training_hours="1 hour",
        prices={
            "hosting": "1.70 USD/hour",
            "input": "1.10 USD/1M tokens",
            "output": "4.40 USD/1M tokens",
            "ft_input": "1.10 USD/1M tokens",
            "ft_output": "4.40 USD/1M tokens",
        },
    )
    result = run(path, "2027-04", requests="1M requests/month", tokens=(20, 40))
    total = month_one(result, "hosting", "inference")
    assert total == pytest.approx(stated("azure-hosting-o4mini-month"), abs=0.005)


def test_together_dedicated_endpoint_bills_a_30_day_month():
    # 1 x H100 at $5.49/hour x 24 x 30 = $3,952.80 (the page rounds to "$3,950")
    path = tuning(
        "together",
        "llama-3.1-8b-instruct-turbo",
        100,
        1000,
        base_model="llama-3.1-8b",
        hosting="dedicated",
        deployment="hardware:1x-h100-80gb",
        prices={"hosting": "5.49 USD/hour"},
    )
    result = run(path, "2027-04", requests="1k requests/month", tokens=(100, 100))
    hosting = month_one(result, "hosting")
    assert hosting == pytest.approx(5.49 * 720, abs=0.005)
    assert abs(hosting - stated("together-dmi-h100-30day-month")) < 5


@pytest.mark.parametrize(
    ("example", "usd_per_hour", "units"),
    [
        ("bedrock-pt-titan-express-2mu-31d", 18.40, 2),
        ("bedrock-pt-llama2-1mu-31d", 21.18, 1),
        ("bedrock-pt-claude-instant-1mu-31d", 39.60, 1),
    ],
)
def test_bedrock_provisioned_throughput_bills_model_units_for_a_31_day_month(
    example, usd_per_hour, units
):
    # model units x USD per model-unit-hour x 24 x 31
    path = tuning(
        "bedrock",
        "cohere.command-text-v14",
        100,
        1000,
        hosting="dedicated",
        spare_deployments=units - 1,
        prices={"hosting": f"{usd_per_hour} USD/hour"},
    )
    result = run(path, "2027-01", requests="1 request/month", tokens=(1, 1))
    assert month_one(result, "hosting") == pytest.approx(stated(example), abs=0.005)


def test_anthropic_batch_halves_both_rates():
    # Claude Sonnet 4: 1M input + 1M output tokens in batch = $1.50 + $7.50
    path = {
        "kind": "prompt-api",
        "provider": "anthropic",
        "model": "claude-sonnet-4-0",
        "batch_share": 1,
    }
    only_in = month_one(run(path, "2026-01", "1M requests/month", (1, 1e-9)), "inference")
    assert only_in == pytest.approx(1.50, abs=0.005)
    both = month_one(run(path, "2026-01", "1M requests/month", (1, 1)), "inference")
    assert both - only_in == pytest.approx(7.50, abs=0.005)
    assert EXAMPLES["anthropic-batch-50pct-sonnet4"]["stated_result"].startswith("1.50 input")


def test_anthropic_cache_reads_cost_a_tenth_of_input():
    # a 100,000-token prompt read from cache: -90 % on that input
    path = {"kind": "prompt-api", "provider": "anthropic", "model": "claude-3-5-sonnet"}
    fresh = month_one(run(path, "2026-08", tokens=(100_000, 1e-9)), "inference")
    cached = month_one(
        run({**path, "cached_input_share": 1}, "2026-08", tokens=(100_000, 1e-9)), "inference"
    )
    saving = 100 * (cached - fresh) / fresh
    assert saving == pytest.approx(stated("anthropic-cache-book-90pct"), abs=0.01)
    np.testing.assert_allclose(fresh, 0.30, atol=1e-6)


@pytest.mark.parametrize(("given", "invoiced"), [("2.554 hours", 2.55), ("2.556 hours", 2.56)])
def test_openai_invoices_training_hours_to_two_decimals(given, invoiced):
    # "Charges are prorated to the second and rounded to two decimal places on the
    # invoice (e.g., 2.55 hours)" (the help article of openai-rft-success-4h)
    path = tuning("openai", "o4-mini", 100, 1000, method="rft", training_hours=given)
    assert month_one(run(path, "2026-01"), "training") == pytest.approx(100 * invoiced, abs=1e-9)


def test_azure_developer_tier_is_serverless_without_the_hosting_fee():
    # Developer Tier: "per-token ... without an hourly hosting fee" (the page of
    # azure-hosting-o4mini-month): the same month is the $198.00 of tokens alone.
    path = tuning(
        "azure-openai",
        "o4-mini",
        100,
        1000,
        hosting="serverless",
        method="rft",
        training_hours="1 hour",
    )
    result = run(path, "2027-04", requests="1M requests/month", tokens=(20, 40))
    assert month_one(result, "hosting") == 0
    assert month_one(result, "inference") == pytest.approx(
        stated("azure-hosting-o4mini-month") - 1.70 * 720, abs=0.005
    )


def _imported(**extra):
    """An imported Llama 3.1 8B served on Bedrock Custom Model Import (2 CMU a copy)."""
    return tuning(
        "bedrock",
        "my-imported-llama",
        100,
        1000,
        hosting="dedicated",
        deployment="cmi:llama-3.1-8b",
        prices={"training": "0 USD/1M tokens"},
        **extra,
    )


def test_bedrock_custom_model_import_bills_copies_by_the_cmu_minute_plus_storage():
    # 2 CMU x $0.0785 = $0.1570 a minute for the copy (9.42/hour), storage 2 x $1.95 =
    # $3.90 a month; one copy active every hour of a 31-day month:
    # 0.1570 x 60 x 744 + 3.90 = 7,008.48 + 3.90 = $7,012.38
    result = run(_imported(), "2027-01", requests="1k requests/month", tokens=(100, 100))
    hosting = month_one(result, "hosting")
    assert hosting == pytest.approx(0.1570 * 60 * 744 + 3.90, abs=0.005)
    storage = hosting - 0.1570 * 60 * 744
    assert storage == pytest.approx(stated("bedrock-cmi-storage-2cmu"), abs=0.005)
    assert month_one(result, "inference") == 0  # billed by the copy-minute, not per token
    used = {(p["item"], p["kind"]) for p in result.prices_used}
    assert {("cmi:llama-3.1-8b", "hosting"), ("cmi:llama-3.1-8b", "storage")} <= used
    assert any("5-minute windows" in n for n in result.notes)


def test_bedrock_custom_model_import_copy_minute_and_window_from_the_book():
    # the book's hourly rate / 60 is the page's $0.1570 a minute for the 2-CMU copy, and
    # one 5-minute window of one copy is 0.1570 x 5 = $0.785 (the page prints "x 3
    # windows" but its figure and narrative are one window)
    result = run(_imported(), "2027-01", requests="1k requests/month", tokens=(100, 100))
    per_hour = (month_one(result, "hosting") - stated("bedrock-cmi-storage-2cmu")) / 744
    assert per_hour / 60 == pytest.approx(0.1570, abs=5e-5)
    assert per_hour / 12 == pytest.approx(stated("bedrock-cmi-5min-window"), abs=0.005)


def test_bedrock_custom_model_import_spare_copies_and_a_month_without_traffic():
    two = run(_imported(spare_deployments=1), "2027-04", "1k requests/month", (100, 100))
    assert month_one(two, "hosting") == pytest.approx(2 * 9.42 * 720 + 3.90, abs=0.005)
    # scaled to zero all month: no copy is billed, the stored model still is
    idle = run(_imported(), "2027-04", requests="0 requests/month", tokens=(100, 100))
    assert month_one(idle, "hosting") == pytest.approx(3.90, abs=0.005)


@pytest.mark.parametrize("cached", [0.0, 0.25])
def test_azure_ptu_sizing_of_the_onboarding_guide(cached):
    # 1,000 requests a minute = 43.8M a month (730 h x 60), 100 in + 50 out tokens, on
    # gpt-5.2 regional provisioned throughput: 147.06 PTU (139.71 with 25 % cached)
    # -> 150 in steps of 50, billed every hour of January 2027 (744 h)
    path = tuning("azure-openai", "gpt-5.2", 100, 500, prices={"training": "1 USD/1M tokens"})
    path.update(hosting="dedicated", deployment="ptu:regional", cached_input_share=cached)
    scenario = {
        "name": "example",
        "start": "2027-01",
        "months": 1,
        "workload": {
            "requests": "43.8M requests/month",
            "input_tokens": 100,
            "output_tokens": 50,
            "peak_to_average": 1,
        },
        "market": {"new_base_model_every": "12 months"},
        "paths": [{"name": "p", **path, **NO_LABOUR}],
    }
    led = compare(parse_scenario(scenario)).ledger
    hosting = led[led.category == "hosting"]
    assert float(hosting.quantity.sum()) / 744 == pytest.approx(stated("azure-ptu-sizing-gpt52"))
