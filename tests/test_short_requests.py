"""Short requests (classification-like: a prompt and one output token) against
published figures (issue 13, point 7).

Data: tests/data/reference_short_requests.csv (source, commit and arithmetic in each
row). The estimator runs with its cited defaults; nothing is tuned to these rows, which
are all kept aside from calibration. ``requests_per_s`` is compared: with one output
token it equals output tokens/s (the ``tokens_per_s`` column that
:func:`tunecost.analysis.calibration.compare_serving` reads).

Tolerance: 30% per row and for the median, the tolerance of the TensorRT-LLM serving
rows in tests/test_reference_runs.py (same estimator, same kind of source). The
TensorRT-LLM v0.5 figures are first-token latencies at batch 1 published in whole ms
(rounding alone is up to +-7% on the 7 ms row), from an older release than the engine
defaults cite. Figures (estimate / published, at this commit):

- LLaMA 7B, 2048-token prompt, batch 1: H100 FP8 1.42, L40S FP8 1.14, A100 FP16 1.12.
  A 2048-token prompt is compute-bound, so these check the prefill rate that caps a
  batched classification workload.
- LLaMA 7B, 128-token prompt, batch 1: H100 FP8 1.19, L40S FP8 0.81, A100 FP16 0.85.
- Qwen2.5 0.5B FP8 on H100, vLLM 0.7.3, 600-token prompts, one output token, 25,000
  prompts at once: 4.75 (estimate 2,099 prompts/s against 442 published).

Known misses, reported rather than hidden by a wider tolerance:

- H100 FP8 at 2048 tokens, +42%: the published rate is 2 x 6.74e9 x 2048 / 0.036 s =
  767 TFLOP/s of linear-layer math, 39% of the H100's dense FP8 peak (1,979), below the
  matmul share the estimate takes from today's measurements; the L40S and A100 rows of
  the same table are within 14%.
- vLLM with a 0.5B model, 4.75x: at about 0.5 ms of GPU time per prompt (the
  estimate's 2,099 prompts/s), the HTTP server, tokenisation of the prompts and
  detokenisation, and the scheduler's per-step CPU work plausibly set the rate; the
  roofline models GPU time only, so it is optimistic for tiny models with one-token
  outputs. Not checked further: the benchmark publishes no GPU utilisation.
"""

import csv
import statistics
from pathlib import Path

import pytest

from tunecost.analysis.calibration import compare_serving

DATA = Path(__file__).parent / "data" / "reference_short_requests.csv"
ROWS = compare_serving(DATA)
TOLERANCE = 0.30
KNOWN_MISS = {"trtllm05_llama7b_h100_fp8_2048_1", "vllm073_qwen25_05b_h100_fp8_600_1"}
WITHIN = [r for r in ROWS if r.case not in KNOWN_MISS]


def test_every_row_has_an_estimate():
    assert len(ROWS) == 7
    assert all(r.estimate is not None for r in ROWS), [r.note for r in ROWS]


@pytest.mark.parametrize("row", WITHIN, ids=[r.case for r in WITHIN])
def test_short_request_row_within_tolerance(row):
    assert row.ratio == pytest.approx(1.0, abs=TOLERANCE)


def test_median_error_within_tolerance():
    # |ratio - 1| over all 7 rows, misses included: 0.12, 0.14, 0.15, 0.19, 0.19, 0.42, 3.75
    errors = sorted(abs(r.ratio - 1) for r in ROWS)
    assert statistics.median(errors) <= TOLERANCE


@pytest.mark.parametrize("case", sorted(KNOWN_MISS))
def test_known_misses_are_still_overestimates_we_document(case):
    """If a model change brings one inside the tolerance, move it out of KNOWN_MISS
    and the docstring; if it turns into an underestimate, say why."""
    (row,) = [r for r in ROWS if r.case == case]
    assert row.ratio > 1 + TOLERANCE


def _data() -> list[dict]:
    with open(DATA, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _data(), ids=lambda r: r["case"])
def test_published_figure_converts_to_the_rate_in_the_row(row):
    # one output token: requests/s = output tokens/s; "36 ms" at batch 1 is 1000 / 36
    # = 27.78 requests/s; "56.60 s for 25000 prompts" is 25,000 / 56.60 = 441.7
    rate = float(row["requests_per_s"])
    assert float(row["output_len"]) == 1 and float(row["tokens_per_s"]) == rate
    figure = row["published_figure"].split()
    if figure[1] == "ms":
        assert rate == pytest.approx(1000 / float(figure[0]), rel=0.002)
    else:
        assert rate == pytest.approx(float(figure[3]) / float(figure[0]), rel=0.002)
    assert row["source"].count("https://github.com/") == 1 and "commit" in row["source"]
