"""Serving physics of issue 14: experts touched, layouts, engines, formats, host limit."""

import numpy as np
import pytest

from helpers import TOY_CHIP, TOY_MODEL
from tunecost.compute import engines, formats, moe
from tunecost.compute import roofline as rf
from tunecost.compute.estimates import estimate_serving
from tunecost.compute.layout import Layout, layouts_for
from tunecost.compute.names import engine_id, gpu_id, model_architecture, weight_format
from tunecost.errors import InputError
from tunecost.pricebook.book import open_book
from tunecost.pricebook.models import Architecture

MOE = Architecture(
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


def test_experts_touched_is_occupancy():
    # one token touches k experts; E (1 - (1 - k/E)^B) distinct for B tokens
    assert moe.experts_touched(8, 2, 1) == pytest.approx(2.0)
    assert moe.experts_touched(8, 2, 2) == pytest.approx(8 * (1 - 0.75**2))
    assert moe.experts_touched(256, 8, 10_000) == pytest.approx(256.0)


def test_expert_parallel_splits_expert_reads_and_replicates_shared():
    shared, expert = moe.weight_split_bytes(MOE, "bf16")
    dense, experts = moe.weight_read_parts(MOE, "bf16", 1000, gpus=8, tp=8, replicate_shared=True)
    assert float(dense) == pytest.approx(shared)  # data-parallel attention: whole copy
    assert float(experts) == pytest.approx(8 * expert / 8, rel=1e-6)  # all touched, 1/8 each
    dense_tp, _ = moe.weight_read_parts(MOE, "bf16", 1000, gpus=8, tp=8)
    assert float(dense_tp) == pytest.approx(shared / 8)


def test_kv_replication_by_layout():
    book = open_book()
    ds = book.architecture("deepseek-r1")
    qwen = book.architecture("qwen3-235b-a22b")  # 4 KV heads
    assert rf.kv_replication(ds, Layout(tp=8)) == 8  # MLA latent on every rank
    assert rf.kv_replication(qwen, Layout(tp=8)) == 2  # TensorRT-LLM's max(tp, kv_heads)
    assert rf.kv_replication(qwen, Layout(tp=8, expert_parallel=True)) == 1


def test_mla_decode_attention_uses_the_latent():
    ds = open_book().architecture("deepseek-r1")
    # 2 x 128 heads x (2 x 512 + 64) per token-layer, 61 layers, 1000 tokens
    assert rf.decode_attention_flops(ds, 1000) == pytest.approx(2 * 128 * 1088 * 61 * 1000)


def test_engine_defaults_and_names():
    book = open_book()
    h100, a100 = book.gpu("h100"), book.gpu("a100-80gb")
    assert engines.get_engine(None).id == "vllm"
    assert engines.get_engine("TensorRT-LLM").id == "trtllm"
    assert engines.VLLM.max_seqs(h100) == 1024 and engines.VLLM.max_seqs(a100) == 256
    # vLLM's API server prefills 8192 tokens a step on big GPUs, 2048 on A100 and
    # smaller ones (engine/arg_utils.py, PR #17885); the others keep one chunk size
    assert engines.VLLM.prefill_tokens(h100) == 8192
    assert engines.VLLM.prefill_tokens(a100) == 2048
    assert engines.VLLM.prefill_tokens(book.gpu("l40s")) == 2048
    assert engines.SGLANG.prefill_tokens(a100) == engines.TRTLLM.prefill_tokens(a100) == 8192
    # each vLLM data-parallel rank is its own engine core with its own max_num_seqs
    # (docs.vllm.ai, Data Parallel Deployment); the others keep one cap per replica
    assert engines.engine_cap(engines.VLLM, h100, ranks=8) == 8 * 1024
    assert engines.engine_cap(engines.TRTLLM, h100, ranks=8) == 4096
    assert engines.TRTLLM.kv_format("fp8") == "fp8" and engines.VLLM.kv_format("fp8") == "bf16"
    with pytest.raises(InputError) as err:
        engines.get_engine("tgi")
    assert err.value.field == "engine"


def test_lmdeploy_defaults_follow_its_device_map():
    """LMDeploy v0.16.0 get_max_batch_size: A100 384, H100/H800/H200 1024, others 128;
    its KV cache is 0.8 of the memory the weights leave free; 16-bit KV by default."""
    book = open_book()
    lmd = engines.get_engine("TurboMind")
    assert lmd.id == "lmdeploy" and engine_id("LMDeploy TurboMind v0.1.0a1") == "lmdeploy"
    caps = {g: lmd.max_seqs(book.gpu(g)) for g in ("a100-80gb", "h100", "h200", "b200", "l40s")}
    assert caps == {"a100-80gb": 384, "h100": 1024, "h200": 1024, "b200": 128, "l40s": 128}
    gpu = book.gpu("a100-80gb")
    # 2 x 80 GiB less 26e9 of weights, 0.8 of it: (171.8e9 - 26e9) x 0.8 = 116.6e9 bytes
    budget = engines.kv_budget_bytes(lmd, gpu, 2, 26e9)
    assert budget == pytest.approx(0.8 * (2 * gpu.memory_bytes - 26e9))
    assert lmd.kv_format("fp8") == "bf16" and not lmd.moe_expert_parallel


def test_trtllm_budget_is_a_share_of_free_memory():
    gpu = open_book().gpu("h200")
    free = gpu.memory_bytes - 70e9
    assert engines.kv_budget_bytes(engines.TRTLLM, gpu, 1, 70e9) == pytest.approx(0.95 * free)
    vllm = engines.kv_budget_bytes(engines.VLLM, gpu, 1, 70e9)
    assert vllm == pytest.approx(0.9 * gpu.memory_bytes - 70e9)


def test_pcie_replicas_try_pipeline_splits_nvlink_ones_do_not():
    assert [lay.pp for lay in layouts_for(8, pcie=True)] == [1, 2, 4, 8]
    assert layouts_for(8) == [Layout(tp=8)]
    with pytest.raises(InputError):
        layouts_for(8, pp=3)
    est = estimate_serving(
        model="llama-3.3-70b",
        gpu="rtx-pro-6000",
        gpus=8,
        precision="fp4",
        input_tokens=128,
        output_tokens=2048,
        engine="trtllm",
    )
    assert "PP" in est.layout


def test_weight_only_4bit_runs_where_fp4_is_refused():
    est = estimate_serving(
        model="gpt-oss-120b", gpu="h100", gpus=8, precision="int4", input_tokens=1024,
        output_tokens=512, max_batch=1, engine="sglang",
    )  # fmt: skip
    assert est.max_output_tokens_per_s > 0 and est.kv_precision == "bf16"
    with pytest.raises(InputError, match="int4 for 4-bit weights"):
        estimate_serving(
            model="gpt-oss-120b", gpu="h100", gpus=8, precision="fp4",
            input_tokens=1024, output_tokens=512,
        )  # fmt: skip


def test_fp8_weights_run_weight_only_on_ampere_and_are_refused_before_it():
    """vLLM runs FP8 checkpoints on Ampere as W8A16 (FP8 Marlin): 1-byte weights, BF16
    math at the Marlin share. One sequence decodes faster than in BF16 (half the bytes
    to read), and Qwen3-235B-A22B in FP8 fits on 4 x A100 (GPUStack ran it)."""
    book = open_book()
    a100, v100 = book.gpu("a100-80gb"), book.gpu("v100")
    assert formats.fp8_weight_only(a100, "fp8") and not formats.fp8_weight_only(v100, "fp8")
    assert not formats.fp8_weight_only(book.gpu("h100"), "fp8")
    assert formats.math_format(a100, "fp8") == "bf16"
    assert formats.matmul_efficiency(a100, "fp8") == pytest.approx(
        formats.matmul_efficiency(a100, "int4")
    )
    args = dict(model="llama-3.1-8b", gpu="a100-80gb", input_tokens=100, output_tokens=500)
    fp8 = estimate_serving(**args, precision="fp8", max_batch=1)
    bf16 = estimate_serving(**args, precision="bf16", max_batch=1)
    assert fp8.max_output_tokens_per_s > 1.3 * bf16.max_output_tokens_per_s
    big = estimate_serving(
        model="qwen3-235b-a22b", gpu="a100-80gb", gpus=4, precision="fp8",
        input_tokens=2000, output_tokens=100,
    )  # fmt: skip
    assert big.max_output_tokens_per_s > 0
    with pytest.raises(InputError, match="no fp8 tensor cores"):
        estimate_serving(**(args | {"gpu": "v100"}), precision="fp8")


def test_a_scheduler_is_host_bound_on_a_tiny_model():
    est = estimate_serving(
        model="llama-3.2-1b", gpu="b200", gpus=1, precision="fp8", input_tokens=128,
        output_tokens=128, engine="trtllm",
    )  # fmt: skip
    assert est.max_output_tokens_per_s <= 1 / engines.HOST_SECONDS_PER_TOKEN + 1e-6


def test_engine_changes_the_batch_not_the_physics_of_one_sequence():
    args = dict(model="llama-3.1-8b", gpu="h100", precision="bf16", input_tokens=500)
    one = [
        estimate_serving(**args, output_tokens=500, max_batch=1, engine=e).max_output_tokens_per_s
        for e in ("vllm", "sglang", "trtllm")
    ]
    assert max(one) == pytest.approx(min(one))
    trt = estimate_serving(**args, output_tokens=2000, engine="trtllm")
    vllm = estimate_serving(**args, output_tokens=2000)
    assert vllm.engine == "vLLM"  # the default
    assert trt.max_batch < vllm.max_batch  # TensorRT-LLM reserves whole sequences


def test_decode_step_adds_kernel_classes():
    gpu = open_book().gpu("h100")
    b = np.array([1.0, 64.0])
    t = rf.decode_step_seconds(MOE, gpu, b, 1000, layout=Layout(tp=2))
    assert np.all(np.diff(t) > 0) and np.all(t > 0)


def test_published_names_resolve():
    book = open_book()
    assert gpu_id(book, "RTX 6000 Pro Blackwell Server Edition") == "rtx-pro-6000"
    assert gpu_id(book, "MI300X 192GB") == "mi300x"
    assert weight_format("MXFP4", gpu_has_fp4=False) == "int4"
    assert weight_format("MXFP4", gpu_has_fp4=True) == "fp4"
    assert engine_id("", "NVIDIA/TensorRT-LLM docs/source/performance") == "trtllm"
    assert gpu_id(book, "GB300 288GB") == "gb300" and gpu_id(book, "MI355X 288GB") == "mi355x"
    # a trailing release code (YYMM) and -Instruct name the same architecture
    assert model_architecture(book, "Ministral-3-3B-Instruct-2512")[1] == "ministral-3-3b"
    arch, how = model_architecture(book, "Falcon-180B", 180e9)
    assert how.startswith("generic") and arch.params_total == 180e9


def test_amd_fp8_matmul_share_is_amds_own_max_achievable_flops():
    mi300x, mi325x = open_book().gpu("mi300x"), open_book().gpu("mi325x")
    # AMD's MAF table: 1,273 and 1,519 FP8 TFLOPS of a 2,614.9 dense FP8 peak
    assert formats.matmul_efficiency(mi300x, "fp8") == pytest.approx(1273 / 2614.9, abs=1e-3)
    assert formats.matmul_efficiency(mi325x, "fp8") == pytest.approx(1519 / 2614.9, abs=1e-3)
    # the ROCm decode share keeps its anchor: 0.23 x 0.514 = 11.8% of the FP8 peak
    share = engines.ROCM_MATMUL_SHARE * formats.matmul_efficiency(mi300x, "fp8")
    assert share == pytest.approx(0.23 * 0.514, rel=0.01)


def test_attention_multiplies_in_the_kv_cache_format():
    book = open_book()
    h100, a100 = book.gpu("h100"), book.gpu("a100-80gb")
    assert formats.attention_format(h100, "bf16") == "bf16"  # FP8 weights, 16-bit cache
    assert formats.attention_format(h100, "fp8") == "fp8"
    assert formats.attention_format(a100, "fp8") == "bf16"  # no FP8 tensor cores


TINY, CHIP = TOY_MODEL, TOY_CHIP


@pytest.mark.parametrize("kv, seconds", [("bf16", 1.002e-3), ("fp8", 1.001e-3)])
def test_prefill_attention_runs_in_the_kv_format(kv, seconds):
    # FP8 weights: 2 x 1e9 x 100 tokens = 2e11 FLOP at 200 TFLOP/s = 1 ms; attention
    # 2 x (10 x 100) x 100 x (10 layers x 100) = 2e8 FLOP at 100 (BF16 cache) = 2 us
    # or 200 TFLOP/s (FP8 cache) = 1 us; the weight read (1e9 B x 100 / 8192 tokens at
    # 1 TB/s = 12 us) is shorter
    t = rf.prefill_seconds(
        TINY, CHIP, 100, precision="fp8", kv_precision=kv, mem_eff=1.0, compute_eff=1.0
    )
    assert float(t) == pytest.approx(seconds)
