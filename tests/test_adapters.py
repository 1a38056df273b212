"""Many LoRA adapters on one base model (issue 13, point 6): ``adapters: N`` trains N
adapters and serves them from one fleet (or one deployment each, whichever is cheaper),
adapter weights in GPU memory, mixed-adapter batches at the published vLLM slowdown;
the same for provider-side multi-LoRA in ``finetune-api``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunecost.analysis.compare import compare
from tunecost.cli import cli
from tunecost.compute.adapters import (
    MIXED_ADAPTER_THROUGHPUT,
    adapter_bytes,
    adapter_params,
    batch_with_adapters,
    kv_batch,
    mixed_batch_factor,
)
from tunecost.costing.adapters import MULTI_LORA_DEPLOYMENTS
from tunecost.costing.capacity import capacity
from tunecost.costing.context import Context
from tunecost.costing.selfhost import finetune_selfhost
from tunecost.errors import InputError
from tunecost.pricebook.book import open_book
from tunecost.scenario import load_scenario, parse_scenario
from tunecost.scenario.selfhosting import Serving

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "many-adapters.yaml"
HOURS = np.array([31, 28, 31]) * 24.0  # January to March 2027


def _selfhost(requests: float = 1000.0, **path) -> dict:
    """One A100 80GB replica at 2 USD/GPU-hour serving Mistral-7B; training on A100s at
    2 USD/GPU-hour; 2,000 examples of 500 tokens labelled at 0.5 USD each."""
    p = {
        "name": "own",
        "kind": "finetune-selfhost",
        "base_model": "mistral-7b",
        "data": {"examples": 2000, "tokens_per_example": 500, "labelling": "0.5 USD/example"},
        "training": {"gpu": "a100-80gb", "usd_per_gpu_hour": "2 USD/hour"},
        "serving": {"gpu": "a100-80gb", "gpus": 1, "usd_per_gpu_hour": "2 USD/hour"},
        "retrain": "never",
        "evaluation": {"per_release": "100 USD", "hours": 0},
        "engineering": {"build": 10, "upkeep": "2 engineer_hour/month", "per_release": 0},
        "monitoring": "50 USD/month",
    }
    p.update(path)
    return {
        "name": "adapters",
        "start": "2027-01",
        "months": 3,
        "workload": {
            "requests": f"{requests!r} requests/month",
            "input_tokens": 500,
            "output_tokens": 100,
        },
        "paths": [p],
    }


def _costs(data: dict, path: str = "own"):
    result = compare(parse_scenario(data))
    led = result.ledger[result.ledger.path == path]
    return {c: g.sort_values("month") for c, g in led.groupby("category")}, result


def _total(data: dict, path: str = "own") -> float:
    costs, _ = _costs(data, path)
    return float(sum(g.usd.sum() for g in costs.values()))


# ---- adapter memory, by hand ----------------------------------------------------------
def test_adapter_bytes_of_mistral_7b_by_hand():
    arch = open_book().architecture("mistral-7b")  # hidden 4096, 32 heads, 8 KV heads of 128
    # q-v at rank 8 (PEFT's defaults): q 8 x (4096 + 4096) = 65,536, v 8 x (4096 + 1024)
    # = 40,960, per layer 106,496; x 32 layers = 3,407,872 parameters; x 2 bytes (bf16)
    assert adapter_params(arch, 8, "q-v") == 3_407_872
    assert adapter_bytes(arch, 8, "q-v", "bf16") == 6_815_744  # 6.8 MB
    assert 25 * adapter_bytes(arch) == 170_393_600  # 25 LoRA Land adapters: 0.17 GB
    # all linear layers at rank 16: 16 x (8192 + 5120 + 5120 + 8192 + 3 x 18,432) =
    # 16 x 81,920 = 1,310,720 per layer; x 32 = 41,943,040; x 2 bytes = 83,886,080
    assert adapter_bytes(arch, 16, "all-linear") == 83_886_080
    named = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    assert adapter_bytes(arch, 16, named) == adapter_bytes(arch, 16, "all-linear")
    assert adapter_bytes(arch, 8, "q-v", "fp32") == 2 * adapter_bytes(arch, 8, "q-v", "bf16")


def test_adapters_take_their_share_of_the_kv_cache():
    # 100 sequences fit 10 GB of KV cache; 2.5 GB of adapters leave 7.5 GB: 75 sequences
    assert batch_with_adapters(100.0, 10e9, 2.5e9) == 75
    assert batch_with_adapters(100.0, 10e9, 0.0) == 100
    assert batch_with_adapters(100.0, 10e9, 10e9) == 0
    arch = open_book().architecture("llama-3.1-8b")  # no sliding window: tokens / length
    assert kv_batch(200_000.0, arch, 550.0) == pytest.approx(200_000 / 550)


def test_the_mixed_batch_factor_is_the_published_vllm_figure():
    # vLLM PR #11267: 1,791.53 output tokens/s with LoRA (4 slots, rank 8) against 2,693.62
    assert round(1791.53 / 2693.62, 3) == MIXED_ADAPTER_THROUGHPUT == 0.665
    assert mixed_batch_factor(1) == 1.0  # one adapter is merged into the weights
    assert mixed_batch_factor(25) == MIXED_ADAPTER_THROUGHPUT
    assert mixed_batch_factor(25, 0.9) == 0.9


# ---- 25 task adapters on one A100, by hand ---------------------------------------------
def test_25_adapters_on_one_a100_by_hand():
    one, _ = _costs(_selfhost())
    many, result = _costs(_selfhost(adapters=25))
    # serving: 1,000 requests a month fit one replica at 0.665 of its speed; with the
    # spare, 2 replicas x 1 GPU x 2 USD every hour of January, February, March: the same
    # fleet as for one adapter (25 deployments would be 50 replicas)
    np.testing.assert_allclose(many["inference"].usd, 2 * 2.0 * HOURS)
    np.testing.assert_allclose(one["inference"].usd, 2 * 2.0 * HOURS)
    assert "one fleet for 25 adapters (0.17 GB of adapter weights" in many["inference"].note.iloc[0]
    # training: 25 campaigns of one run each, each the single adapter's GPU-hours
    np.testing.assert_allclose(many["training"].usd, 25 * one["training"].usd)
    np.testing.assert_allclose(many["training"].quantity, 25 * one["training"].quantity)
    assert many["training"].usd.iloc[0] > 0
    # data: 25 data sets of 2,000 examples x 0.5 USD = 25 x 1,000 USD in month 1
    assert many["data"].usd.iloc[0] == pytest.approx(25 * 1000.0)
    # evaluation: 100 USD per adapter in month 1 (no releases): 2,500 USD
    assert many["evaluation"].usd.iloc[0] == pytest.approx(25 * 100.0)
    # engineering and monitoring once for all
    np.testing.assert_allclose(many["engineering"].usd, one["engineering"].usd)
    np.testing.assert_allclose(many["monitoring"].usd, one["monitoring"].usd)
    memory = next(a for a in result.assumptions if "adapters in GPU memory" in a)
    assert "25 of 25 adapters in GPU memory, 6.8 MB each (rank 8, q-v, bf16)" in memory
    assert "0.665" in memory
    assert any("each with its own data set" in a for a in result.assumptions)


def test_one_deployment_each_when_the_traffic_fills_them():
    # 200M requests/month, peak 3x: 200e6 x 100 / (730 x 3600) x 3 = 22,831 tokens/s. Shared
    # at 0.665 x capacity needs more replicas than two merged deployments of half each.
    big = 200e6
    two, _ = _costs(_selfhost(big, adapters=2))
    half, _ = _costs(_selfhost(big / 2))
    np.testing.assert_allclose(two["inference"].usd, 2 * half["inference"].usd)
    assert "merged into its own deployment" in two["inference"].note.iloc[0]
    shared_only, _ = _costs(_selfhost(big, adapters=2, lora={"throughput": 1.0}))
    assert "one fleet" in shared_only["inference"].note.iloc[0]  # no slowdown: one fleet wins
    assert shared_only["inference"].usd.sum() <= two["inference"].usd.sum()


def test_unequal_shares_size_each_deployment_for_its_share():
    big = 300e6
    shares = [0.7, 0.2, 0.1]
    three, _ = _costs(_selfhost(big, adapters=3, adapter_shares=shares))
    each = sum(_costs(_selfhost(big * w))[0]["inference"].usd.sum() for w in shares)
    assert three["inference"].usd.sum() <= each + 1e-6
    assert "merged into its own deployment" in three["inference"].note.iloc[0]
    assert three["inference"].usd.sum() == pytest.approx(each)


def test_adapter_memory_shrinks_the_batch_on_a_small_gpu():
    # Llama 3.1 8B on one L40S: 26.27 GB of KV cache holds 364 sequences of 500 + 100 / 2
    # tokens; 100 all-linear rank-32 adapters take 100 x 32 x 81,920 x 32 x 2 = 16.78 GB,
    # leaving room for floor(364.4 x (26.27 - 16.78) / 26.27) = 131 sequences, below the
    # 162 the latency targets allow without adapters.
    serving = {"gpu": "l40s", "gpus": 1, "usd_per_gpu_hour": "1 USD/hour"}
    lora = {"rank": 32, "target_modules": "all-linear", "throughput": 1.0}
    data = _selfhost(base_model="llama-3.1-8b", serving=serving, adapters=100, lora=lora)
    costs, _ = _costs(data)
    book = open_book()
    arch = book.architecture("llama-3.1-8b")
    assert 100 * adapter_bytes(arch, 32, "all-linear") == pytest.approx(16.78e9, rel=1e-3)
    plain = Serving(gpu="l40s", gpus=1)
    _, est = capacity(plain, book, "llama-3.1-8b", 500.0, 100.0)
    cap = batch_with_adapters(
        kv_batch(est.kv_cache_tokens, arch, 550.0),
        est.kv_cache_gb * 1e9,
        100 * adapter_bytes(arch, 32, "all-linear"),
    )
    assert cap == 131
    timed = {"tpot_slo": 0.1, "ttft_slo": 2.0}
    base, _ = capacity(plain.model_copy(update=timed), book, "llama-3.1-8b", 500.0, 100.0)
    capped = plain.model_copy(update={**timed, "max_batch": cap})
    fewer, _ = capacity(capped, book, "llama-3.1-8b", 500.0, 100.0)
    assert fewer < base
    note = costs["inference"].note.iloc[0]
    assert f"{fewer:,.0f} output tokens/s each" in note


def test_adapters_that_leave_no_kv_room_are_refused():
    serving = {"gpu": "l40s", "gpus": 1, "usd_per_gpu_hour": "1 USD/hour"}
    lora = {"rank": 64, "target_modules": "all-linear"}
    data = _selfhost(base_model="llama-3.1-8b", serving=serving, adapters=100, lora=lora)
    with pytest.raises(InputError, match="leave no KV-cache room") as err:
        compare(parse_scenario(data))
    assert "lora" in str(err.value)


# ---- the property ---------------------------------------------------------------------
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    n=st.integers(1, 30),
    requests=st.integers(0, 500_000_000),
    spare=st.integers(0, 2),
)
def test_n_adapters_never_cost_more_than_n_separate_deployments(n, requests, spare):
    serving = {"gpu": "a100-80gb", "gpus": 1, "usd_per_gpu_hour": "2 USD/hour"}
    serving["spare_replicas"] = spare
    together = _total(_selfhost(requests, adapters=n, serving=serving))
    separate = n * _total(_selfhost(requests / n, serving=serving))
    assert together <= separate * (1 + 1e-9) + 1e-6


# ---- provider-side multi-LoRA ----------------------------------------------------------
def _api(n: int = 1, requests: float = 1e6, **path) -> dict:
    p = {
        "name": "api",
        "kind": "finetune-api",
        "provider": "together",
        "model": "llama-3.1-8b-instruct-turbo",
        "base_model": "llama-3.1-8b",
        "data": {"examples": 2000, "tokens_per_example": 500},
        "retrain": "never",
        "adapters": n,
    }
    p.update(path)
    data = _selfhost(requests)
    data["start"] = "2027-01"
    data["paths"] = [p]
    return data


def test_serverless_adapters_bill_tokens_as_one_and_train_n_times():
    one, _ = _costs(_api(1, hosting="serverless"), "api")
    many, result = _costs(_api(25, hosting="serverless"), "api")
    np.testing.assert_allclose(many["inference"].usd, one["inference"].usd)
    np.testing.assert_allclose(many["training"].usd, 25 * one["training"].usd)
    assert many["training"].usd.iloc[0] > 0
    assert any("25 serverless fine-tunes" in a for a in result.assumptions)


@pytest.mark.parametrize(
    ("provider", "model"),
    [("fireworks", "llama-v3p1-8b-instruct"), ("together", "llama-3.1-8b-instruct-turbo")],
)
def test_multi_lora_providers_serve_many_adapters_on_one_deployment(provider, model):
    assert provider in MULTI_LORA_DEPLOYMENTS
    kw = {"provider": provider, "model": model, "hosting": "dedicated"}
    one, _ = _costs(_api(1, **kw), "api")
    many, result = _costs(_api(25, **kw), "api")
    # 1M requests a month fit one deployment either way: one deployment, not 25
    np.testing.assert_allclose(many["hosting"].usd, one["hosting"].usd)
    assert "25 adapters on one deployment" in many["hosting"].note.iloc[0]
    assert any(f"docs.{provider}.ai" in a for a in result.assumptions)


def test_other_providers_rent_one_deployment_per_fine_tune():
    kw = {"provider": "azure-openai", "model": "gpt-4.1-mini", "hosting": "dedicated"}
    rates = {"training": "5 USD/1M tokens", "ft_input": "1 USD/1M tokens"}
    kw.update(base_model=None, prices={**rates, "ft_output": "4 USD/1M tokens"})
    one, _ = _costs(_api(1, **kw), "api")
    many, result = _costs(_api(3, **kw), "api")
    # Azure's per-model deployment fee, 1.7 USD/hour, for each of the 3 fine-tunes
    np.testing.assert_allclose(many["hosting"].usd, 3 * one["hosting"].usd)
    np.testing.assert_allclose(one["hosting"].usd, 1.7 * HOURS)
    assert "3 deployments, one per adapter" in many["hosting"].note.iloc[0]
    # the same tokens at the fine-tuned rates: 1M x (500 x 1 + 100 x 4) / 1M = 900 USD
    np.testing.assert_allclose(many["inference"].usd, one["inference"].usd)
    np.testing.assert_allclose(one["inference"].usd, 900.0)
    assert any("does not say one dedicated deployment" in a for a in result.assumptions)


# ---- bad input: exit 2, one line ---------------------------------------------------------
BAD = [
    ({"adapters": 0}, "adapters"),
    ({"adapters": -3}, "adapters"),
    ({"adapters": 2, "adapter_shares": [0.5, 0.4]}, "sum to 0.9"),
    ({"adapters": 3, "adapter_shares": [0.5, 0.5]}, "2 share(s) for 3 adapter(s)"),
    ({"adapters": 2, "adapter_shares": [1.0, 0.0]}, "above zero"),
    ({"adapters": 2, "method": "full"}, "method: lora"),
    ({"adapters": 2, "lora": {"rank": 0}}, "rank"),
    ({"adapters": 2, "lora": {"target_modules": "everything"}}, "target_modules"),
]


@pytest.mark.parametrize(("fields", "fragment"), BAD)
def test_bad_adapter_input_exits_2_with_one_line(tmp_path, fields, fragment):
    data = _selfhost(**fields)
    data["start"] = "2027-01"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(cli, ["compare", str(path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_bad_adapter_input_for_an_api_path(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_api(2, adapter_shares=[0.9, 0.3])))
    result = CliRunner().invoke(cli, ["compare", str(path)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "adapter_shares" in result.output


# ---- the example ------------------------------------------------------------------------
def test_the_many_adapters_example_runs_through_compare():
    text = EXAMPLE.read_text()
    assert "arXiv:2405.00732" in text  # LoRA Land: 25 adapters on one A100
    scenario = load_scenario(EXAMPLE)
    own = scenario.path("25-adapters-selfhost")
    assert own.adapters == 25 and own.serving.gpu == "a100-80gb"
    result = CliRunner().invoke(cli, ["compare", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "25-adapters-selfhost" in result.output and "25-adapters-together" in result.output
    led = compare(scenario).ledger
    inference = led[(led.path == "25-adapters-selfhost") & (led.category == "inference")]
    # one A100 replica and its spare every hour, as for one adapter: 2 GPU-hours per hour
    assert "one fleet for 25 adapters" in inference.note.iloc[0]
    assert "2 x 1-GPU" in inference.note.iloc[0]


def test_each_volume_gets_the_cheaper_way_on_its_own():
    # a sweep of two volumes: 1M requests/month fits one multi-LoRA fleet (2 replicas),
    # 200M fills two merged deployments (see above); each row takes its own cheaper way
    scenario = parse_scenario(_selfhost(adapters=2))
    path = scenario.path("own", "paths")
    traffic = np.array([[1e6] * 3, [200e6] * 3])
    ctx = Context(scenario, traffic, open_book())
    got = finetune_selfhost(path, ctx)["inference"].usd
    low, _ = _costs(_selfhost(1e6, adapters=2))
    high, _ = _costs(_selfhost(200e6, adapters=2))
    np.testing.assert_allclose(got[0], low["inference"].usd)
    np.testing.assert_allclose(got[1], high["inference"].usd)
    assert "one fleet" in low["inference"].note.iloc[0]
    assert "own deployment" in high["inference"].note.iloc[0]


def test_shares_written_with_rounding_are_scaled_to_one():
    # [0.333, 0.333, 0.333] sums to 0.999: accepted (within 1 %) and scaled to thirds
    from tunecost.scenario.adapters import Adapters

    a = Adapters(adapters=3, adapter_shares=[0.333, 0.333, 0.333])
    assert a.traffic_shares() == pytest.approx([1 / 3] * 3)
    with pytest.raises(ValueError, match=r"sum to 0\.95"):
        Adapters(adapters=2, adapter_shares=[0.5, 0.45])
