"""What a served model holds in GPU memory: weights, KV cache and workspace.

Pure functions in bytes and tokens; :func:`min_tp_to_fit` gives the fewest GPUs of a
replica.

References
----------
.. [2] Kwon et al., "Efficient Memory Management for LLM Serving with PagedAttention"
   (vLLM), arXiv:2309.06180 (2023): the KV cache, 2 x layers x kv_heads x head_dim
   values per token, bounds the batch.
"""

from __future__ import annotations

import math

from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture

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

GPU_MEMORY_UTILIZATION = 0.9
"""Share of GPU memory the engine may use for weights, activations and KV cache: vLLM's
``gpu_memory_utilization`` default (0.9 until late 2025, 0.92 now) and TensorRT-LLM's
normal KV-cache fraction of 0.90 (perf-overview.md)."""


PREFILL_CHUNK_TOKENS = 8192
"""Tokens prefilled per engine step, which sizes the activation workspace: vLLM V1's
``max_num_batched_tokens`` for the API server on large GPUs."""


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
