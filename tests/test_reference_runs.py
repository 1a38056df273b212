"""Golden tests: the estimators against published training and inference runs.

Data: tests/data/reference_*.csv (sources in each row). The estimators run with their
cited defaults; nothing is tuned per row. Tolerances:

- Training GPU-hours: the published figures are GPU count x days or model-card totals
  that include restarts and evaluation, good to perhaps +-15%; each dense row must be
  within 25% and the median within 25% (the issue's target). OLMoE is a mixture of
  experts whose published figure is "256 H100 for ~10 days" and whose token count is
  itself uncertain (5.1T in the text, 4.06T in table 2): within 35%.
- Serving throughput: TensorRT-LLM v1.0 rows within 30% each, median within 30%. The
  TensorRT-LLM 0.5 H200 launch rows ("preliminary measured performance") are checked
  for the median only, and one row is a known miss: Llama 2 70B at TP4, static batch
  512, 128/2048 published 6,616 tokens/s, a third of what the same release reports per
  GPU at TP1; the roofline cannot explain it and does not try.
"""

from pathlib import Path

import pytest

from tunecost.analysis.calibration import (
    by_group,
    compare_serving,
    compare_training,
    median_abs_error,
    p90_abs_error,
)
from tunecost.compute.estimates import estimate_serving, estimate_training

DATA = Path(__file__).parent / "data"
TRAINING = compare_training(DATA / "reference_training_runs.csv")
SERVING = compare_serving(DATA / "reference_inference_runs.csv")
KNOWN_MISS = {"trtllm050_h200_70b_tp4_bs512_128_2048"}
PUBLISHED_TRAINING = compare_training(DATA / "reference_training_runs_published.csv")
PUBLISHED_SERVING = compare_serving(DATA / "reference_serving_runs.csv")


def test_training_median_within_25_percent():
    assert len(TRAINING) == 6
    assert median_abs_error(TRAINING) <= 0.25


@pytest.mark.parametrize("row", TRAINING, ids=[r.case for r in TRAINING])
def test_training_row(row):
    tolerance = 0.35 if row.case.startswith("olmoe") else 0.25
    assert row.ratio == pytest.approx(1.0, abs=tolerance)


def test_serving_median_within_30_percent():
    assert len(SERVING) == 27
    assert median_abs_error(SERVING) <= 0.30


V1_ROWS = [r for r in SERVING if r.case.startswith("trtllm_llama_33")]


@pytest.mark.parametrize("row", V1_ROWS, ids=[r.case for r in V1_ROWS])
def test_serving_trtllm_v1_row(row):
    assert row.ratio == pytest.approx(1.0, abs=0.30)


def test_serving_known_miss_is_still_an_overestimate_we_document():
    miss = [r for r in SERVING if r.case in KNOWN_MISS]
    assert len(miss) == 1 and miss[0].ratio > 2


def test_finetune_rows_are_bounded_by_their_data():
    """Alpaca (52K examples, 3 epochs, max length 512) and Vicuna (70K conversations,
    context 2048, 3 epochs) cannot have seen more tokens than that; at that ceiling the
    estimate must not exceed the published 24 and 192 GPU-hours."""
    alpaca = estimate_training(
        model="llama-7b",
        examples=52_000,
        tokens_per_example=512,
        epochs=3,
        method="full",
        gpu="a100-80gb",
        gpus=8,
    )
    vicuna = estimate_training(
        model="llama-13b",
        examples=70_000,
        tokens_per_example=2048,
        epochs=3,
        method="full",
        gpu="a100-80gb",
        gpus=8,
    )
    assert 0 < alpaca.gpu_hours <= 24
    assert 0 < vicuna.gpu_hours <= 192


def test_collected_rows_and_their_split():
    """Issue 14: at least 15 more training runs and 60 more serving rows from engines
    other than TensorRT-LLM, a third of them kept aside."""
    assert len(PUBLISHED_TRAINING) >= 15
    other = [r for r in PUBLISHED_SERVING if r.tags.get("engine") != "trtllm"]
    assert len(other) >= 60
    for rows in (PUBLISHED_TRAINING, PUBLISHED_SERVING):
        kept = sum(r.split == "kept-aside" for r in rows) / len(rows)
        assert 0.25 <= kept <= 0.40


@pytest.mark.parametrize(
    "name", ["reference_training_runs_published.csv", "reference_serving_runs.csv"]
)
def test_split_is_the_hash_of_the_case_name(name):
    """A row is kept aside when sha256(case) is divisible by 3, whatever its numbers:
    the rule fixes the split before any row is scored, including rows added later."""
    import csv
    import hashlib

    with open(DATA / name, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            digest = int(hashlib.sha256(row["case"].encode()).hexdigest(), 16)
            expected = "kept-aside" if digest % 3 == 0 else "calibration"
            assert row["split"] == expected, row["case"]


def test_clients_sending_many_requests_are_batched_at_the_servers_cap(tmp_path):
    """'1000 requests at once' is the client's concurrency: a vLLM server on an A100
    still batches at most its max_num_seqs of 256; a static batch is the batch."""
    import csv

    with open(DATA / "reference_serving_runs.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    row = next(r for r in rows if r["case"] == "gpustack_qwen3-14b_a100x1_bf16_vllm_rand128_128_4")
    static = dict(row, case="static", concurrency_or_scenario="static batch size 512")
    # AMD's offline runs raise vLLM's cap with --max-num-seqs: that is the batch
    offline = next(r for r in rows if r["case"] == "rocm_vllm_l31_70b_mi300xx8_fp8_128_2048")
    path = tmp_path / "rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows([row, static, offline])
    client, fixed, raised = compare_serving(path)
    assert (
        client.note.startswith("vLLM, TP1, batch 256;") and "1000" in row["concurrency_or_scenario"]
    )
    assert fixed.note.endswith("batch 512")
    assert "--max-num-seqs 3200" in offline["concurrency_or_scenario"]
    assert raised.note.endswith("batch 3200")


def test_rows_that_ran_experts_in_parallel_are_estimated_so(tmp_path):
    """vLLM's '-dp=2 --enable-expert-parallel' runs data-parallel attention with the
    experts spread; its '-tp 2' twin stays tensor-parallel (the engine's default), even
    though both rows' notes name the chart 'dsr1-ep2-tp2-...'."""
    import csv

    with open(DATA / "reference_serving_runs.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = {r["case"]: r for r in reader}
    cases = ["vllmown_gb300_dsr1_gb300x2_fp4_ep2_c64_2048_64"]
    cases += ["vllmown_gb300_dsr1_gb300x2_fp4_tp2_c64_2048_64"]
    assert all("ep2-tp2" in rows[c]["notes"] for c in cases)
    path = tmp_path / "rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows[c] for c in cases)
    ep, tp = compare_serving(path)
    assert ep.note.startswith("vLLM, DP-attention + EP2,") and tp.note.startswith("vLLM, TP2,")


def test_no_published_configuration_is_refused():
    refused = [r.case for r in PUBLISHED_TRAINING + PUBLISHED_SERVING if r.ratio is None]
    assert refused == []


def _kept(rows):
    return [r for r in rows if r.split == "kept-aside"]


def test_training_kept_aside_meets_the_issue_targets():
    kept = _kept(PUBLISHED_TRAINING)
    assert median_abs_error(kept) <= 0.15
    assert p90_abs_error(kept) <= 0.40


def test_trtllm_kept_aside_meets_the_issue_targets():
    kept = by_group(_kept(PUBLISHED_SERVING), "engine")["trtllm"]
    assert median_abs_error(kept) <= 0.20
    assert p90_abs_error(kept) <= 0.60


def test_lmdeploy_kept_aside_meets_the_issue_targets():
    """LMDeploy's own static-batch tables (A100, Llama 2, InternLM-20B; RTX 4090 AWQ)."""
    kept = by_group(_kept(PUBLISHED_SERVING), "engine")["lmdeploy"]
    assert len(kept) >= 15
    assert median_abs_error(kept) <= 0.20
    assert p90_abs_error(kept) <= 0.60


def test_vllm_and_sglang_kept_aside_do_not_regress():
    """Not yet at the issue's 20% / 60%: DeepSeek-R1 rows stay 1.3-2.3x optimistic,
    prefill-heavy bursts 1.2-2x (docs/accuracy.md, known misses). Hold today's figures:
    vLLM 21.2% / 84.0% over 67 rows, SGLang 26.9% / 125.7% over 20 (22.6% / 96.5% and
    30.2% / 125.7% before finite runs were estimated as runs; 28.1% / 99.2% and 33.3% /
    139.2% before fine-grained experts prefilled at their measured share; SGLang 69.1% /
    174.5% before it ran on ROCm as released before AITER)."""
    groups = by_group(_kept(PUBLISHED_SERVING), "engine")
    assert median_abs_error(groups["vllm"]) <= 0.22
    assert p90_abs_error(groups["vllm"]) <= 0.85  # 1.47 before engine releases
    assert median_abs_error(groups["sglang"]) <= 0.27
    assert p90_abs_error(groups["sglang"]) <= 1.26


def test_readme_quotes_the_kept_aside_figures():
    """The README's accuracy list is the kept-aside median and p90 as computed now."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    training = [r for r in _kept(PUBLISHED_TRAINING) if r.ratio]
    lines = [f"training GPU-hours: {_pair(training)}"]
    names = {"trtllm": "TensorRT-LLM", "lmdeploy": "LMDeploy", "vllm": "vLLM", "sglang": "SGLang"}
    groups = by_group(_kept(PUBLISHED_SERVING + SERVING), "engine")
    lines += [f"serving throughput, {names[e]}: {_pair(groups[e])}" for e in names]
    for line in lines:
        assert f"- {line}" in readme, line
    rows = len(PUBLISHED_SERVING) + len(SERVING)
    assert f"{len(PUBLISHED_TRAINING) + len(TRAINING)} published training" in readme
    assert f"{rows} published serving" in readme


def _pair(rows) -> str:
    return f"{100 * median_abs_error(rows):.1f}% (p90 {100 * p90_abs_error(rows):.1f}%)"


def test_docs_accuracy_table_is_current():
    import importlib.util

    path = Path(__file__).parents[1] / "tools" / "reference_errors.py"
    spec = importlib.util.spec_from_file_location("reference_errors", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TARGET.read_text() == module.render(), "run tools/reference_errors.py"


@pytest.mark.parametrize(
    ("text", "batch", "run"),
    [
        ("500 requests at once (vllm bench serve, request rate inf, num-prompts 500)", 500, 500),
        ("offline, 1024 requests at once (benchmark_throughput.py)", 1024, 1024),
        ("32 requests at once (max concurrency 32, 100 prompts)", 32, 100),
        ("32 requests at once (max concurrency 32, 100 requests)", 32, 100),
        ("64 requests at once; 64 client thread(s) each send test_round=6 requests", 64, 384),
        ("32 requests at once (max concurrency 32, prefill-only)", 32, None),
        ("16 requests at once (max concurrency 16, request rate inf)", 16, None),
        ("max-throughput offline (trtllm-bench throughput, infinite request rate)", 8, None),
        ("max-throughput offline (benchmark_throughput.py, 2000 prompts)", None, 2000),
        ("offline (benchmark_throughput.py, 1500 prompts, --max-num-seqs 1500)", None, 1500),
    ],
)
def test_a_rows_whole_run_is_read_from_what_it_says(text, batch, run):
    """A finite run is estimated as one only when the row states its size; an
    open-ended run (a concurrency cap and no prompt count) is a steady state."""
    from tunecost.analysis.calibration import _run_requests

    assert _run_requests(text, batch) == run


def test_a_finite_run_is_estimated_as_its_batches(tmp_path):
    """GPUStack sent 500 prompts at once to vLLM on one H100 (Qwen3-14B, 2,000 / 100):
    the estimate batches 122 at a time, so the run is four full batches and one of 12,
    and the figure compared is what that run measures, below the steady maximum."""
    import csv

    with open(DATA / "reference_serving_runs.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        row = next(
            r for r in reader if r["case"] == "gpustack_qwen3-14b_h100x1_bf16_vllm_rand2k_2000_100"
        )
    path = tmp_path / "rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)
    (run,) = compare_serving(path)
    assert run.note.endswith("a run of 500, its last batch 12")
    est = estimate_serving(
        model="qwen3-14b", gpu="h100", input_tokens=1996, output_tokens=100,
        max_batch=500, burst=500,
    )  # fmt: skip
    assert run.estimate == pytest.approx(est.burst_output_tokens_per_s)
    assert run.estimate < est.max_output_tokens_per_s
    # by hand: 4 batches of 122 at TPOT(122) and one of 12 at TPOT(12), each TPOT the
    # replica's at that batch (a plan capped there has it as its largest)
    kw = {"model": "qwen3-14b", "gpu": "h100", "input_tokens": 1996, "output_tokens": 100}
    t122 = estimate_serving(**kw, max_batch=122).tpot_at_max_batch_s
    t12 = estimate_serving(**kw, max_batch=12).tpot_at_max_batch_s
    assert run.estimate == pytest.approx(500 / (4 * t122 + t12))
