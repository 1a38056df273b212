"""LoRA adapters served together on one base model: their bytes in GPU memory, the KV
cache they leave, and the throughput of batches that mix them.

A LoRA adapter adds ``delta W = B A`` to a frozen weight ``W`` (``d_out x d_in``), with
``A`` of ``r x d_in`` and ``B`` of ``d_out x r``: ``r x (d_in + d_out)`` parameters per
adapted matrix and layer [1]. A fleet serving N adapters keeps the base model once and
the adapters' small matrices beside it (S-LoRA [2], Punica [3], LoRAX, vLLM multi-LoRA);
they take memory from the KV cache, and a batch mixing adapters runs an extra batched
low-rank product per adapted layer, which costs throughput. A single adapter is merged
into the weights and runs at the base model's speed ([1] sec. 4: "no additional
inference latency"; Fireworks' "live merge ... performance matching the base model",
https://docs.fireworks.ai/fine-tuning/deploying-loras, retrieved 2026-11-30).

Published case: LoRA Land serves 25 LoRA fine-tunes of Mistral-7B on one A100 80GB with
LoRAX (Zhao et al., arXiv:2405.00732, 2024, abstract).

References
----------
.. [1] Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models",
   arXiv:2106.09685 (2021), sec. 4.1 (``W0 + BA``), sec. 7.1 (adapting W_q and W_v).
.. [2] Sheng et al., "S-LoRA: Serving Thousands of Concurrent LoRA Adapters",
   arXiv:2311.03285 (2023): adapters in host memory, the running ones paged into GPU
   memory beside the KV cache ("Unified Paging").
.. [3] Chen et al., "Punica: Multi-Tenant LoRA Serving", arXiv:2310.18547 (2023):
   the SGMV kernel batches different adapters, "only adding 2ms latency per token".
"""

from __future__ import annotations

import math

from tunecost.pricebook.models import Architecture

LORA_RANK = 8
"""Default rank: Hugging Face PEFT's ``LoraConfig(r=8)`` (peft/tuners/lora/config.py)."""

TARGETS = {
    "q-v": ("q_proj", "v_proj"),
    "attention": ("q_proj", "k_proj", "v_proj", "o_proj"),
    "all-linear": ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
}
"""Named target sets. ``q-v`` is the default: PEFT's target modules for Llama, Mistral and
Qwen2 (``TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING``, peft/utils/constants.py:
``["q_proj", "v_proj"]``) and the LoRA paper's W_q, W_v [1]; ``all-linear`` is QLoRA's
(Dettmers et al., arXiv:2305.14314, sec. 4: "LoRA on all linear transformer block layers")
and Punica's published adapters' (q, k, v, o, gate, up, down)."""

LORA_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp32": 4.0}
"""Bytes per adapter parameter. vLLM's ``lora_dtype`` default ``auto`` is "the base model
dtype" (vllm/config/lora.py, v0.11.0), 16 bits for bf16 and quantised models alike."""

MIXED_ADAPTER_THROUGHPUT = 0.665
"""A replica's throughput with LoRA adapters served unmerged, as a share of the base
model's: vLLM on one A100, Llama 2 7B, 1,000 ShareGPT prompts, 1,791.53 output tokens/s
with ``--enable-lora --max-loras 4 --max-lora-rank 8`` against 2,693.62 without
(vllm-project/vllm PR #11267, 2024-12-17): 1,791.53 / 2,693.62 = 0.665. It is the low
(costly) end of the published figures: vLLM V1 on TPU v6e loses 8.4% to 23.9% (0.76 to
0.92, Llama 3.1 8B, PR #15655, 2025), and S-LoRA [2] and Punica [3] report a small
overhead over one model (Punica: 2 ms per token). Set ``lora.throughput`` to a figure
measured on your engine."""


def module_shapes(arch: Architecture) -> dict[str, tuple[float, float]]:
    """(d_in, d_out) of each linear layer of one decoder block [parameters].

    q and o map ``hidden <-> heads x head_dim``, k and v ``hidden -> kv_heads x
    head_dim``, gate and up ``hidden -> intermediate`` and down back; a mixture of
    experts has gate, up and down in each of its experts (counted in
    :func:`adapter_params`). Multi-head latent attention is counted as plain heads.
    """
    h = float(arch.hidden_size)
    q = float((arch.attention_heads or 1) * arch.head_size)
    kv = float((arch.kv_heads or arch.attention_heads or 1) * arch.head_size)
    inter = float(arch.intermediate_size or 4 * arch.hidden_size)
    return {
        "q_proj": (h, q),
        "k_proj": (h, kv),
        "v_proj": (h, kv),
        "o_proj": (q, h),
        "gate_proj": (h, inter),
        "up_proj": (h, inter),
        "down_proj": (inter, h),
    }


def target_modules(targets) -> tuple[str, ...]:
    """The module names of a named target set (``q-v``, ``attention``, ``all-linear``) or
    of a list of names."""
    return TARGETS[targets] if isinstance(targets, str) else tuple(targets)


def adapter_params(arch: Architecture, rank: int, targets="q-v") -> float:
    """Parameters of one adapter: ``sum over targets of r x (d_in + d_out)`` per layer,
    times the layers (and, for an MLP module of a mixture of experts, the experts) [1]."""
    shapes = module_shapes(arch)
    experts = float(arch.num_experts or 1)
    per_layer = 0.0
    for name in target_modules(targets):
        d_in, d_out = shapes[name]
        copies = experts if name in ("gate_proj", "up_proj", "down_proj") else 1.0
        per_layer += copies * rank * (d_in + d_out)
    return per_layer * arch.layers


def adapter_bytes(arch: Architecture, rank: int = LORA_RANK, targets="q-v", precision="bf16"):
    """Bytes of one adapter in GPU memory: ``adapter_params x LORA_BYTES[precision]``."""
    return adapter_params(arch, rank, targets) * LORA_BYTES[precision]


def kv_batch(kv_cache_tokens: float, arch: Architecture, held_tokens: float) -> float:
    """Sequences of ``held_tokens`` the KV cache holds (before the engine's batch cap):
    ``kv_cache_tokens x layers / token-layers of one sequence`` (equal to
    ``kv_cache_tokens / held_tokens`` without sliding-window layers)."""
    return kv_cache_tokens * arch.layers / float(arch.kv_token_layers(held_tokens))


def batch_with_adapters(kv_sequences: float, kv_bytes: float, resident_bytes: float) -> int:
    """The batch the KV cache holds once ``resident_bytes`` of adapters take their share of
    its ``kv_bytes``: ``floor(kv_sequences x (kv_bytes - resident) / kv_bytes)``; 0 when
    the adapters leave no room for one sequence."""
    if kv_bytes <= 0:
        return 0
    return max(0, math.floor(kv_sequences * (kv_bytes - resident_bytes) / kv_bytes + 1e-9))


def mixed_batch_factor(adapters: int, measured: float | None = None) -> float:
    """Throughput of a replica serving ``adapters`` unmerged adapters as a share of the
    base model's: 1 for one (merged), else ``measured`` or
    :data:`MIXED_ADAPTER_THROUGHPUT`."""
    if adapters <= 1:
        return 1.0
    return MIXED_ADAPTER_THROUGHPUT if measured is None else float(measured)
