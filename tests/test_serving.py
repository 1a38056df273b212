"""Hand-checked worked examples for tunecost.compute.serving."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import TOY_CHIP, TOY_MODEL
from tunecost.compute import memory as mem
from tunecost.compute import roofline as rf
from tunecost.compute import serving as sv
from tunecost.pricebook.models import Architecture

TOY, CHIP = TOY_MODEL, TOY_CHIP
IDEAL = {"mem_eff": 1.0, "compute_eff": 1.0}


def test_kv_bytes_per_sequence():
    # 10 layers x 2 x 10 heads x 100 dims x 2 bytes = 40,000 bytes per token
    assert mem.kv_bytes_per_sequence(TOY, 100) == pytest.approx(4e6)
    assert mem.kv_bytes_per_sequence(TOY, 100, "fp8") == pytest.approx(2e6)


def test_decode_memory_bound_at_batch_1():
    # weights 2e9 B + KV 4e6 B over 1e12 B/s = 2.004 ms; math 2.004e9 FLOP / 1e14 = 20 us
    t = rf.decode_step_seconds(TOY, CHIP, 1, 100, **IDEAL)
    assert t == pytest.approx(2.004e-3)


def test_decode_at_batch_100():
    # memory 2e9 + 100 x 4e6 = 2.4e9 B -> 2.4 ms; math 100 x (2e9 + 4e6) = 2.004e11 -> 2.004 ms
    t = rf.decode_step_seconds(TOY, CHIP, 100, 100, **IDEAL)
    assert t == pytest.approx(2.4e-3)


def test_prefill_worked_example():
    # 2 x 1e9 x 100 + attention 2 x 1000 x 100 x (10 x 100) = 2.002e11 FLOP -> 2.002 ms
    assert rf.prefill_seconds(TOY, CHIP, 100, **IDEAL) == pytest.approx(2.002e-3)


def test_allreduce_ring():
    # 2 (2-1)/2 x 1e6 B / (100e9 / 2) = 20 us, no latency
    # 2 (2-1)/2 x 1e6 B / (100e9 / 2) = 20 us, plus NCCL latency 6.6 + 0.6 x 2 = 7.8 us
    assert rf.allreduce_seconds(1e6, 2, 100e9, efficiency=1.0) == pytest.approx(2.78e-5)
    assert rf.allreduce_seconds(1e6, 1, 100e9) == 0


def test_weight_bytes():
    assert mem.weight_bytes(1e9, "bf16") == 2e9
    assert mem.weight_bytes(1e9, "fp8") == 1e9
    assert mem.weight_bytes(1e9, "fp4") == pytest.approx(0.5625e9)


def test_moe_weights_read_grow_with_batch():
    moe = Architecture(
        id="moe",
        params_total=47e9,
        params_active=13e9,
        layers=32,
        hidden_size=4096,
        num_experts=8,
        experts_per_token=2,
        attention_heads=32,
        kv_heads=8,
        head_dim=128,
    )
    shared, expert = moe.expert_split()
    # total = shared + 8 e, active = shared + 2 e -> e = 34e9 / 6, shared = 13e9 - 2e
    assert expert == pytest.approx(34e9 / 6)
    assert shared == pytest.approx(13e9 - 2 * 34e9 / 6)
    reads = rf.weights_read_per_step(moe, np.array([1, 4, 1000]), "bf16")
    # batch 1 reads shared + 2 experts = active params
    assert reads[0] == pytest.approx(2 * 13e9)
    assert reads[1] > reads[0]
    assert reads[2] == pytest.approx(2 * 47e9, rel=1e-6)


def test_replicas_for_peak():
    assert sv.replicas_for_peak(0.0, 100.0, min_replicas=0) == 0
    assert sv.replicas_for_peak(0.0, 100.0, min_replicas=1) == 1
    assert sv.replicas_for_peak(1.0, 100.0, min_replicas=0) == 1  # never zero with traffic
    assert sv.replicas_for_peak(250.0, 100.0) == 3


def test_estimate_end_to_end_toy():
    est = sv.estimate_serving(
        TOY, CHIP, input_tokens=100, output_tokens=100, requests_per_month=1e6, usd_per_gpu_hour=2.0
    )
    assert est.gpus_per_replica == 1
    assert est.max_batch >= 1
    assert est.max_output_tokens_per_s >= est.slo_output_tokens_per_s
    assert est.monthly_cost_usd == pytest.approx(est.replicas * 730 * 2.0)


@given(st.floats(1e3, 1e9), st.floats(1e3, 1e9))
def test_more_traffic_never_fewer_replicas(a, b):
    lo, hi = sorted((a, b))

    def r(q):
        return sv.estimate_serving(
            TOY,
            CHIP,
            input_tokens=100,
            output_tokens=100,
            requests_per_month=q,
        ).replicas

    assert r(hi) >= r(lo)


def test_throughput_rises_with_batch():
    b = np.arange(1, 50)
    t = rf.decode_step_seconds(TOY, CHIP, b, 200)
    assert np.all(np.diff(b / t) > 0)


def test_burst_runs_in_full_batches_and_one_partial():
    """500 requests on a replica that batches 121: 4 batches of 121 and one of 16.
    With TPOT 0.1 s at batch 121 and 0.02 s at batch 16 the run takes
    n_out x (4 x 0.1 + 0.02) and measures 500 / 0.42 = 1,190.48 tokens/s, against the
    steady 121 / 0.1 = 1,210."""
    tpot = np.linspace(0.01, 0.1, 121)
    tpot[15] = 0.02
    assert sv.burst_output_tokens_per_s(tpot, 500) == pytest.approx(500 / 0.42)
    # a whole number of batches is the steady rate; fewer requests than a batch, one batch
    assert sv.burst_output_tokens_per_s(tpot, 242) == pytest.approx(1210.0)
    assert sv.burst_output_tokens_per_s(tpot, 16) == pytest.approx(16 / 0.02)


@given(
    b=st.integers(1, 300),
    n=st.integers(1, 5000),
    step=st.floats(1e-3, 1.0),
    pre=st.floats(0.0, 10.0),
)
def test_a_finite_run_never_beats_the_steady_state(b, n, step, pre):
    """With TPOT(B) = step + B pre / n_out (throughput rising with the batch), a run of
    n requests measures at most the steady B / TPOT(B), and exactly that when its last
    batch is full."""
    batches = np.arange(1, b + 1)
    tpot = step + batches * pre / 100.0
    steady = b / tpot[-1]
    burst = sv.burst_output_tokens_per_s(tpot, n)
    assert burst <= steady * (1 + 1e-9)
    if n % b == 0:
        assert burst == pytest.approx(steady)
