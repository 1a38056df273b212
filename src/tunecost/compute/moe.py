"""Mixture-of-experts serving: which experts a batch touches and what a GPU reads.

With ``k`` of ``E`` experts chosen per token and routing close to uniform (the
load-balancing losses of Switch and DeepSeek push it there), the expected number of
distinct experts a batch of ``B`` tokens touches in a layer is

    E (1 - (1 - k / E)^B),

the occupancy expectation of ``B`` draws of ``k`` distinct bins. One token touches
``k`` experts; a few hundred touch all of them, so decode reads the active weights at
batch 1 and every weight at large batch. Experts spread over the GPUs of a replica
(expert or tensor parallel) split that read evenly. Pure functions in bytes and tokens.

References
----------
.. [8] Fedus, Zoph, Shazeer, "Switch Transformers", arXiv:2101.03961 (2021), sec. 2.2
   (auxiliary load-balancing loss drives uniform routing); DeepSeek-V3 report,
   arXiv:2412.19437, sec. 2.1.2 (auxiliary-loss-free balancing).
"""

from __future__ import annotations

import numpy as np

from tunecost.compute.memory import weight_bytes
from tunecost.pricebook.models import Architecture


def experts_touched(num_experts, experts_per_token, tokens):
    """Expected distinct experts ``tokens`` tokens route to in one layer [8]:
    ``E (1 - (1 - k/E)^B)``. Works on arrays."""
    e, k = float(num_experts), float(experts_per_token)
    return e * (1.0 - (1.0 - k / e) ** np.asarray(tokens, float))


def is_routed(arch: Architecture) -> bool:
    """A mixture of experts whose routing is known (expert count and top-k)."""
    return bool(arch.is_moe and arch.num_experts and arch.experts_per_token)


def is_fine_grained(arch: Architecture) -> bool:
    """A mixture of experts whose experts are narrower than its hidden size
    (``intermediate_size < hidden_size``): DeepSeekMoE's fine-grained expert segmentation
    (Dai et al., arXiv:2401.06066, sec. 3.1) splits an FFN into many small experts, as
    DeepSeek-V3, Qwen3-MoE, GLM-4.5 and Kimi K2 do; Mixtral, Llama 4 and gpt-oss keep
    experts as wide as the hidden size or wider. Small experts make small GEMMs, which
    reach less of the GPU (``roofline.FINE_EXPERT_MATMUL_SHARE``)."""
    return (
        is_routed(arch)
        and bool(arch.intermediate_size)
        and (arch.intermediate_size < arch.hidden_size)
    )


def weight_split_bytes(arch: Architecture, precision: str) -> tuple[float, float]:
    """(always-read bytes, bytes of one routed expert) in ``precision``; a dense model
    is all always-read."""
    shared, expert = arch.expert_split()
    return float(weight_bytes(shared, precision)), float(weight_bytes(expert, precision))


def weight_bytes_per_gpu(
    arch: Architecture, precision: str, batch, *, gpus=1, tp=1, pp=1, replicate_shared=False
):
    """Weight bytes one GPU reads while every one of ``batch`` sequences advances one
    token [bytes]: the sum of :func:`weight_read_parts`."""
    dense, experts = weight_read_parts(
        arch, precision, batch, gpus=gpus, tp=tp, pp=pp, replicate_shared=replicate_shared
    )
    return dense + experts


def weight_read_parts(
    arch: Architecture, precision: str, batch, *, gpus=1, tp=1, pp=1, replicate_shared=False
):
    """(always-read, expert) weight bytes one GPU reads while every one of ``batch``
    sequences advances one token [bytes].

    The batch runs as ``pp`` micro-batches of ``batch / pp``; a GPU holds ``1/gpus`` of
    the experts (expert- or tensor-parallel) and ``1/tp`` of its pipeline stage's
    always-read weights (all of them when attention is data-parallel,
    ``replicate_shared``). Per micro-batch it reads the experts it holds that the
    micro-batch touched [8]:
    ``shared / tp (or shared) + pp x touched(batch / pp) x expert / gpus``.
    """
    shared, expert = weight_split_bytes(arch, precision)
    b = np.asarray(batch, float)
    dense = (shared if replicate_shared else shared / tp) * np.ones_like(b)
    if not is_routed(arch):
        return dense, np.zeros_like(b)
    touched = experts_touched(arch.num_experts, arch.experts_per_token, np.maximum(b / pp, 1.0))
    return dense, pp * touched * expert / gpus
