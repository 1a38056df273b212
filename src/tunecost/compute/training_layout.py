"""How a training run is laid out over its GPUs: tensor, pipeline and data parallelism,
ZeRO stage, activation recomputation and sequence parallelism.

The search tries, in order, the layouts that cost least and keeps the first whose
memory fits (:func:`choose`):

1. FSDP / ZeRO-3 data parallelism with tensor + sequence parallelism inside a node
   (up to 8 GPUs), activations kept (the model of :mod:`training_memory`);
2. the same with full activation recomputation, which costs one more forward pass
   (``+2 N D`` FLOPs, Korthikanti et al. 2022);
3. Megatron-style 3D parallelism: TP8 with sequence parallelism, ``p`` pipeline stages
   (1F1B), ZeRO-1 data parallelism over the rest, full recomputation; the pipeline
   bubble idles ``(p - 1) / (m + p - 1)`` of the time for ``m`` micro-batches per
   step (Narayanan et al. 2021, sec. 2.2).

Pure functions in bytes, tokens and GPUs.

References
----------
.. [2] Korthikanti et al., arXiv:2205.05198 (2022): activations ``34 s b h`` bytes per
   layer with tensor + sequence parallelism dividing them by ``t``; full recomputation
   keeps ``2 s b h``.
.. [3] Rajbhandari et al., ZeRO, arXiv:1910.02054: 16 bytes per parameter; ZeRO-1
   shards the 12 bytes of optimizer state over the data-parallel group.
.. [10] Narayanan et al., "Efficient Large-Scale Language Model Training on GPU
   Clusters Using Megatron-LM", arXiv:2104.04473 (2021): 1F1B keeps at most ``p``
   micro-batches in flight on the first stage; bubble ``(p - 1) / m`` of the ideal time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tunecost.compute.training_memory import (
    ACTIVATION_BYTES_PER_SBH,
    CHECKPOINT_BYTES_PER_SBH,
    LOGIT_BYTES_PER_TOKEN_VOCAB,
    TENSOR_PARALLEL_MAX,
    USABLE_MEMORY_FRACTION,
    memory_per_gpu,
    min_gpus_to_fit,
    tensor_parallel,
)
from tunecost.pricebook.models import Architecture

GLOBAL_BATCH_TOKENS = 4_000_000
"""Tokens per optimizer step when the run does not say: Llama 2's 4M (Touvron et al.
2023, table 1); GPT-3 175B used 3.2M (Brown et al. 2020, table 2.1). Sets the
micro-batches per pipeline and so the bubble."""

RECOMPUTE_EXTRA = 2.0 / 6.0
"""Full recomputation repeats the forward pass: ``2 N D`` on top of ``6 N D`` [2]."""


@dataclass(frozen=True)
class TrainingLayout:
    """A training layout: ``tp`` x ``pp`` x ``dp`` GPUs, ZeRO stage, recomputation, and
    the share of time the pipeline bubble adds."""

    gpus: int
    tp: int
    pp: int
    zero: int
    recompute: bool
    bubble: float = 0.0

    @property
    def dp(self) -> int:
        return max(1, self.gpus // (self.tp * self.pp))

    @property
    def time_factor(self) -> float:
        """Time over the ideal ``6 N D`` time: recomputation FLOPs and the bubble."""
        return (1.0 + (RECOMPUTE_EXTRA if self.recompute else 0.0)) * (1.0 + self.bubble)

    def describe(self) -> str:
        """``TP8 (SP) x PP4 x DP128, ZeRO-1, full recompute, bubble 2.3%`` and the like."""
        if self.pp == 1:
            head = f"FSDP/ZeRO-3 over {self.gpus} GPU{'' if self.gpus == 1 else 's'}"
            if self.tp > 1:
                head += f", TP{self.tp} (SP)"
        else:
            head = f"TP{self.tp} (SP) x PP{self.pp} x DP{self.dp}, ZeRO-1"
        head += ", full recompute" if self.recompute else ", activations kept"
        return head + (f", bubble {self.bubble:.1%}" if self.bubble else "")


def pipeline_bytes_per_gpu(arch: Architecture, gpus: int, pp: int, seq_len: int) -> float:
    """Memory per GPU of TP8 (SP) x ``pp`` stages x ZeRO-1 with full recomputation
    [bytes] [2] [3] [10]: ``(4 + 12 / dp) N / (t p)`` model state, the first stage's
    checkpoints of ``pp`` in-flight micro-batches ``(L / p) p 2 s h / t`` plus one
    layer's full activations ``34 s h / t``, and fp32 logits ``4 s V / t``."""
    t = TENSOR_PARALLEL_MAX
    dp = max(1, gpus // (t * pp))
    state = (4.0 + 12.0 / dp) * arch.params_total / (t * pp)
    sh = seq_len * arch.hidden_size
    acts = (arch.layers * CHECKPOINT_BYTES_PER_SBH * sh + ACTIVATION_BYTES_PER_SBH * sh) / t
    logits = LOGIT_BYTES_PER_TOKEN_VOCAB * seq_len * (arch.vocab_size or 32000) / t
    return state + acts + logits


def bubble(pp: int, dp: int, seq_len: int, global_tokens=GLOBAL_BATCH_TOKENS) -> float:
    """Time the 1F1B bubble adds [10]: ``(p - 1) / m`` for ``m`` micro-batches (one
    sequence each) per pipeline and step, ``m = global batch / (seq_len x dp)``."""
    if pp <= 1:
        return 0.0
    m = max(1.0, global_tokens / seq_len / dp)
    return (pp - 1) / m


def _fsdp(arch, method, gpus, seq_len, memory, budget, recompute) -> TrainingLayout | None:
    kw = {**memory, "recompute": recompute}
    if memory_per_gpu(arch, method, gpus, seq_len, **kw) > budget:
        return None
    return TrainingLayout(gpus, tensor_parallel(arch, gpus), 1, 3, recompute)


def choose(arch: Architecture, method: str, gpus: int, seq_len: int, memory: dict, gpu_bytes):
    """The first layout of ``gpus`` GPUs whose memory fits, in the order of the module
    docstring (``memory['recompute']`` True skips the variant without it); None if
    none does."""
    budget = USABLE_MEMORY_FRACTION * gpu_bytes
    for recompute in (False, True) if not memory.get("recompute") else (True,):
        found = _fsdp(arch, method, gpus, seq_len, memory, budget, recompute)
        if found:
            return found
    if method not in ("pretrain", "full") or gpus < 2 * TENSOR_PARALLEL_MAX:
        return None
    pp = 2
    while pp <= arch.layers and TENSOR_PARALLEL_MAX * pp <= gpus:
        if pipeline_bytes_per_gpu(arch, gpus, pp, seq_len) <= budget:
            dp = max(1, gpus // (TENSOR_PARALLEL_MAX * pp))
            return TrainingLayout(gpus, TENSOR_PARALLEL_MAX, pp, 1, True, bubble(pp, dp, seq_len))
        pp *= 2
    return None


def fewest_gpus(arch: Architecture, method: str, seq_len: int, memory: dict, gpu_bytes) -> float:
    """Fewest GPUs any layout fits on (``math.inf`` if none): FSDP/ZeRO-3 as
    :func:`training_memory.min_gpus_to_fit`, else with recomputation, else the smallest
    3D layout."""
    for recompute in (False, True) if not memory.get("recompute") else (True,):
        need = min_gpus_to_fit(
            arch, method, gpu_bytes, seq_len, **{**memory, "recompute": recompute}
        )
        if need != math.inf:
            return need
    if method not in ("pretrain", "full"):
        return math.inf
    budget = USABLE_MEMORY_FRACTION * gpu_bytes
    pp = 2
    while pp <= arch.layers:
        for dp in (1, 2, 4, 8, 16, 32, 64):
            g = TENSOR_PARALLEL_MAX * pp * dp
            if pipeline_bytes_per_gpu(arch, g, pp, seq_len) <= budget:
                return g
        pp *= 2
    return math.inf
