"""``serve`` and ``train`` priced through one route: whole instances from the book
(issue 13, point 1). Worked by hand on small price books, so every figure can be
checked on paper; the commands run in process with the book swapped in."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

import tunecost.cli.estimate as estimate_cli
from helpers import acme_offer, book_with
from tunecost.cli import cli
from tunecost.pricebook.prices import GPUOffer

MONTH = 730  # hours in the month `serve` bills (tunecost.units.HOURS_PER_MONTH)


@pytest.fixture
def book(monkeypatch):
    """Run the commands on the shipped book's models and GPUs with only these offers."""

    def use(*offers: GPUOffer) -> None:
        made = book_with(*offers)
        monkeypatch.setattr(estimate_cli, "command_book", lambda: made)

    return use


def _json(*args: str) -> dict:
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


TRAIN = ["train", "--model", "llama-3.1-8b", "--method", "lora", "--examples", "5000"]
TRAIN += ["--tokens-per-example", "700", "--epochs", "3", "--gpu", "h100", "--runs", "4"]
SERVE = ["serve", "--model", "llama-3.1-8b", "--gpu", "h100", "--input-tokens", "1000"]
SERVE += ["--output-tokens", "200"]


# ---- train ------------------------------------------------------------------------------


def test_a_two_gpu_job_rents_the_two_gpu_instance_not_a_quarter_of_a_box(book):
    # 8-GPU box at 1.00 USD/GPU-h (8.00 USD/h) and a 2-GPU instance at 1.50 USD/GPU-h
    # (3.00 USD/h). The job needs 2 GPUs: the box costs 8.00 x wall-clock, the pair
    # 3.00 x wall-clock, so the pair is billed, although the box is cheaper per GPU
    # (the old per-GPU route billed 2 x 1.00 = 2.00 USD/h, a quarter of a box nobody
    # rents).
    book(acme_offer("box.8x", 1.00, 8), acme_offer("duo.2x", 1.50, 2))
    d = _json(*TRAIN, "--gpus", "2")
    assert d["gpus"] == 2
    assert d["instance"] == "acme duo.2x"
    assert (d["instances"], d["gpus_per_instance"]) == (1, 2)
    assert d["usd_per_instance_hour"] == pytest.approx(3.00)
    assert d["usd_per_gpu_hour"] == pytest.approx(1.50)
    assert d["cost_usd"] == pytest.approx(3.00 * d["wall_clock_hours"])
    assert "duo.2x" in d["price_source"]


def test_a_two_gpu_job_on_an_eight_gpu_only_book_pays_the_whole_box(book):
    # only the box: 1 x 8 GPUs x 1.00 USD for the wall-clock hours, four times the
    # job's own 2 GPUs x 1.00; the table says six GPUs stand idle
    book(acme_offer("box.8x", 1.00, 8))
    d = _json(*TRAIN, "--gpus", "2")
    assert (d["instances"], d["gpus_per_instance"]) == (1, 8)
    assert d["cost_usd"] == pytest.approx(8 * 1.00 * d["wall_clock_hours"])
    assert d["cost_usd"] == pytest.approx(4 * d["gpu_hours"] * 1.00)
    r = CliRunner().invoke(cli, [*TRAIN, "--gpus", "2"])
    assert r.exit_code == 0 and "6 GPU(s) idle" in r.stdout


@pytest.mark.parametrize("gpus", [1, 2, 3, 4, 5, 8])
def test_train_bills_the_cheapest_whole_instances_for_any_job_size(book, gpus):
    # 1-GPU at 2.00, 4-GPU at 1.20 (4.80 USD/h), 8-GPU at 1.00 (8.00 USD/h): a job of g
    # GPUs pays min(g x 2.00 if g == 1, 4.80 if g <= 4, 8.00) per wall-clock hour
    book(
        acme_offer("one.1x", 2.00, 1), acme_offer("four.4x", 1.20, 4), acme_offer("box.8x", 1.00, 8)
    )
    d = _json(*TRAIN, "--gpus", str(gpus))
    per_hour = {1: 2.00, 2: 4.80, 3: 4.80, 4: 4.80, 5: 8.00, 8: 8.00}[gpus]
    assert d["usd_per_instance_hour"] == pytest.approx(per_hour)
    assert d["cost_usd"] == pytest.approx(per_hour * d["wall_clock_hours"])
    assert d["instances"] * d["gpus_per_instance"] >= gpus


def test_train_at_a_given_price_is_per_gpu(book):
    # --usd-per-gpu-hour 2: the job's GPUs are the unit; cost = GPU-hours x 2.00
    book(acme_offer("box.8x", 1.00, 8))
    d = _json(*TRAIN, "--gpus", "2", "--usd-per-gpu-hour", "2")
    assert (d["instances"], d["gpus_per_instance"]) == (1, 2)
    assert d["usd_per_instance_hour"] == pytest.approx(4.00)
    assert d["cost_usd"] == pytest.approx(d["gpu_hours"] * 2.00)
    assert d["instance"] == "given with --usd-per-gpu-hour"


def test_train_without_an_offer_has_no_cost_line(book):
    book(acme_offer("l40s.1x", 1.00, 1, gpu="l40s"))  # no H100 at all
    r = CliRunner().invoke(cli, TRAIN)
    assert r.exit_code == 0, r.output
    assert "no cost line" in r.stdout
    d = _json(*TRAIN)
    assert d["cost_usd"] is None and d["instance"] is None and d["instances"] is None


def test_train_refuses_a_price_and_an_offer_together(book):
    book(acme_offer("box.8x", 1.00, 8))
    r = CliRunner().invoke(cli, [*TRAIN, "--usd-per-gpu-hour", "2", "--offer", "box.8x"])
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "not both" in lines[0]


# ---- serve ------------------------------------------------------------------------------


def test_serve_prices_only_from_the_instances_it_places(book):
    # 1 replica of 1 GPU + 1 spare; 1-GPU instances at 3.00 USD/h (two: 6.00 USD/h) or one
    # 8-GPU box at 1.00 USD/GPU-h (8.00 USD/h): the two single GPUs win, 2 x 3.00 x 730
    # = 4,380 USD. The per-GPU route would first have taken the box's 1.00 USD/GPU-h.
    book(acme_offer("one.1x", 3.00, 1), acme_offer("box.8x", 1.00, 8))
    d = _json(*SERVE, "--traffic", "30k requests/month")
    assert (d["replicas"], d["spare_replicas"]) == (1, 1)
    assert (d["instance"], d["instances"], d["gpus_per_instance"]) == ("acme one.1x", 2, 1)
    assert d["usd_per_gpu_hour"] == pytest.approx(3.00)
    assert d["monthly_cost_usd"] == pytest.approx(2 * 3.00 * MONTH)
    assert "one.1x" in d["price_source"] and "box.8x" not in d["price_source"]
    # cost per 1M output tokens: 4,380 USD / (30,000 x 200 / 1e6) = 730 USD
    assert d["usd_per_million_output_tokens"] == pytest.approx(4380 / 6.0)


def test_serve_json_price_fields_are_consistent(book):
    # replicas + 1 spare of 1 GPU on 8-GPU boxes at 1.00 USD/GPU-h: ceil(GPUs / 8) boxes,
    # each 8.00 USD/h for 730 h
    book(acme_offer("box.8x", 1.00, 8))
    d = _json(*SERVE, "--traffic", "30M requests/month", "--tpot-slo", "30 ms")
    paid = (d["replicas"] + d["spare_replicas"]) * d["gpus_per_replica"]
    assert paid > 1 and d["instances"] == -(-paid // 8)
    assert d["gpus_total"] == d["instances"] * d["gpus_per_instance"]
    per_hour, per_gpu = d["usd_per_instance_hour"], d["gpus_per_instance"]
    assert per_hour == pytest.approx(8.00)
    assert d["monthly_cost_usd"] == pytest.approx(d["instances"] * per_hour * MONTH)
    assert d["usd_per_gpu_hour"] == pytest.approx(per_hour / per_gpu)
    assert d["instance"] in d["price_source"]


def test_serve_reports_requests_per_second(book):
    book(acme_offer("box.8x", 1.00, 8))
    d = _json(*SERVE)
    assert d["requests_per_s"] == pytest.approx(d["slo_output_tokens_per_s"] / 200)
    assert d["max_requests_per_s"] == pytest.approx(d["max_output_tokens_per_s"] / 200)
    table = CliRunner().invoke(cli, SERVE).stdout
    assert "requests within SLOs" in table and "requests/s" in table
    csv = CliRunner().invoke(cli, [*SERVE, "--format", "csv"]).stdout
    assert "requests_per_s" in csv.splitlines()[0].split(",")


def test_serve_without_an_offer_has_no_cost_line(book):
    book(acme_offer("l40s.1x", 1.00, 1, gpu="l40s"))
    d = _json(*SERVE, "--traffic", "30k requests/month")
    assert d["monthly_cost_usd"] is None and d["instance"] is None
    assert d["usd_per_gpu_hour"] is None


def test_serve_and_compare_size_a_replica_for_the_same_default_targets():
    # serve without --tpot-slo used to report the unconstrained batch (0.163 s per token
    # for a 100-in / 5-out classifier on one L40S) while compare sized for 100 ms
    import json

    from click.testing import CliRunner

    from tunecost.cli import cli

    args = ["serve", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8"]
    args += ["--input-tokens", "100", "--output-tokens", "5", "--format", "json"]
    out = json.loads(CliRunner().invoke(cli, args).output)
    assert out["tpot_slo_s"] == 0.1 and out["ttft_slo_s"] == 2.0
    assert out["tpot_s"] <= 0.1
    explicit = json.loads(
        CliRunner().invoke(cli, [*args, "--tpot-slo", "100 ms", "--ttft-slo", "2 s"]).output
    )
    assert out["slo_output_tokens_per_s"] == explicit["slo_output_tokens_per_s"]


def test_train_json_says_the_gpu_hours_it_pays_for():
    # a 3-GPU job on an 8-GPU instance pays for 8 GPUs: cost = paid GPU-hours x price
    import json

    from click.testing import CliRunner

    from tunecost.cli import cli

    args = ["train", "--model", "llama-3.1-70b", "--method", "lora", "--examples", "200k"]
    args += ["--tokens-per-example", "1200", "--epochs", "2", "--gpu", "h100", "--gpus", "3"]
    out = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).output)
    paid = out["instances"] * out["gpus_per_instance"] * out["wall_clock_hours"]
    assert out["paid_gpu_hours"] == pytest.approx(paid)
    assert out["cost_usd"] == pytest.approx(out["paid_gpu_hours"] * out["usd_per_gpu_hour"])
    assert out["paid_gpu_hours"] > out["gpu_hours"]


def test_serve_models_lmdeploy_and_scenarios_accept_it(book):
    """LMDeploy's KV cache is 0.8 of what the weights leave (vLLM: 0.9 of all memory)
    and its batch cap on an H100 is 1024, so it holds fewer sequences than vLLM but
    runs the same kernels: a lower unconstrained batch at 2,000-token sequences."""
    book(acme_offer("box.1x", 2.00, 1))
    vllm = _json(*SERVE, "--output-tokens", "1000", "--engine", "vllm")
    lmd = _json(*SERVE, "--output-tokens", "1000", "--engine", "lmdeploy")
    assert lmd["engine"] == "LMDeploy"
    assert 1 <= lmd["max_batch"] < vllm["max_batch"]
    from tunecost.scenario.selfhosting import Serving

    assert Serving.model_fields["engine"].annotation.__args__[-1] == "lmdeploy"


def test_serve_runs_experts_in_parallel_when_asked(book):
    """vLLM and SGLang run a mixture of experts tensor-parallel unless told otherwise
    (vLLM --data-parallel-size with --enable-expert-parallel, SGLang
    --enable-dp-attention); --expert-parallel
    models data-parallel attention with the experts spread, --no-expert-parallel turns
    TensorRT-LLM's default off, and a dense model refuses it in one line."""
    book(acme_offer("box.8x", 16.0, 8, gpu="h200"))
    moe = ["serve", "--model", "qwen3-235b-a22b", "--gpu", "h200", "--gpus", "8"]
    moe += ["--precision", "fp8", "--input-tokens", "1000", "--output-tokens", "1000"]
    tp, ep = _json(*moe), _json(*moe, "--expert-parallel")
    assert (tp["layout"], ep["layout"]) == ("TP8", "DP-attention + EP8")
    table = CliRunner().invoke(cli, moe).output  # the default says how to change it
    assert "experts: tensor-parallel, vLLM's default; --expert-parallel" in table
    # 4 KV heads over 8 tensor-parallel ranks are kept twice; data-parallel attention
    # keeps them once, so nearly twice the tokens fit (less the shared weights copied)
    assert 1.7 < ep["kv_cache_tokens"] / tp["kv_cache_tokens"] < 2.0
    assert _json(*moe, "--engine", "trtllm")["layout"] == "DP-attention + EP8"
    assert _json(*moe, "--engine", "trtllm", "--no-expert-parallel")["layout"] == "TP8"
    small = ["serve", "--model", "qwen3-30b-a3b", "--gpu", "b200", "--gpus", "1"]
    one = CliRunner().invoke(cli, [*small, *moe[7:], "--expert-parallel"])
    assert "changes nothing on one" in one.output, one.output
    r = CliRunner().invoke(cli, [*SERVE, "--expert-parallel"])
    assert r.exit_code == 2, r.output
    assert "--expert-parallel" in r.output and "dense" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_serve_says_when_small_experts_slow_the_prompts(book):
    """A mixture whose experts are narrower than its hidden size prefills its routed
    experts at the measured fused-MoE share and says so; wide experts and dense models
    print no such note."""
    book(acme_offer("box.8x", 16.0, 8, gpu="h200"))
    args = ["--gpu", "h200", "--input-tokens", "1000", "--output-tokens", "100"]
    fine = CliRunner().invoke(cli, ["serve", "--model", "qwen3-30b-a3b", *args])
    assert fine.exit_code == 0, fine.output
    assert "fine-grained (768 wide, hidden 2,048)" in fine.output
    assert "at 0.356 of the GPU's achievable matmul rate" in fine.output
    for wide in ("mixtral-8x7b", "llama-3.1-8b"):
        r = CliRunner().invoke(cli, ["serve", "--model", wide, *args])
        assert r.exit_code == 0 and "fine-grained" not in r.output, r.output


@pytest.mark.parametrize(
    "given, said",
    [
        (
            [],
            "tpot_slo and ttft_slo: the MLPerf Inference server target(s) compare uses (100 ms "
            "per output token, 2 s to the first token); set --tpot-slo, --ttft-slo",
        ),
        (
            ["--tpot-slo", "50 ms"],
            "ttft_slo: the MLPerf Inference server target(s) compare "
            "uses (2 s to the first token); set --ttft-slo",
        ),
    ],
)
def test_serve_names_only_the_latency_targets_it_defaulted(given, said):
    r = CliRunner().invoke(cli, [*SERVE, "--usd-per-gpu-hour", "2", *given])
    assert r.exit_code == 0, r.output
    assert said in " ".join(r.output.split())
    if given:
        assert "100 ms per output token" not in r.output


def test_serve_brackets_replicas_and_cost_with_the_published_spread(book):
    """By hand: a replica serving band.high (band.low) times its estimated rate within
    the SLOs needs ceil(peak / (rate x factor)) replicas, plus the one spare, each on a
    1-GPU acme instance at 2.00 USD/h for 730 h."""
    from tunecost.compute.accuracy import serving_band

    book(acme_offer("one.1x", 2.00, 1))
    d = _json(*SERVE, "--traffic", "30M requests/month")
    band = serving_band("vllm", moe=False)
    peak, rate = d["peak_output_tokens_per_s"], d["slo_output_tokens_per_s"]
    fewest = math.ceil(peak / (rate * band.high))
    most = math.ceil(peak / (rate * band.low))
    assert (d["replicas_low"], d["replicas_high"]) == (fewest, most)
    assert fewest <= d["replicas"] <= most
    assert d["monthly_cost_usd_low"] == pytest.approx((fewest + 1) * 2.00 * MONTH)
    assert d["monthly_cost_usd_high"] == pytest.approx((most + 1) * 2.00 * MONTH)
    r = CliRunner().invoke(cli, [*SERVE, "--traffic", "30M requests/month"])
    assert f"the peak needs {fewest}-{most} replica(s) plus the spares" in r.output


def test_serve_without_traffic_has_no_fleet_range(book):
    book(acme_offer("one.1x", 2.00, 1))
    d = _json(*SERVE)
    assert d["replicas_low"] is None and d["monthly_cost_usd_high"] is None
    assert d["accuracy_runs"] > 0  # the throughput band is still there
