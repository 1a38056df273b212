"""The notes ``tunecost serve`` and ``train`` print beyond their figures: how a mixture's
experts were laid out and what their width costs in prefill, and how far published runs
of the same kind were from the estimate."""

from __future__ import annotations


def experts_notes(est, expert_parallel, book) -> list[str]:
    """The layout note (when the user left it to the engine) and, for a fine-grained
    mixture, the prefill share its small experts were charged."""
    arch = book.architecture(est.model)
    if not arch.num_experts:
        return []
    return _layout_note(est, expert_parallel) + _width_note(arch)


def _layout_note(est, expert_parallel) -> list[str]:
    one_gpu = est.gpus_per_replica == 1
    if expert_parallel and one_gpu:
        return ["experts: one GPU holds them all; --expert-parallel changes nothing on one"]
    if expert_parallel is not None or one_gpu:
        return []
    if "EP" in (est.layout or ""):
        return [
            f"experts: spread over the GPUs, {est.engine}'s default; --no-expert-parallel "
            "for tensor parallelism"
        ]
    return [
        f"experts: tensor-parallel, {est.engine}'s default; --expert-parallel for "
        "data-parallel attention with the experts spread (vLLM --data-parallel-size N "
        "--enable-expert-parallel)"
    ]


def _width_note(arch) -> list[str]:
    from tunecost.compute.moe import is_fine_grained
    from tunecost.compute.roofline import FINE_EXPERT_MATMUL_SHARE

    if not is_fine_grained(arch):
        return []
    return [
        f"experts: fine-grained ({arch.intermediate_size:,} wide, hidden "
        f"{arch.hidden_size:,}): prompts run the routed experts at "
        f"{FINE_EXPERT_MATMUL_SHARE:g} of the GPU's achievable matmul rate, a fused MoE "
        "layer's measured share (VeOmni PR #460, H100)"
    ]


FLEET_KEYS = ("replicas_low", "replicas_high", "monthly_cost_usd_low", "monthly_cost_usd_high")
"""Record keys of the fleet the band implies (None without traffic or a price)."""


def serving_accuracy(est, engine: str | None, book, fleet: tuple | None = None):
    """(record keys, notes) of the band of published runs of ``engine`` and ``est``'s
    model family, applied to its offline maximum throughput (what the runs measured)
    and, with traffic and ``fleet`` = (prices, spares, min_replicas), to the replicas
    and monthly cost (:func:`tunecost.cli.serve_instances.fleet_range`)."""
    from tunecost.compute.accuracy import record_keys, serving_band
    from tunecost.output.numbers import money

    moe = est.moe
    band = serving_band(engine, moe)
    if band is None:
        return {**record_keys(None), **dict.fromkeys(FLEET_KEYS)}, _burst_note(est)
    keys, notes = _throughput_band(est, band, moe)
    notes = _burst_note(est) + notes
    ranged = _fleet_band(est, book, fleet, band) if fleet else None
    keys.update(ranged or dict.fromkeys(FLEET_KEYS))
    if ranged:
        notes.append(
            f"accuracy: at those rates the peak needs {ranged['replicas_low']}-"
            f"{ranged['replicas_high']} replica(s) plus the spares, "
            f"{money(ranged['monthly_cost_usd_low'])}-{money(ranged['monthly_cost_usd_high'])}"
            " USD a month on the cheapest whole instances"
        )
    return keys, notes


def _burst_note(est) -> list[str]:
    """How a finite run of ``--burst`` requests batches, and what to do with what it
    measures."""
    from tunecost.output.numbers import human

    n = est.burst_requests
    if n is None:
        return []
    full, rest = divmod(n, est.max_batch)
    batches = _batches(full, est.max_batch) if full else _batches(1, rest)
    if full and rest:
        batches += f" and one of {rest:,}"
    return [
        f"burst: {n:,} request{'s' * (n > 1)} sent at once run as {batches}, "
        f"{human(est.burst_output_tokens_per_s)} output tokens/s over the run: what a "
        "benchmark of that many prompts reports; measured / this is your "
        "serving.throughput_scale"
    ]


def _batches(count: int, size: int) -> str:
    """``one batch of 110``, ``4 batches of 110``."""
    return f"one batch of {size:,}" if count == 1 else f"{count:,} batches of {size:,}"


def _fleet_band(est, book, fleet, band):
    from tunecost.cli.serve_instances import fleet_range

    prices, spares, min_replicas = fleet
    return fleet_range(est, book, prices, spares, min_replicas, band)


def _throughput_band(est, band, moe: bool):
    from tunecost.output.numbers import human

    top = est.max_output_tokens_per_s
    note = (
        f"accuracy: {band.sentence(est.engine, moe)}: {human(top * band.low)}-"
        f"{human(top * band.high)} tokens/s for the max throughput (offline) above "
        "(docs/accuracy.md)"
    )
    return band.keys(), [note]


def training_accuracy(est):
    """(record keys, notes) of the published pretraining runs' band applied to ``est``'s
    GPU-hours, for pretraining and full fine-tuning (which counts FLOPs the same way);
    adapters get no band, and a note saying so."""
    from tunecost.compute.accuracy import record_keys, training_band
    from tunecost.output.numbers import human

    band = training_band()
    if est.method not in ("pretrain", "full"):
        return record_keys(None), [
            f"accuracy: no published {est.method} run has checked this estimate yet "
            "(docs/accuracy.md scores pretraining runs)"
        ]
    if band is None:
        return record_keys(None), []
    hours = est.gpu_hours
    kind = "" if est.method == "pretrain" else " (full fine-tuning counts FLOPs alike)"
    note = (
        f"accuracy: {band.runs} published pretraining runs{kind} kept aside from "
        f"calibration took {band.low:.2f}-{band.high:.2f}x the estimated GPU-hours "
        f"(10th-90th percentile; median {band.median:.2f}x): "
        f"{human(hours * band.low)}-{human(hours * band.high)} GPU-hours here "
        "(docs/accuracy.md)"
    )
    return band.keys(), [note]
