"""Engine releases: an older release runs a feature's old kernels, measured slower."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunecost.analysis.calibration import compare_serving
from tunecost.compute import engine_releases as er
from tunecost.compute.estimates import estimate_serving
from tunecost.errors import InputError
from tunecost.pricebook.book import open_book

BOOK = open_book()
R1 = BOOK.architecture("deepseek-r1")
LLAMA = BOOK.architecture("llama-3.1-70b")
MIXTRAL = BOOK.architecture("mixtral-8x7b")
MI300X = BOOK.gpu("mi300x")
H200 = BOOK.gpu("h200")
DATA = Path(__file__).parent / "data"


def _serve(engine, gpu="mi300x", batch=128):
    return estimate_serving(
        model="deepseek-r1",
        gpu=gpu,
        gpus=8,
        precision="fp8",
        input_tokens=3200,
        output_tokens=800,
        max_batch=batch,
        engine=engine,
        book=BOOK,
    )


def test_the_current_release_misses_nothing():
    assert er.release_slowdown(er.engine_as_of("vllm", None), MI300X, R1) == 1.0
    assert er.engine_as_of("vllm", None) == er.engine_as_of("vllm", None)


def test_vllm_on_rocm_before_aiter_mla_runs_the_measured_factor_slower():
    # the vLLM blog of 2026-02-27: Triton MLA at 1/1.24 of AITER MLA's output tokens/s
    # (MI300X, DeepSeek-R1, 128 requests); AITER MLA first shipped in v0.8.5, 2025-04-28
    march = er.engine_as_of("vllm", "2025-03-18")  # dstack's DeepSeek-R1 post
    assert er.release_slowdown(march, MI300X, R1) == pytest.approx(1.24)
    assert er.release_slowdown(er.engine_as_of("vllm", "2025-04-27"), MI300X, R1) == 1.24
    assert er.release_slowdown(er.engine_as_of("vllm", "2025-04-28"), MI300X, R1) == 1.0
    assert er.release_slowdown(er.engine_as_of("vllm", "2026-01-15"), MI300X, R1) == 1.0


def test_sglang_on_rocm_before_aiter_runs_at_half_the_throughput():
    # AMD's ROCm blog of 2025-05-16: SGLang with AITER 14,635.98 tokens/s against 7,332.02
    # without (DeepSeek-R1, 8 x MI300X, batch 64, 512 / 32): 2.00x
    feb = er.engine_as_of("sglang", "2025-03-18")  # dstack ran 0.4.2.post4 then
    assert er.release_slowdown(feb, MI300X, R1) == pytest.approx(14635.98 / 7332.02, rel=1e-3)
    assert er.release_slowdown(er.engine_as_of("sglang", "2025-05-16"), MI300X, R1) == 1.0
    (u,) = er.missing_upgrades(feb, MI300X, R1)
    assert u.feature == "mla+moe" and u.since == "2025-05-16"


@pytest.mark.parametrize(
    ("engine", "gpu", "arch"),
    [
        ("vllm", H200, R1),  # no measured upgrade on CUDA
        ("sglang", H200, R1),
        ("trtllm", MI300X, R1),
        ("vllm", MI300X, LLAMA),  # grouped-query attention, not MLA
        ("sglang", MI300X, LLAMA),  # measured on MLA + experts: a dense model gets none
        ("sglang", MI300X, MIXTRAL),  # experts without latent attention: none either
    ],
)
def test_no_factor_without_a_measured_upgrade(engine, gpu, arch):
    assert er.release_slowdown(er.engine_as_of(engine, "2025-03-18"), gpu, arch) == 1.0


def test_an_old_release_serves_its_throughput_over_the_factor():
    # batch 128: a decode step (tens of ms) is far above the host's 128 x 25 us, so
    # decode and prefill both scale by 1.24 and so does throughput; nothing else moves
    now, then = _serve("vllm"), _serve(er.engine_as_of("vllm", "2025-03-18"))
    assert now.max_output_tokens_per_s / then.max_output_tokens_per_s == pytest.approx(1.24)
    assert (now.max_batch, now.layout) == (then.max_batch, then.layout)
    assert then.ttft_s / now.ttft_s == pytest.approx(1.24)


def test_a_users_default_estimate_is_the_current_release():
    assert _serve("vllm").max_output_tokens_per_s == pytest.approx(
        _serve(er.engine_as_of("vllm", None)).max_output_tokens_per_s
    )
    assert _serve("vllm", gpu="h200").max_output_tokens_per_s == pytest.approx(
        _serve(er.engine_as_of("vllm", "2025-03-18"), gpu="h200").max_output_tokens_per_s
    )


@pytest.mark.parametrize("bad", ["March 2025", "2025-3-18", "20250318", ""])
def test_a_release_date_must_be_an_iso_date(bad):
    with pytest.raises(InputError) as err:
        er.engine_as_of("vllm", bad)
    assert err.value.field == "engine"
    assert "YYYY-MM-DD" in err.value.message


def test_unknown_engine_is_still_refused():
    with pytest.raises(InputError):
        er.engine_as_of("tgi", "2025-03-18")


def test_first_date_reads_the_source_then_the_notes():
    src = "dstackai/benchmarks ... (blog 'DeepSeek R1 ...', dstack.ai, 2025-03-18), https://x"
    assert er.first_date(src, "notes 2024-01-01") == "2025-03-18"
    assert er.first_date("commit 7f37e6697725e58d", "run 2024-07-23") == "2024-07-23"
    assert er.first_date("rocm6.4.1_vllm_0.10.0_20250812", None) is None
    assert er.first_date(None, "") is None


RELEASE_DATES = st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(date.isoformat)


@given(RELEASE_DATES, RELEASE_DATES)
def test_a_later_release_is_never_slower(a, b):
    early, late = sorted((a, b))
    s_early = er.release_slowdown(er.engine_as_of("vllm", early), MI300X, R1)
    s_late = er.release_slowdown(er.engine_as_of("vllm", late), MI300X, R1)
    assert s_early >= s_late >= 1.0


def test_calibration_runs_the_dstack_vllm_mi300x_rows_as_of_their_post():
    rows = compare_serving(DATA / "reference_serving_runs.csv")
    old = [r for r in rows if r.case.startswith("dstack_vllm_dsr1_mi300x")]
    assert old and all("as of 2025-03-18: mla before 2025-04-28" in r.note for r in old)
    sgl = [r for r in rows if r.case.startswith("dstack_sglang_dsr1_mi300x")]
    assert sgl and all(
        "as of 2025-03-18: mla+moe before 2025-05-16, x1/1.996" in r.note for r in sgl
    )
    others = [
        r for r in rows if r.case.startswith(("dstack_sglang_dsr1_h200", "dstack_vllm_dsr1_h200"))
    ]
    assert others and not any("as of" in r.note for r in others)
