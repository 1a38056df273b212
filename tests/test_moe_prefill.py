"""Prefill of fine-grained mixtures of experts: small experts, small GEMMs, less of the GPU."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import TOY_CHIP
from tunecost.compute import roofline as rf
from tunecost.compute.moe import is_fine_grained
from tunecost.pricebook.book import open_book
from tunecost.pricebook.models import Architecture

CHIP = TOY_CHIP  # not in the MAMF table: the default share 0.803
# 8 experts, 2 per token: expert = (5e9 - 2e9) / 6 = 0.5e9, shared = 2e9 - 2 x 0.5e9 = 1e9
FINE = Architecture(
    id="fine",
    params_total=5e9,
    params_active=2e9,
    layers=10,
    hidden_size=1000,
    intermediate_size=500,  # narrower than the hidden size: fine-grained
    attention_heads=10,
    kv_heads=10,
    head_dim=100,
    num_experts=8,
    experts_per_token=2,
)
COARSE = replace(FINE, id="coarse", intermediate_size=2000)


def test_fine_grained_is_experts_narrower_than_the_hidden_size():
    book = open_book()
    fine = ["deepseek-r1", "qwen3-30b-a3b", "qwen3-235b-a22b", "glm-4.6", "kimi-k2-thinking"]
    coarse = ["mixtral-8x7b", "llama-4-maverick", "gpt-oss-120b", "llama-3.1-70b"]
    assert all(is_fine_grained(book.architecture(m)) for m in fine)
    assert not any(is_fine_grained(book.architecture(m)) for m in coarse)


def test_prefill_of_fine_grained_experts_worked_example():
    # shared 1e9 at 0.803 x 0.59, routed 1e9 at 0.803 x 0.356, 1,000 tokens on 100 TFLOP/s:
    # 2 x 1000 / 1e14 x (1e9 / 0.47377 + 1e9 / 0.285868) = 0.112177 s
    # attention 2 x 1000 x 1000 x (10 layers x 1000) = 2e10 FLOP at 1e14 x 0.47377 = 0.000422 s
    # (the weight read, 10e9 bytes x 1000 / 8192 at 0.6 TB/s = 2 ms, is below it)
    linear = 2e3 / 1e14 * (1e9 / (0.803 * 0.59) + 1e9 / (0.803 * 0.356))
    attention = 2e10 / (1e14 * 0.803 * 0.59)
    assert linear + attention == pytest.approx(0.112599, rel=1e-4)
    assert rf.prefill_seconds(FINE, CHIP, 1000) == pytest.approx(linear + attention)


def test_coarse_experts_keep_the_whole_step_moe_share():
    # the same 2e9 active parameters all at 0.803 x 0.59: 2e3 x 2e9 / 4.7377e13 = 0.084430 s,
    # plus the same 0.000422 s of attention; the fine one takes 0.112599 / 0.084852 = 1.3270x
    expected = 2e3 * 2e9 / (1e14 * 0.803 * 0.59) + 2e10 / (1e14 * 0.803 * 0.59)
    assert rf.prefill_seconds(COARSE, CHIP, 1000) == pytest.approx(expected)
    assert rf.prefill_seconds(FINE, CHIP, 1000) / expected == pytest.approx(1.3270, rel=1e-3)


@given(st.floats(1.0, 200_000.0), st.integers(1, 8))
def test_small_experts_never_prefill_faster(tokens, gpus):
    layout = rf.Layout(tp=gpus)
    fine = rf.prefill_seconds(FINE, CHIP, tokens, layout=layout)
    coarse = rf.prefill_seconds(COARSE, CHIP, tokens, layout=layout)
    assert fine >= coarse
    # a share given outright (a calibrated what-if) applies to every FLOP alike
    given_share = {"compute_eff": 0.5, "layout": layout}
    assert rf.prefill_seconds(FINE, CHIP, tokens, **given_share) == pytest.approx(
        rf.prefill_seconds(COARSE, CHIP, tokens, **given_share)
    )
