"""How long one step of a serving engine takes: a roofline model.

Decode is limited by reading the weights and the KV cache from HBM or by matrix math,
whichever is slower; prefill is limited by math. Tensor parallelism splits both over
the GPUs of a replica and adds two all-reduces per layer. Pure functions on floats or
numpy arrays in canonical units (bytes, seconds, FLOP, tokens).

References
----------
.. [1] Pope et al., "Efficiently Scaling Transformer Inference", arXiv:2211.05102
   (2022), sec. 3: decode is memory-bound at small batch (weights read once per step),
   2 N FLOPs per token.
.. [4] NCCL tests, doc/PERFORMANCE.md: ring all-reduce moves 2 (n - 1) / n of the
   buffer over each GPU's link.
"""

from __future__ import annotations

import numpy as np

from tunecost.compute.memory import kv_bytes_per_sequence, kv_precision_for, weight_bytes
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture

MEMORY_EFFICIENCY = 0.60
"""Model bandwidth utilisation of decode: achieved (weights + KV bytes) / TPOT over peak
HBM bandwidth. Databricks, "LLM Inference Performance Engineering: Best Practices"
(Oct 2023): "MBU of 60% on 2xH100-80GBs as compared to 55% on 4xA100-40GB" at batch 1
with TensorRT-LLM."""

MATMUL_EFFICIENCY = {
    "bf16": {
        "a100-40gb": 0.869,
        "a100-80gb": 0.869,
        "a100-80gb-pcie": 0.811,
        "h100-sxm": 0.803,
        "h100-pcie": 0.803,
        "h800": 0.803,
        "h200": 0.803,
        "gh200": 0.838,
        "b200": 0.776,
        "gb200": 0.729,
        "mi300x": 0.514,
        "mi325x": 0.604,
    },
    "fp8": {
        "h100-sxm": 0.709,
        "h100-pcie": 0.709,
        "h800": 0.709,
        "h200": 0.734,
        "gh200": 0.776,
        "b200": 0.763,
        "gb200": 0.723,
    },
}
"""Maximum achievable matmul FLOP/s over dense peak, per GPU and format: the MAMF table
of stas00/ml-engineering, compute/accelerator/README.md (2026-08), e.g. H100 SXM BF16
794.5 / 989 = 0.803, H100 FP8 1402.6 / 1979 = 0.709. GPUs the table lacks use
``DEFAULT_MATMUL_EFFICIENCY``; fp4 uses the GPU's fp8 figure (none published)."""

DEFAULT_MATMUL_EFFICIENCY = 0.803
"""H100 SXM BF16 MAMF / peak, for GPUs without a published MAMF."""

LINK_EFFICIENCY = 0.85
"""Share of NVLink bandwidth a collective achieves: NCCL's own tuner assumes 0.85 on
Hopper (NVIDIA/nccl src/graph/tuning.cc, NVLS efficiency)."""

ALLREDUCE_BASE_LATENCY_S = 6.6e-6
ALLREDUCE_HOP_LATENCY_S = 0.6e-6
"""Ring all-reduce latency model of NCCL's tuner (src/graph/tuning.cc, v2.30): 6.6 us
base plus 0.6 us per NVLink hop; a ring all-reduce over n GPUs takes 2 (n - 1) hops."""


def matmul_efficiency(gpu: GPU, precision: str) -> float:
    """Achievable share of peak FLOP/s for ``precision`` on ``gpu`` (see
    ``MATMUL_EFFICIENCY``)."""
    fmt = "fp8" if precision in ("fp8", "fp4") else "bf16"
    table = MATMUL_EFFICIENCY[fmt]
    if gpu.id in table:
        return table[gpu.id]
    return MATMUL_EFFICIENCY["bf16"].get(gpu.id, DEFAULT_MATMUL_EFFICIENCY)


def weights_read_per_step(arch: Architecture, batch, precision="bf16"):
    """Weight bytes one decode step reads at batch ``batch`` [bytes].

    Dense models read every weight once per step [1]. A mixture of experts reads its
    shared weights and each expert any token in the batch was routed to; with uniform
    routing of ``k`` of ``E`` experts, a share ``1 - (1 - k/E)^B`` of the experts.
    """
    if not (arch.is_moe and arch.num_experts and arch.experts_per_token):
        return weight_bytes(arch.params_total, precision) * np.ones_like(np.asarray(batch, float))
    shared, expert = arch.expert_split()
    e, k = arch.num_experts, arch.experts_per_token
    touched = 1.0 - (1.0 - k / e) ** np.asarray(batch, float)
    return weight_bytes(shared + e * expert * touched, precision)


def allreduce_seconds(nbytes, tp, link_bytes_per_s, efficiency=LINK_EFFICIENCY):
    """One ring all-reduce of ``nbytes`` over ``tp`` GPUs [s] [4].

    ``alpha(tp) + 2 (tp - 1) / tp x bytes / (link x efficiency)``, where ``link`` is the
    unidirectional per-GPU bandwidth (half the published bidirectional figure) and
    ``alpha`` NCCL's latency model, 6.6 us + 0.6 us x 2 (tp - 1) hops.
    """
    if tp <= 1:
        return np.zeros_like(np.asarray(nbytes, float))
    bw = (link_bytes_per_s or 32e9) / 2.0 * efficiency
    alpha = ALLREDUCE_BASE_LATENCY_S + ALLREDUCE_HOP_LATENCY_S * 2 * (tp - 1)
    return alpha + 2.0 * (tp - 1) / tp * np.asarray(nbytes, float) / bw


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
):
    """Time of one decode step producing one token for each of ``batch`` sequences [s].

    ``max(bytes / (tp x HBM x mem_eff), FLOPs / (tp x peak x compute_eff)) + comm``
    with bytes = weights read + ``batch`` KV caches of ``context_tokens``, FLOPs =
    ``2 N_active B`` + attention ``4 x heads x head_dim x token-layers x B`` [1], comm =
    two all-reduces of ``B x h x 2`` bytes per layer.
    """
    kv_precision = kv_precision or kv_precision_for(precision)
    b = np.asarray(batch, float)
    mem = weights_read_per_step(arch, b, precision) + b * kv_bytes_per_sequence(
        arch, context_tokens, kv_precision
    )
    t_mem = mem / (tp * gpu.hbm_bytes_per_s * mem_eff)
    q_width = (arch.attention_heads or 1) * arch.head_size
    flops = 2.0 * arch.params_active * b + 4.0 * q_width * arch.kv_token_layers(context_tokens) * b
    compute_eff = compute_eff or matmul_efficiency(gpu, precision)
    t_math = flops / (tp * gpu.peak_flops(precision) * compute_eff)
    comm = (
        2
        * arch.layers
        * allreduce_seconds(b * arch.hidden_size * 2.0, tp, gpu.interconnect_bytes_per_s)
    )
    return np.maximum(t_mem, t_math) + comm


def prefill_seconds(
    arch: Architecture,
    gpu: GPU,
    input_tokens,
    *,
    tp=1,
    precision="bf16",
    mem_eff=MEMORY_EFFICIENCY,
    compute_eff=None,
):
    """Time to prefill one prompt of ``input_tokens`` [s].

    FLOPs ``2 N_active n`` plus causal attention ``2 x heads x head_dim x n^2`` per
    full-attention layer (``n`` capped at the window on sliding layers), at
    ``compute_eff`` of peak, but never faster than one read of the weights; plus two
    all-reduces of ``n x h x 2`` bytes per layer.
    """
    n = np.asarray(input_tokens, float)
    q_width = (arch.attention_heads or 1) * arch.head_size
    attn = 2.0 * q_width * n * arch.kv_token_layers(n)
    flops = 2.0 * arch.params_active * n + attn
    compute_eff = compute_eff or matmul_efficiency(gpu, precision)
    t_math = flops / (tp * gpu.peak_flops(precision) * compute_eff)
    t_mem = weight_bytes(arch.params_total, precision) / (tp * gpu.hbm_bytes_per_s * mem_eff)
    comm = (
        2
        * arch.layers
        * allreduce_seconds(n * arch.hidden_size * 2.0, tp, gpu.interconnect_bytes_per_s)
    )
    return np.maximum(t_math, t_mem) + comm
