"""Hand-checked worked examples for tunecost.compute.training."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunecost.compute import training as tr
from tunecost.compute import training_memory as tm
from tunecost.pricebook.models import Architecture, generic_architecture

# A toy model small enough to check on paper.
TOY = Architecture(
    id="toy",
    params_total=1e9,
    params_active=1e9,
    layers=2,
    hidden_size=1024,
    intermediate_size=4096,
    attention_heads=8,
    kv_heads=2,
    head_dim=128,
    vocab_size=1000,
    max_context=4096,
)


def test_flops_6nd_pretrain():
    # 6 x 7e9 x 2e12 = 8.4e22 FLOP (Kaplan et al. 2020)
    assert tr.training_flops(7e9, 2e12, "pretrain") == pytest.approx(8.4e22)


def test_flops_lora_4nd_and_recompute_adds_2nd():
    assert tr.training_flops(1e9, 1e6, "lora") == pytest.approx(4e15)
    assert tr.training_flops(1e9, 1e6, "full", recompute=True) == pytest.approx(8e15)


def test_gpu_hours_worked_example():
    # 8.4e22 / (312e12 x 0.4 x 3600) = 8.4e22 / 4.4928e17 = 186,965.81 GPU-hours
    assert tr.gpu_hours(8.4e22, 312e12, 0.4) == pytest.approx(186965.81, rel=1e-7)


def test_finetune_tokens():
    assert tr.finetune_tokens(5000, 700, 3) == 10_500_000


def test_memory_full_worked_example():
    # state 16 B x 1e9 / 4 GPUs = 4e9; activations 2 layers x 34 x 100 x 1024 = 6,963,200;
    # logits 4 x 100 x 1000 = 400,000; activations split over 4 GPUs by tensor parallelism
    # -> 4e9 + 7,363,200 / 4 = 4,001,840,800 bytes
    m = tm.memory_per_gpu(TOY, "full", 4, 100, recompute=False)
    assert m == pytest.approx(4_001_840_800)


def test_memory_recompute_keeps_checkpoints_plus_one_layer():
    # (2 layers x 2 x 100 x 1024 + 34 x 100 x 1024 + logits 400,000) / 8-way split
    m = tm.memory_per_gpu(TOY, "full", math.inf, 100, recompute=True)
    assert m == pytest.approx((2 * 2 * 102_400 + 34 * 102_400 + 400_000) / 8)


def test_lora_adapter_params_worked_example():
    # per layer: q (1024+1024) + k,v 2 x (1024+256) + o (1024+1024) + MLP 3 x (1024+4096)
    # = 22,016; x rank 8 x 2 layers = 352,256
    assert tm.lora_adapter_params(TOY, rank=8) == 352_256


def test_qlora_bytes_per_param():
    assert tm.BYTES_PER_PARAM["qlora"] == pytest.approx(4.127 / 8)


def test_min_gpus_worked_example():
    # activations 6,963,200 + logits 400,000 = 7,363,200 bytes on one GPU
    # 40 GB x 0.9 = 36e9 >= 16e9 + 7,363,200 -> 1 GPU
    assert tm.min_gpus_to_fit(TOY, "full", 40e9, 100, recompute=False) == 1
    # 8 GB x 0.9 = 7.2e9: 2 GPUs need 8e9 + 3.7e6; 3 GPUs need 5.33e9 + 2.5e6 -> 3 GPUs
    assert tm.min_gpus_to_fit(TOY, "full", 8e9, 100, recompute=False) == 3
    # activations / 8 (~0.5 MB with recompute) larger than the GPU -> cannot fit at any count
    assert tm.min_gpus_to_fit(TOY, "full", 1e5, 100) == math.inf


def test_generic_architecture_matches_7b_shape():
    a = generic_architecture(7e9)
    assert a.hidden_size == 4224 and a.layers == 33  # close to Llama 2 7B's 4096 x 32
    assert 12 * a.layers * a.hidden_size**2 == pytest.approx(7e9, rel=0.05)


def test_vectorised_over_arrays():
    tokens = np.array([1e9, 2e9, 4e9])
    out = tr.gpu_hours(tr.training_flops(1e9, tokens, "full"), 1e15, 0.5)
    assert out.shape == (3,)
    assert out[2] == pytest.approx(4 * out[0])


@given(st.floats(1e6, 1e13), st.floats(1e6, 1e13), st.sampled_from(tr.METHODS))
def test_more_tokens_never_fewer_gpu_hours(t1, t2, method):
    lo, hi = sorted((t1, t2))
    f = lambda t: tr.gpu_hours(tr.training_flops(7e9, t, method), 989e12, 0.4)  # noqa: E731
    assert f(hi) >= f(lo)


@given(st.integers(1, 64), st.sampled_from(tr.METHODS))
def test_more_gpus_never_more_memory_per_gpu(g, method):
    # doubling the GPUs keeps every tensor-parallel degree that divided g (g + 1 may not:
    # 3 GPUs cannot split the heads 2-way, so activations are per GPU again)
    a = tm.memory_per_gpu(TOY, method, g, 512)
    b = tm.memory_per_gpu(TOY, method, 2 * g, 512)
    assert b <= a


def test_tensor_parallelism_splits_whole_attention_heads():
    # Megatron-LM splits whole heads across TP ranks: Llama 3.1 70B (64 heads, 8 KV heads)
    # on 3 GPUs is FSDP without TP, on 4 GPUs TP4, on 8 TP8; a generic shape for a bare
    # parameter count has no real heads and keeps min(g, 8) where g divides
    from tunecost.compute.training_memory import tensor_parallel
    from tunecost.pricebook.book import open_book
    from tunecost.pricebook.models import generic_architecture

    arch = open_book().architecture("llama-3.1-70b")
    assert (arch.attention_heads, arch.kv_heads) == (64, 8)
    assert [tensor_parallel(arch, g) for g in (1, 3, 4, 6, 8, 24)] == [1, 1, 4, 2, 8, 8]
    assert tensor_parallel(generic_architecture(7e9), 3) == 3
