"""Training memory per GPU and the fewest GPUs that hold a run.

Pure functions in bytes (see :mod:`tunecost.compute.training` for the references [2]-[6]
cited below).

References
----------
.. [2] Korthikanti et al., "Reducing Activation Recomputation in Large Transformer
   Models", arXiv:2205.05198 (2022), sec. 4: activations per layer
   s b h (34 + 5 a s / h) bytes in 16-bit; full recomputation keeps 2 s b h.
.. [3] Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion
   Parameter Models", arXiv:1910.02054 (2019), sec. 3.1: mixed-precision Adam holds
   16 bytes per parameter (2 weights + 2 gradients + 12 optimizer state).
.. [4] Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models",
   arXiv:2106.09685 (2021), sec. 4.2: no gradients or optimizer state for frozen
   weights.
.. [5] Dettmers et al., "QLoRA: Efficient Finetuning of Quantized LLMs",
   arXiv:2305.14314 (2023), sec. 3: NF4 weights with double quantisation,
   4 + 0.127 bits per parameter; gradient checkpointing in all runs.
.. [6] Dao et al., "FlashAttention", arXiv:2205.14135 (2022): the s x s attention
   matrix is not stored, removing the 5 a s^2 b term of [2].
"""

from __future__ import annotations

import math

from tunecost.pricebook.models import Architecture

BYTES_PER_PARAM = {"pretrain": 16.0, "full": 16.0, "lora": 2.0, "qlora": (4 + 0.127) / 8}
"""Model-state bytes per base parameter: mixed-precision Adam 16 [3]; LoRA keeps the
frozen base in bf16, 2 [4]; QLoRA keeps it in NF4 with double quantisation,
4.127 bits [5]."""

ADAPTER_BYTES_PER_PARAM = 16.0
"""LoRA adapters train with mixed-precision Adam like any weight [3]."""

ACTIVATION_BYTES_PER_SBH = 34.0
"""Per layer, per token, per unit of hidden size, 16-bit, no recomputation and
FlashAttention (no s^2 term) [2][6]."""

CHECKPOINT_BYTES_PER_SBH = 2.0
"""With full recomputation each layer keeps only its 16-bit input [2]."""

LOGIT_BYTES_PER_TOKEN_VOCAB = 4.0
"""The output logits are kept in fp32 for the loss (as Hugging Face Transformers' and
Megatron-LM's cross-entropy do), 4 bytes per token per vocabulary entry."""

USABLE_MEMORY_FRACTION = 0.9
"""Share of a GPU's memory a run can plan to use; the rest goes to the CUDA context,
allocator fragmentation and communication buffers. The same margin as vLLM's default
``gpu_memory_utilization=0.9`` (vLLM engine arguments documentation)."""

TENSOR_PARALLEL_MAX = 8
"""Tensor and sequence parallelism stays inside one node of 8 NVLink-connected GPUs
(Megatron-LM practice; Narayanan et al., arXiv:2104.04473, sec. 3.3), splitting
activations 8 ways at most [2]."""

DEFAULT_LORA_RANK = 8
"""LoRA rank: Hugging Face PEFT's ``LoraConfig`` default (r=8); the adapters' memory is
small either way (0.2% of an 8B model at rank 8)."""


def lora_adapter_params(arch: Architecture, rank: int = DEFAULT_LORA_RANK) -> float:
    """Trainable LoRA parameters: ``r (d_in + d_out)`` per adapted matrix [4].

    Adapters on q, k, v, o and the MLP projections of every layer; for a mixture of
    experts only the attention and the always-active part are counted (adapters on
    every expert are rare).
    """
    h = arch.hidden_size
    q = (arch.attention_heads or h // 128) * arch.head_size
    kv = (arch.kv_heads or arch.attention_heads or h // 128) * arch.head_size
    inter = arch.intermediate_size or 4 * h
    attn = (h + q) + 2 * (h + kv) + (q + h)
    mlp = 0 if arch.is_moe else 3 * (h + inter)
    return float(rank * arch.layers * (attn + mlp))


def activation_bytes(arch: Architecture, seq_len, micro_batch=1, recompute=False):
    """Activation memory of one micro-batch on one GPU [bytes].

    Without recomputation: ``L s b h 34`` [2][6]. With full recomputation:
    ``L s b h 2`` for the checkpoints plus one layer's full activations ``s b h 34``.
    Plus the fp32 logits, ``4 s b V``.
    """
    sbh = seq_len * micro_batch * arch.hidden_size
    if recompute:
        layers = arch.layers * CHECKPOINT_BYTES_PER_SBH * sbh + ACTIVATION_BYTES_PER_SBH * sbh
    else:
        layers = arch.layers * ACTIVATION_BYTES_PER_SBH * sbh
    logits = LOGIT_BYTES_PER_TOKEN_VOCAB * seq_len * micro_batch * (arch.vocab_size or 32000)
    return layers + logits


def memory_per_gpu(
    arch: Architecture,
    method,
    gpus,
    seq_len,
    *,
    micro_batch=1,
    recompute=False,
    lora_rank=DEFAULT_LORA_RANK,
):
    """Peak training memory per GPU [bytes].

    ``M = b_m N / g + 16 A + activations / t``: model state ``b_m`` bytes per base
    parameter (16 full, 2 LoRA, 0.516 QLoRA) sharded over ``g`` GPUs (ZeRO-3 / FSDP
    [3]); LoRA adapters ``A`` with their Adam state; activations of one micro-batch
    split over ``t = min(g, 8)`` GPUs by tensor and sequence parallelism inside one
    NVLink node [2].
    """
    state = BYTES_PER_PARAM[method] * arch.params_total / gpus
    adapters = 0.0
    if method in ("lora", "qlora"):
        adapters = ADAPTER_BYTES_PER_PARAM * lora_adapter_params(arch, lora_rank)
    tp = tensor_parallel(arch, gpus)
    return state + adapters + activation_bytes(arch, seq_len, micro_batch, recompute) / tp


def tensor_parallel(arch: Architecture, gpus) -> int:
    """Tensor-parallel degree of ``gpus`` training GPUs: the largest ``t <= min(g, 8)``
    that divides ``g`` (the rest is data parallel) and the attention heads, and divides or
    is a multiple of the KV heads: Megatron-LM splits whole attention heads across
    tensor-parallel ranks (Shoeybi et al., arXiv:1909.08053, sec. 3), so 3 GPUs never
    run TP3 on a model with 64 heads. [GPUs]"""
    # a generic shape for a bare parameter count has no real head count to split
    heads = None if arch.generic else arch.attention_heads
    kv = arch.kv_heads or heads
    finite = math.isfinite(gpus)  # math.inf: the limit of many GPUs
    for t in range(int(min(gpus, TENSOR_PARALLEL_MAX)), 1, -1):
        splits = heads is None or (heads % t == 0 and (kv % t == 0 or t % kv == 0))
        if (not finite or gpus % t == 0) and splits:
            return t
    return 1


def min_gpus_to_fit(
    arch: Architecture,
    method,
    gpu_memory_bytes,
    seq_len,
    *,
    micro_batch=1,
    recompute=False,
    lora_rank=DEFAULT_LORA_RANK,
    usable=USABLE_MEMORY_FRACTION,
):
    """Fewest GPUs whose memory holds the run, or ``math.inf`` if none can.

    Tries 1 to 8 GPUs, then solves ``b_m N / g + fixed <= usable x memory`` for the
    smallest whole ``g`` with activations split 8 ways, rounded up to whole 8-GPU nodes.
    """
    budget = usable * gpu_memory_bytes
    kw = {"micro_batch": micro_batch, "recompute": recompute, "lora_rank": lora_rank}
    for g in range(1, TENSOR_PARALLEL_MAX + 1):
        if memory_per_gpu(arch, method, g, seq_len, **kw) <= budget:
            return g
    state = BYTES_PER_PARAM[method] * arch.params_total
    fixed = memory_per_gpu(arch, method, math.inf, seq_len, **kw)  # activations / 8
    room = budget - fixed
    if room <= 0:
        return math.inf
    need = max(TENSOR_PARALLEL_MAX + 1, math.ceil(state / room - 1e-9))
    # beyond one node a job takes whole 8-GPU nodes, so tensor parallelism stays 8-way
    return math.ceil(need / TENSOR_PARALLEL_MAX) * TENSOR_PARALLEL_MAX
