"""How long one step of a serving engine takes: a roofline model per GPU.

Decode is limited by reading weights and KV cache from HBM or by matrix math,
whichever is slower, plus the collectives of the replica's layout; prefill is limited
by math, with one read of the weights per prefill chunk (shared by the prompts in
it). Every figure is per GPU of the replica: a layout (:mod:`tunecost.compute.layout`)
splits weights, KV cache and FLOPs over its GPUs. Pure functions on floats or numpy
arrays in canonical units (bytes, seconds, FLOP, tokens).

References
----------
.. [1] Pope et al., "Efficiently Scaling Transformer Inference", arXiv:2211.05102
   (2022), sec. 3: decode is memory-bound at small batch (weights read once per step),
   2 N FLOPs per token.
.. [9] Agrawal et al., "Taming Throughput-Latency Tradeoff in LLM Inference with
   Sarathi-Serve", OSDI 2024: chunked prefill piggybacks prompt chunks on decode
   steps, so a chunk's weight read is shared by every prompt in it.
"""

from __future__ import annotations

import numpy as np

from tunecost.compute.collectives import (  # noqa: F401  (re-exported for callers)
    ALLREDUCE_BASE_LATENCY_S,
    ALLREDUCE_HOP_LATENCY_S,
    LINK_EFFICIENCY,
    allreduce_seconds,
    alltoall_seconds,
    hop_latency,
)
from tunecost.compute.formats import (  # noqa: F401  (re-exported for callers)
    DEFAULT_MATMUL_EFFICIENCY,
    MATMUL_EFFICIENCY,
    attention_flops_rate,
    math_format,
    matmul_efficiency,
    peak_flops,
)
from tunecost.compute.layout import Layout
from tunecost.compute.memory import PREFILL_CHUNK_TOKENS, kv_bytes_per_sequence, kv_precision_for
from tunecost.compute.moe import (
    is_fine_grained,
    is_routed,
    weight_bytes_per_gpu,
    weight_read_parts,
)
from tunecost.compute.moe import weight_split_bytes as _weight_split
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture

MEMORY_EFFICIENCY = 0.60
"""Model bandwidth utilisation of decode: achieved (weights + KV bytes) / TPOT over peak
HBM bandwidth. Databricks, "LLM Inference Performance Engineering: Best Practices"
(Oct 2023): "MBU of 60% on 2xH100-80GBs as compared to 55% on 4xA100-40GB" at batch 1
with TensorRT-LLM."""

MOE_MATMUL_SHARE = 0.59
"""Grouped expert GEMMs reach a smaller share of the hardware than dense ones (many
small, unevenly loaded matrices, routing and permutation around them): NVIDIA NeMo
AutoModel's H100 BF16 results put mixtures of experts at a median 0.23 MFU against
0.39 for dense Llama 3 70B on the same stack, 0.23 / 0.39 = 0.59 (see
``training.MOE_MFU``). Applied to expert FLOPs and to expert weight reads."""


FINE_EXPERT_MATMUL_SHARE = 0.356
"""Share of the MAMF that the routed experts of a fine-grained mixture
(:func:`moe.is_fine_grained`) reach in prefill. ByteDance VeOmni PR #460
(github.com/ByteDance-Seed/VeOmni/pull/460, 2026-02-06) times a fused MoE layer on one
H100 in BF16 at 32,768 tokens: 128 experts, top-8, hidden 4,096, expert width 1,024 in
23.313 ms with Triton (2 x 32,768 x 8 x 3 x 4,096 x 1,024 FLOP = 283 TFLOP/s, 0.356 of
the 794.5 TFLOP/s MAMF); Qwen3-30B-A3B's shape (hidden 2,048, width 768) 215.08 TFLOP/s
with Triton and 242.12 with PyTorch's CUTLASS grouped GEMM (0.27 and 0.30). The higher
figure is taken: most of the book's fine-grained models are as wide or wider (hidden
4,096-7,168: DeepSeek, Qwen3-235B, GLM, Kimi), and it is the smaller change from
``MOE_MATMUL_SHARE``. Applied to the routed experts'
prefill FLOPs only, in every format (the measurement is BF16); attention, the shared
weights and decode keep ``MOE_MATMUL_SHARE``."""


def weights_read_per_step(arch: Architecture, batch, precision="bf16"):
    """Weight bytes one decode step reads at batch ``batch`` on one GPU [bytes].

    Dense models read every weight once per step [1]. A mixture of experts reads its
    shared weights and each expert any token in the batch was routed to; with uniform
    routing of ``k`` of ``E`` experts, a share ``1 - (1 - k/E)^B`` of the experts.
    """
    return weight_bytes_per_gpu(arch, precision, batch)


def kv_replication(arch: Architecture, layout: Layout) -> float:
    """Copies of each KV entry a tensor-parallel replica keeps: MLA's one latent vector
    per token is replicated on every TP rank, and GQA with fewer KV heads than ranks
    repeats heads (TensorRT-LLM's ``max(tp, num_kv_heads)``); one with data-parallel
    attention.

    The copies cost memory (fewer sequences fit, :func:`replica.plan_replica`) and
    bandwidth (every rank reads the whole latent cache of the batch each decode step,
    :func:`decode_step_seconds`). Sources: LMSYS, "SGLang v0.4" (blog, 2024-12-04,
    https://lmsys.org/blog/2024-12-04-sglang-v0-4/): "DeepSeek models use MLA and only
    have one KV head. If we use tensor parallelism on 8 GPUs, it will lead to duplicated
    KV cache", the reason for its ``--enable-dp-attention``; vLLM's Data Parallel
    Deployment guide (docs.vllm.ai, serving/data_parallel_deployment): for MoE models
    "like DeepSeek that employ MLA ... it can be advantageous to use data parallel for
    the attention layers"; for GQA, vLLM's attention
    layers keep ``max(1, kv_heads // tp)`` heads per rank, replicating them when
    ``tp > kv_heads`` (vllm/model_executor/models/deepseek_v2.py, ``DeepseekAttention``).
    """
    if layout.expert_parallel or layout.tp <= 1:
        return 1.0
    if arch.attention == "mla" and arch.kv_lora_rank:
        return float(layout.tp)
    heads = arch.kv_heads or arch.attention_heads or layout.tp
    return max(1.0, layout.tp / heads)


def decode_attention_flops(arch: Architecture, context_tokens):
    """Attention FLOPs of one decoded token over ``context_tokens`` [FLOP]: scores and
    values, ``4 x heads x head_dim`` per cached token-layer; for MLA in its absorbed
    decode form (DeepSeek-V2 report, arXiv:2405.04434, sec. 2.1.3) each head scores the
    ``kv_lora_rank + rope`` latent and reads back the ``kv_lora_rank`` one:
    ``2 x heads x (2 d_c + d_r)`` per token-layer."""
    layers = arch.kv_token_layers(context_tokens)
    heads = arch.attention_heads or 1
    if arch.attention == "mla" and arch.kv_lora_rank:
        return 2.0 * heads * (2 * arch.kv_lora_rank + (arch.qk_rope_head_dim or 0)) * layers
    return 4.0 * heads * arch.head_size * layers


def _compute_share(arch, gpu, precision, compute_eff):
    if compute_eff is not None:
        return compute_eff
    share = matmul_efficiency(gpu, precision)
    return share * MOE_MATMUL_SHARE if is_routed(arch) else share


def _linear_seconds(arch: Architecture, gpu: GPU, precision, compute_eff, tokens):
    """Matrix-multiply time of ``tokens`` prompt tokens on one GPU's worth of FLOPs [s]:
    ``2 N_active n / (peak x share)``, with a fine-grained mixture's routed experts at
    ``FINE_EXPERT_MATMUL_SHARE`` of the MAMF."""
    peak = peak_flops(gpu, math_format(gpu, precision))
    share = _compute_share(arch, gpu, precision, compute_eff)
    if compute_eff is not None or not is_fine_grained(arch):
        return 2.0 * arch.params_active * tokens / (peak * share)
    shared, _ = arch.expert_split()
    fine = matmul_efficiency(gpu, precision) * FINE_EXPERT_MATMUL_SHARE
    return 2.0 * tokens / peak * (shared / share + (arch.params_active - shared) / fine)


def _comm_seconds(arch: Architecture, gpu: GPU, layout: Layout, tokens, micro=1):
    """Collectives per GPU while ``tokens`` tokens pass every layer once [s]: two
    all-reduces per layer of ``tokens / micro`` activations, ``micro`` times (TP x PP),
    or a dispatch and a combine all-to-all per layer among a stage's GPUs, each
    sending its ``tokens / GPUs`` tokens to ``k`` experts (expert parallel)."""
    link = gpu.interconnect_bytes_per_s
    hop = hop_latency(link)
    t = np.asarray(tokens, float)
    if layout.expert_parallel:
        per_gpu = t / layout.gpus * (arch.experts_per_token or 1) * arch.hidden_size * 2.0
        return 2 * arch.layers * alltoall_seconds(per_gpu, layout.tp, link, hop_latency_s=hop)
    size = t / micro * arch.hidden_size * 2.0
    per = allreduce_seconds(size, layout.tp, link, hop_latency_s=hop)
    return 2 * arch.layers * per * (micro / layout.pp)


def decode_step_seconds(
    arch: Architecture,
    gpu: GPU,
    batch,
    context_tokens,
    *,
    tp=1,
    precision="bf16",
    kv_precision=None,
    mem_eff=MEMORY_EFFICIENCY,
    compute_eff=None,
    layout: Layout | None = None,
    stack=(1.0, 0.0),
):
    """Time for each of ``batch`` sequences to produce one token [s].

    ``max(bytes / (HBM x mem_eff), FLOPs / (peak x share)) + collectives`` per GPU,
    with bytes = the weights the GPU reads (:func:`moe.weight_bytes_per_gpu`) + its
    share of ``batch`` KV caches of ``context_tokens`` (times ``kv_replication``),
    FLOPs = ``(2 N_active B + attention) / GPUs`` [1] (:func:`decode_attention_flops`)
    and ``share`` the achieved matmul share of the weight format
    (:func:`formats.matmul_efficiency`); attention multiplies in the KV cache's format
    (:func:`formats.attention_format`). Grouped expert GEMMs run at
    ``MOE_MATMUL_SHARE`` of dense ones, whether they wait on math or on memory.
    ``stack`` is the software stack's (share of the matmul rate, extra seconds per
    layer), see :func:`engines.stack_profile`.
    """
    layout = layout or Layout(tp=tp)
    kvp = kv_precision or kv_precision_for(precision)
    b = np.asarray(batch, float)
    g = layout.gpus
    dense, experts = weight_read_parts(
        arch, precision, b, gpus=g, tp=layout.tp, pp=layout.pp,
        replicate_shared=layout.expert_parallel,
    )  # fmt: skip
    kv = b * kv_bytes_per_sequence(arch, context_tokens, kvp) * kv_replication(arch, layout) / g
    share, per_layer = stack
    bw = gpu.hbm_bytes_per_s * mem_eff
    rate = peak_flops(gpu, math_format(gpu, precision)) * share * g
    rate *= compute_eff if compute_eff is not None else matmul_efficiency(gpu, precision)
    moe = 1.0 if compute_eff is not None else MOE_MATMUL_SHARE
    shared_params, _ = arch.expert_split()
    routed = (arch.params_active - shared_params) * b
    t_dense = np.maximum(dense / bw, 2.0 * shared_params * b / rate)
    t_experts = np.maximum(experts / (bw * moe), 2.0 * routed / (rate * moe))
    attn = decode_attention_flops(arch, context_tokens) * b
    attn_rate = attention_flops_rate(gpu, kvp, compute_eff) * share * g
    t_attn = np.maximum(kv / bw, attn / attn_rate)
    comm = _comm_seconds(arch, gpu, layout, b, micro=layout.pp)
    return t_dense + t_experts + t_attn + comm + per_layer * arch.layers


def prefill_seconds(
    arch: Architecture,
    gpu: GPU,
    input_tokens,
    *,
    tp=1,
    precision="bf16",
    mem_eff=MEMORY_EFFICIENCY,
    compute_eff=None,
    layout: Layout | None = None,
    chunk_tokens=PREFILL_CHUNK_TOKENS,
    kv_precision=None,
):
    """GPU time one prompt of ``input_tokens`` adds to a replica [s].

    FLOPs ``2 N_active n`` plus causal attention ``2 x heads x head_dim x n^2`` per
    full-attention layer (``n`` capped at the window on sliding layers), split over
    the replica's GPUs at the achieved matmul share (a fine-grained mixture's routed
    experts at ``FINE_EXPERT_MATMUL_SHARE``; attention in the KV cache's format
    ``kv_precision``, see :func:`formats.attention_format`); never faster than the
    prompt's part of one weight read per prefill chunk of ``chunk_tokens`` [9]; plus
    the collectives of its tokens.
    """
    layout = layout or Layout(tp=tp)
    n = np.asarray(input_tokens, float)
    q_width = (arch.attention_heads or 1) * arch.head_size
    attn = 2.0 * q_width * n * arch.kv_token_layers(n)
    t_linear = _linear_seconds(arch, gpu, precision, compute_eff, n)
    kvp = kv_precision or kv_precision_for(precision)
    attn_rate = attention_flops_rate(gpu, kvp, compute_eff)
    if compute_eff is None and is_routed(arch):
        attn_rate *= MOE_MATMUL_SHARE  # the MoE share is a whole-step MFU ratio
    t_math = (t_linear + attn / attn_rate) / layout.gpus
    shared, expert = _weight_split(arch, precision)
    copies = layout.gpus if layout.expert_parallel else 1
    held = (shared * copies + expert * (arch.num_experts or 0)) / layout.gpus
    t_mem = held * np.minimum(n / chunk_tokens, 1.0) / (gpu.hbm_bytes_per_s * mem_eff)
    comm = _comm_seconds(arch, gpu, layout, n)
    return np.maximum(t_math, t_mem) + comm
