"""Collective communication inside a replica: all-reduce (tensor parallelism) and
all-to-all (expert parallelism), priced by the GPUs' interconnect.

The interconnect comes from ``gpus.csv`` (``interconnect_gbps``, bidirectional per
GPU). NVLink/xGMI parts list hundreds of GB/s; PCIe-only cards list their slot, at
most 128 GB/s (PCIe 5.0 x16), so anything at or below that is treated as PCIe, whose
collectives also pay more latency per hop. Pure functions in seconds and bytes.

References
----------
.. [4] NCCL tests, doc/PERFORMANCE.md: ring all-reduce moves 2 (n - 1) / n of the
   buffer over each GPU's link; all-to-all moves (n - 1) / n of it.
.. [7] NVIDIA/nccl src/graph/tuning.cc (v2.30): latency model, base 6.6 us for ring
   LL plus per-hop hardware latency 0.6 us over NVLink and 1.0 us over PCIe; NVLS
   bandwidth efficiency 0.85.
"""

from __future__ import annotations

import numpy as np

LINK_EFFICIENCY = 0.85
"""Share of link bandwidth a collective achieves [7]."""

ALLREDUCE_BASE_LATENCY_S = 6.6e-6
NVLINK_HOP_LATENCY_S = 0.6e-6
PCIE_HOP_LATENCY_S = 1.0e-6
ALLREDUCE_HOP_LATENCY_S = NVLINK_HOP_LATENCY_S
"""Ring all-reduce latency of NCCL's tuner [7]: 6.6 us plus a per-hop latency, 0.6 us
(NVLink) or 1.0 us (PCIe); a ring over n GPUs takes 2 (n - 1) hops."""

PCIE_MAX_BYTES_PER_S = 128e9
"""Bidirectional bandwidth of a PCIe 5.0 x16 slot; interconnects listed at or below it
are PCIe (PCIe 4.0 x16 is 64 GB/s)."""

DEFAULT_LINK_BYTES_PER_S = 32e9
"""A GPU without an interconnect entry: PCIe 3.0 x16 (32 GB/s bidirectional)."""


def is_pcie(link_bytes_per_s) -> bool:
    """True when the interconnect is a PCIe slot (see ``PCIE_MAX_BYTES_PER_S``)."""
    return (link_bytes_per_s or 0.0) <= PCIE_MAX_BYTES_PER_S


def hop_latency(link_bytes_per_s) -> float:
    """Per-hop collective latency over this interconnect [7] [s]."""
    return PCIE_HOP_LATENCY_S if is_pcie(link_bytes_per_s) else NVLINK_HOP_LATENCY_S


def allreduce_seconds(
    nbytes,
    tp,
    link_bytes_per_s,
    efficiency=LINK_EFFICIENCY,
    hop_latency_s=NVLINK_HOP_LATENCY_S,
):
    """One ring all-reduce of ``nbytes`` over ``tp`` GPUs [s] [4] [7].

    ``alpha + 2 (tp - 1) / tp x bytes / (link / 2 x efficiency)``, with the link the
    published bidirectional per-GPU bandwidth (half of it each way) and
    ``alpha = 6.6 us + hop x 2 (tp - 1)``. Works on arrays.
    """
    if tp <= 1:
        return np.zeros_like(np.asarray(nbytes, float))
    bw = (link_bytes_per_s or DEFAULT_LINK_BYTES_PER_S) / 2.0 * efficiency
    alpha = ALLREDUCE_BASE_LATENCY_S + hop_latency_s * 2 * (tp - 1)
    return alpha + 2.0 * (tp - 1) / tp * np.asarray(nbytes, float) / bw


def alltoall_seconds(nbytes, gpus, link_bytes_per_s, efficiency=LINK_EFFICIENCY, hop_latency_s=0.0):
    """One all-to-all in which each GPU exchanges ``nbytes`` with the others [s] [4].

    ``alpha + (n - 1) / n x bytes / (link / 2 x efficiency)``, ``alpha`` the base
    latency plus one hop. Works on arrays.
    """
    if gpus <= 1:
        return np.zeros_like(np.asarray(nbytes, float))
    bw = (link_bytes_per_s or DEFAULT_LINK_BYTES_PER_S) / 2.0 * efficiency
    alpha = ALLREDUCE_BASE_LATENCY_S + hop_latency_s
    return alpha + (gpus - 1) / gpus * np.asarray(nbytes, float) / bw
