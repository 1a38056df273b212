"""Throughput, batch size and GPU count to serve a model: a roofline model.

Decode is limited by reading the weights and the KV cache from HBM or by matrix math,
whichever is slower; prefill is limited by math. Tensor parallelism splits both over
the GPUs of a replica and adds two all-reduces per layer. Continuous batching keeps
``B`` sequences in flight; each finished sequence is replaced by a new one whose prompt
must be prefilled, so one output token of every sequence costs, on average,

    TPOT(B) = t_decode(B) + B t_prefill / n_out

and a replica produces ``B / TPOT(B)`` output tokens per second.

Pure functions take floats or numpy arrays in canonical units (bytes, seconds, FLOP,
tokens); :func:`estimate_serving` chains them.

References
----------
.. [1] Pope et al., "Efficiently Scaling Transformer Inference", arXiv:2211.05102
   (2022), sec. 3: decode is memory-bound at small batch (weights read once per step),
   2 N FLOPs per token.
.. [2] Kwon et al., "Efficient Memory Management for LLM Serving with PagedAttention"
   (vLLM), arXiv:2309.06180 (2023): the KV cache, 2 x layers x kv_heads x head_dim
   values per token, bounds the batch.
.. [3] Yu et al., "Orca: A Distributed Serving System for Transformer-Based Generative
   Models", OSDI 2022: iteration-level (continuous) batching.
.. [4] NCCL tests, doc/PERFORMANCE.md: ring all-reduce moves 2 (n - 1) / n of the
   buffer over each GPU's link.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from tunecost.architectures import Architecture
from tunecost.errors import InputError
from tunecost.hardware import GPU
from tunecost.units import HOURS_PER_MONTH

SERVING_PRECISIONS = ("bf16", "fp16", "fp8", "fp4", "int4")

WEIGHT_BITS = {
    "fp32": 32.0,
    "bf16": 16.0,
    "fp16": 16.0,
    "fp8": 8.0,
    "int8": 8.0,
    "fp4": 4.5,
    "int4": 4.25,
}
"""Stored bits per weight. fp4 is NVFP4: 4-bit values plus one FP8 scale per 16
(NVIDIA, "Introducing NVFP4", developer blog, 2025), 4.5 bits; int4 is weight-only
AWQ/GPTQ with a 16-bit scale and zero per group of 128 (Lin et al., AWQ,
arXiv:2306.00978), 4.25 bits."""

KV_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0}

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

GPU_MEMORY_UTILIZATION = 0.9
"""Share of GPU memory the engine may use for weights, activations and KV cache: vLLM's
``gpu_memory_utilization`` default (0.9 until late 2025, 0.92 now) and TensorRT-LLM's
normal KV-cache fraction of 0.90 (perf-overview.md)."""


def max_num_seqs_for(gpu: GPU) -> int:
    """Most sequences batched at once: vLLM V1's default (``arg_utils.py``), 1024 on GPUs
    with at least 70 GiB that are not A100s, 256 otherwise."""
    big = gpu.memory_bytes >= 70 * 2**30 and not gpu.id.startswith("a100")
    return 1024 if big else 256


PREFILL_CHUNK_TOKENS = 8192
"""Tokens prefilled per engine step, which sizes the activation workspace: vLLM V1's
``max_num_batched_tokens`` for the API server on large GPUs."""


def matmul_efficiency(gpu: GPU, precision: str) -> float:
    """Achievable share of peak FLOP/s for ``precision`` on ``gpu`` (see
    ``MATMUL_EFFICIENCY``)."""
    fmt = "fp8" if precision in ("fp8", "fp4") else "bf16"
    table = MATMUL_EFFICIENCY[fmt]
    if gpu.id in table:
        return table[gpu.id]
    return MATMUL_EFFICIENCY["bf16"].get(gpu.id, DEFAULT_MATMUL_EFFICIENCY)


def weight_bytes(params, precision="bf16"):
    """Bytes of weights: ``N x bits / 8`` [bytes]; see ``WEIGHT_BITS``."""
    return params * WEIGHT_BITS[precision] / 8.0


def kv_precision_for(precision: str) -> str:
    """KV-cache format that goes with a weight format.

    FP8 and FP4 checkpoints quantise the KV cache to FP8: NVIDIA TensorRT Model
    Optimizer's ``examples/llm_ptq/hf_ptq.py`` (commit 05ab948), ``--kv_cache_qformat``
    "default to fp8 if not provided". 16-bit and int4 weight-only models keep it in 16
    bits (vLLM's ``kv_cache_dtype="auto"`` follows the model's dtype).
    """
    return "fp8" if precision in ("fp8", "fp4") else "bf16"


def kv_bytes_per_sequence(arch: Architecture, context_tokens, kv_precision="bf16"):
    """KV-cache bytes of one sequence of ``context_tokens`` [bytes] [2].

    ``token_layers x elements per token-layer x bytes``, where sliding-window layers
    keep at most the window and MLA keeps one latent vector per token-layer.
    """
    return (
        arch.kv_token_layers(context_tokens)
        * arch.kv_elements_per_token_layer()
        * KV_BYTES[kv_precision]
    )


def activation_reserve_bytes(arch: Architecture, chunk_tokens=PREFILL_CHUNK_TOKENS, batch=1024):
    """Workspace for one prefill chunk and the batch's logits [bytes].

    16-bit hidden, attention and MLP intermediates of one layer for ``chunk_tokens``
    (``2 x chunk x (4 h + 2 i)``) plus fp32 logits ``4 x batch x V``.
    """
    inter = arch.intermediate_size or 4 * arch.hidden_size
    return 2.0 * chunk_tokens * (4 * arch.hidden_size + 2 * inter) + 4.0 * batch * (
        arch.vocab_size or 32000
    )


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


def kv_capacity_bytes(
    arch: Architecture,
    gpu: GPU,
    *,
    tp=1,
    precision="bf16",
    utilization=GPU_MEMORY_UTILIZATION,
    max_num_seqs=1024,
):
    """Memory left for the KV cache on one replica of ``tp`` GPUs [bytes].

    ``tp x memory x utilization - weights - activation workspace`` (the workspace is
    split over the tensor-parallel GPUs like the weights); negative when the weights
    do not fit.
    """
    return (
        tp * gpu.memory_bytes * utilization
        - weight_bytes(arch.params_total, precision)
        - activation_reserve_bytes(arch, batch=max_num_seqs)
    )


def min_tp_to_fit(
    arch: Architecture,
    gpu: GPU,
    precision="bf16",
    context_tokens=4096,
    max_tp=8,
    utilization=GPU_MEMORY_UTILIZATION,
    kv_precision=None,
):
    """Fewest GPUs (1, 2, 4 or 8, the tensor-parallel sizes engines support) that hold
    the weights and the KV cache of at least one sequence of ``context_tokens``;
    ``math.inf`` if even ``max_tp`` cannot."""
    kvp = kv_precision or kv_precision_for(precision)
    need = kv_bytes_per_sequence(arch, context_tokens, kvp)
    tp = 1
    while tp <= max_tp:
        if (
            kv_capacity_bytes(arch, gpu, tp=tp, precision=precision, utilization=utilization)
            >= need
        ):
            return tp
        tp *= 2
    return math.inf


@dataclass
class ServingEstimate:
    """Result of :func:`estimate_serving`, canonical units (tokens/s, seconds, USD)."""

    model: str
    gpu: str
    precision: str
    kv_precision: str
    gpus_per_replica: int
    input_tokens: float
    output_tokens: float
    weights_gb: float
    kv_cache_gb: float
    kv_cache_tokens: float
    max_batch: int
    max_output_tokens_per_s: float
    tpot_at_max_batch_s: float
    slo_batch: int
    slo_output_tokens_per_s: float
    tpot_s: float
    ttft_s: float
    tpot_slo_s: float | None = None
    ttft_slo_s: float | None = None
    requests_per_month: float | None = None
    peak_factor: float | None = None
    peak_output_tokens_per_s: float | None = None
    replicas: int | None = None
    gpus_total: int | None = None
    utilization: float | None = None
    usd_per_gpu_hour: float | None = None
    monthly_cost_usd: float | None = None
    usd_per_million_output_tokens: float | None = None
    usd_per_million_output_tokens_at_full_load: float | None = None
    price_source: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def replicas_for_peak(peak_tokens_per_s, tokens_per_s_per_replica, min_replicas=1):
    """Replicas to carry the peak hour: ``ceil(peak / per-replica)``, at least
    ``min_replicas`` while there is traffic (0 only with no traffic and
    ``min_replicas=0``, i.e. scale to zero)."""
    peak = np.asarray(peak_tokens_per_s, float)
    need = np.ceil(peak / tokens_per_s_per_replica - 1e-9)
    floor = np.where(peak > 0, max(min_replicas, 1), min_replicas)
    return np.maximum(need, floor)


def estimate_serving(
    arch: Architecture,
    gpu: GPU,
    *,
    input_tokens,
    output_tokens,
    precision="bf16",
    gpus=None,
    tpot_slo=None,
    ttft_slo=None,
    requests_per_month=None,
    peak_factor=3.0,
    min_replicas=1,
    usd_per_gpu_hour=None,
    price_source=None,
    kv_precision=None,
    max_num_seqs=None,
) -> ServingEstimate:
    """Batch, throughput, replicas and cost of serving ``arch`` on ``gpu``.

    Parameters
    ----------
    input_tokens, output_tokens : float
        Mean prompt and completion length per request. [tokens]
    precision : {"bf16", "fp16", "fp8", "fp4", "int4"}
        Weight format.
    gpus : int, optional
        Tensor-parallel GPUs per replica; default the fewest that fit.
    tpot_slo, ttft_slo : float, optional
        Latency targets: time per output token and time to first token. [s]
    requests_per_month : float, optional
        Traffic to size replicas for. [requests/month]
    peak_factor : float
        Peak-hour traffic over the monthly average.
    usd_per_gpu_hour : float, optional
        [USD/GPU-hour]
    """
    if precision not in SERVING_PRECISIONS:
        raise InputError(
            f"unknown precision {precision!r}; choose one of {', '.join(SERVING_PRECISIONS)}",
            "--precision",
        )
    gpu.peak_flops(precision)  # refuses fp8 on Ampere, fp4 before Blackwell
    kvp = kv_precision or kv_precision_for(precision)
    if kvp not in KV_BYTES:
        raise InputError(
            f"unknown KV-cache precision {kvp!r}; choose one of {', '.join(KV_BYTES)}",
            "--kv-precision",
        )
    ctx = input_tokens + output_tokens
    if arch.max_context and ctx > arch.max_context:
        raise InputError(
            f"{input_tokens:g} + {output_tokens:g} tokens exceed {arch.id}'s "
            f"context of {arch.max_context} tokens",
            "--output-tokens" if output_tokens > input_tokens else "--input-tokens",
        )
    need = min_tp_to_fit(arch, gpu, precision, ctx, kv_precision=kvp)
    if gpus is None:
        if need == math.inf:
            raise InputError(
                f"{arch.id} at {precision} does not fit on 8 x {gpu.id}; use a "
                "larger GPU or a smaller precision (fp8, int4)",
                "--gpus",
            )
        gpus = int(need)
    elif gpus < need:
        raise InputError(
            f"{arch.id} at {precision} needs at least "
            f"{need if need != math.inf else 'more than 8'} x {gpu.id}; got --gpus {gpus}",
            "--gpus",
        )
    tp = int(gpus)
    max_num_seqs = max_num_seqs or max_num_seqs_for(gpu)
    cap = kv_capacity_bytes(arch, gpu, tp=tp, precision=precision, max_num_seqs=max_num_seqs)
    per_seq = float(kv_bytes_per_sequence(arch, ctx, kvp))
    max_batch = int(min(max_num_seqs, cap // per_seq))
    kv_tok = cap / (arch.layers * arch.kv_elements_per_token_layer() * KV_BYTES[kvp])

    batches = np.arange(1, max_batch + 1, dtype=float)
    mean_ctx = input_tokens + output_tokens / 2.0
    t_step = decode_step_seconds(
        arch, gpu, batches, mean_ctx, tp=tp, precision=precision, kv_precision=kvp
    )
    t_pre = float(prefill_seconds(arch, gpu, input_tokens, tp=tp, precision=precision))
    tpot = t_step + batches * t_pre / output_tokens
    rate = batches / tpot
    ttft = t_pre + t_step

    ok = np.ones_like(batches, dtype=bool)
    if tpot_slo is not None:
        ok &= tpot <= tpot_slo
    if ttft_slo is not None:
        ok &= ttft <= ttft_slo
    if not ok.any():
        which = "--tpot-slo" if tpot_slo is not None and tpot[0] > tpot_slo else "--ttft-slo"
        best = tpot[0] if which == "--tpot-slo" else ttft[0]
        raise InputError(
            f"cannot be met: even one request at a time takes {best * 1e3:.1f} ms "
            f"on {tp} x {gpu.id}; relax it, add GPUs (--gpus) or pick a faster GPU",
            which,
        )
    i_slo = int(np.nonzero(ok)[0][-1])
    out = ServingEstimate(
        model=arch.id,
        gpu=gpu.id,
        precision=precision,
        kv_precision=kvp,
        gpus_per_replica=tp,
        input_tokens=float(input_tokens),
        output_tokens=float(output_tokens),
        weights_gb=float(weight_bytes(arch.params_total, precision)) / 1e9,
        kv_cache_gb=cap / 1e9,
        kv_cache_tokens=float(kv_tok),
        max_batch=max_batch,
        max_output_tokens_per_s=float(rate[-1]),
        tpot_at_max_batch_s=float(tpot[-1]),
        slo_batch=i_slo + 1,
        slo_output_tokens_per_s=float(rate[i_slo]),
        tpot_s=float(tpot[i_slo]),
        ttft_s=float(ttft[i_slo]),
        tpot_slo_s=tpot_slo,
        ttft_slo_s=ttft_slo,
        usd_per_gpu_hour=usd_per_gpu_hour,
        price_source=price_source,
    )
    per_replica = out.slo_output_tokens_per_s
    if usd_per_gpu_hour is not None:
        out.usd_per_million_output_tokens_at_full_load = (
            usd_per_gpu_hour * tp / (per_replica * 3600.0) * 1e6
        )
    if requests_per_month is not None:
        avg_tok_s = requests_per_month * output_tokens / (HOURS_PER_MONTH * 3600.0)
        peak = avg_tok_s * peak_factor
        replicas = int(replicas_for_peak(peak, per_replica, min_replicas))
        out.requests_per_month = requests_per_month
        out.peak_factor = peak_factor
        out.peak_output_tokens_per_s = peak
        out.replicas = replicas
        out.gpus_total = replicas * tp
        out.utilization = avg_tok_s / (replicas * per_replica) if replicas else 0.0
        if usd_per_gpu_hour is not None:
            out.monthly_cost_usd = replicas * tp * HOURS_PER_MONTH * usd_per_gpu_hour
            tokens_m = requests_per_month * output_tokens / 1e6
            out.usd_per_million_output_tokens = (
                out.monthly_cost_usd / tokens_m if tokens_m else None
            )
    return out
