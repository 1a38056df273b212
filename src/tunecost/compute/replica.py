"""One serving replica under an engine: its layout, KV cache, batch and step times.

For each candidate layout (:func:`layout.layouts_for`) the replica's KV cache is what
the engine gives it after the weights and a workspace; the batch is what that cache
holds at the engine's admission policy, capped by the engine's batch limit (or the
caller's); and the time per output token at every batch size 1..B follows from the
roofline. The plan with the highest throughput at its largest batch is kept: the
layout an operator tuning the engine would choose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.compute.collectives import is_pcie
from tunecost.compute.engine_releases import release_slowdown
from tunecost.compute.engines import (
    Engine,
    batch_limit,
    engine_cap,
    kv_budget_bytes,
    stack_profile,
)
from tunecost.compute.layout import Layout, layouts_for
from tunecost.compute.memory import (
    KV_BYTES,
    activation_reserve_bytes,
    kv_bytes_per_sequence,
    weight_bytes,
)
from tunecost.compute.moe import is_routed, weight_split_bytes
from tunecost.compute.roofline import decode_step_seconds, kv_replication, prefill_seconds
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture


@dataclass
class ReplicaPlan:
    """A replica's layout, KV cache [bytes, bytes per token] and, at batch 1..B, time per
    output token (the replica's, which sets throughput, and a user's, which leaves out
    the request's own prefill) and time to first token [s]."""

    layout: Layout
    kv_bytes: float
    kv_token_bytes: float
    tpot: np.ndarray
    ttft: np.ndarray
    user_tpot: np.ndarray

    @property
    def max_batch(self) -> int:
        return int(self.tpot.size)

    @property
    def max_tokens_per_s(self) -> float:
        return float(self.max_batch / self.tpot[-1])


def resident_bytes(arch: Architecture, layout: Layout, precision: str, batch_cap: int) -> float:
    """Weights (the always-read part once per GPU when attention is data-parallel) and
    the activation workspace of one replica [bytes]."""
    total = float(weight_bytes(arch.params_total, precision))
    if layout.expert_parallel:
        shared, _ = weight_split_bytes(arch, precision)
        total += shared * (layout.tp - 1)
    return total + activation_reserve_bytes(arch, batch=batch_cap)


def plan_replica(
    arch: Architecture,
    gpu: GPU,
    engine: Engine,
    layout: Layout,
    formats: tuple[str, str],
    lengths: tuple[float, float],
    max_batch: int | None = None,
) -> ReplicaPlan | None:
    """The replica's plan, or None when the weights leave no room for one sequence.

    KV per admitted sequence covers ``input + output`` tokens when the engine reserves
    whole sequences, else their mean length ``input + output / 2``; decode steps run at
    the mean context ``input + output / 2``; continuous batching gives
    ``TPOT(B) = t_decode(B) + B x t_prefill / output`` (Orca, OSDI 2022), where a
    decode step is never shorter than the host's ``B x host_token_s`` per scheduler and
    an older engine release's GPU time is ``engine_releases.release_slowdown`` times
    the current one's; a user's TPOT leaves out the request's own prefill (it is in
    its TTFT):
    ``t_decode(B) + (B - 1) x t_prefill / output``.
    """
    precision, kvp = formats
    n_in, n_out = lengths
    # data-parallel attention ranks, each with its own scheduler
    ranks = layout.tp if layout.expert_parallel else 1
    cap = max_batch or engine_cap(engine, gpu, ranks)
    room = kv_budget_bytes(engine, gpu, layout.gpus, resident_bytes(arch, layout, precision, cap))
    token = arch.layers * arch.kv_elements_per_token_layer() * KV_BYTES[kvp]
    token *= kv_replication(arch, layout)
    held = n_in + (n_out if engine.reserve_full else n_out / 2.0)
    per_seq = float(kv_bytes_per_sequence(arch, held, kvp)) * kv_replication(arch, layout)
    if room < per_seq:
        return None
    b = batch_limit(engine, gpu, room / per_seq, ranks)
    if max_batch:
        b = int(max(1, min(max_batch, room // per_seq)))
    batches = np.arange(1, b + 1, dtype=float)
    kw = {"precision": precision, "layout": layout}
    stack = stack_profile(engine, gpu)
    slow = release_slowdown(engine, gpu, arch)
    step = slow * decode_step_seconds(
        arch, gpu, batches, n_in + n_out / 2.0, kv_precision=kvp, stack=stack, **kw
    )
    step = np.maximum(step, batches * engine.host_token_s / ranks)
    chunk = engine.prefill_tokens(gpu)
    pre = slow * float(prefill_seconds(arch, gpu, n_in, chunk_tokens=chunk, kv_precision=kvp, **kw))
    tpot = step + batches * pre / n_out
    return ReplicaPlan(layout, room, token, tpot, pre + step, tpot - pre / n_out)


def best_plan(
    arch: Architecture,
    gpu: GPU,
    engine: Engine,
    gpus: int,
    formats: tuple[str, str],
    lengths: tuple[float, float],
    *,
    max_batch: int | None = None,
    pp: int | None = None,
) -> ReplicaPlan | None:
    """The fastest plan over the candidate layouts of ``gpus`` GPUs (expert parallel
    when the engine runs mixtures of experts that way; every TP x PP split over PCIe;
    ``pp`` pipeline stages when given)."""
    candidates = layouts_for(
        gpus,
        pp=pp,
        expert_parallel=engine.moe_expert_parallel and is_routed(arch),
        pcie=is_pcie(gpu.interconnect_bytes_per_s),
    )
    plans = [
        plan_replica(arch, gpu, engine, lay, formats, lengths, max_batch) for lay in candidates
    ]
    plans = [p for p in plans if p is not None]
    return max(plans, key=lambda p: p.max_tokens_per_s) if plans else None
