"""An autoscaled fleet on whole instances: what each billing step of the week costs.

The fleet follows the week's demand (:func:`tunecost.compute.autoscale.replica_steps`):
in each billing step of ``h`` hours it runs ``n`` replicas of ``g`` GPUs, placed on the
cheapest whole instances that hold ``n`` (:mod:`tunecost.costing.instances`; a cluster
autoscaler adds nodes that take several replicas where a node holds several). A step
costs ``min over shapes of instances(n) x USD per instance-hour x h``; a replica added
pays its start-up (and one removed its wind-down) on the cheapest instance that
holds one replica. The week's cost is
scaled to the calendar month: ``x month hours / week hours``.

So a flat profile costs what the fixed fleet of :func:`tunecost.costing.instances.cheapest`
costs for the same replicas, and an autoscaled fleet never pays for a replica-hour more
than the fixed fleet sized for the peak in every hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.compute.autoscale import replica_steps
from tunecost.compute.serving import peak_output_tokens_per_s
from tunecost.costing.context import Context
from tunecost.costing.instances import Shape, instances_for
from tunecost.errors import InputError
from tunecost.scenario.profile import peak_factor, profile_weights


def peak_demand(ctx: Context, out_tok):
    """Output tokens/s in each month's peak hour, what a fleet that does not autoscale
    is sized for: the month's mean times the workload's peak factor
    (:func:`tunecost.scenario.profile.peak_factor`)."""
    return peak_output_tokens_per_s(ctx.traffic, out_tok, peak_factor(ctx.scenario.workload))


def weekly_demand(ctx: Context, out_tok, field: str) -> tuple[np.ndarray, np.ndarray]:
    """(the week's hourly weights, the month's mean output tokens/s) an autoscaled fleet
    follows; ``autoscale`` (``field``) without ``workload.profile`` is refused."""
    profile = ctx.scenario.workload.profile
    if profile is None:
        raise InputError(
            "autoscale needs workload.profile (a named week, e.g. diurnal, or hourly counts)",
            field,
            absolute=True,
        )
    return profile_weights(profile), peak_output_tokens_per_s(ctx.traffic, out_tok, 1.0)


@dataclass(frozen=True)
class Fleet:
    """An autoscaled fleet's month: USD, GPU-hours and replica-hours billed (arrays over
    months and draws) and the instance shapes it used somewhere."""

    shapes: tuple[Shape, ...]
    usd: np.ndarray
    gpu_hours: np.ndarray
    replica_hours: np.ndarray


def autoscaled_fleet(
    rate,
    weights,
    per_replica: float,
    gpus_per_replica: int,
    shapes: list[Shape],
    month_hours,
    **rule,
) -> Fleet:
    """Cost of the replicas that follow ``weights`` (one week of slots; ``rule`` as
    :func:`replica_steps` takes it) at a mean demand of ``rate`` output tokens/s, over
    ``month_hours`` hours. [USD, GPU-hours, replica-hours per month]"""
    if not shapes:
        raise ValueError("no instance shape to place replicas on")
    week = len(np.ravel(weights)) * rule.get("slot_hours", 1.0)
    scale = np.asarray(month_hours, float) / week
    rates = [s.usd_per_instance_hour for s in shapes]
    one = [float(instances_for(1, gpus_per_replica, s.gpus)) for s in shapes]
    # a replica being started runs on the instance that holds one replica most cheaply
    per_start = np.min(
        np.stack(np.broadcast_arrays(*(n * r for n, r in zip(one, rates, strict=True)))), 0
    )
    start_gpus = min(n * s.gpus for n, s in zip(one, shapes, strict=True))
    usd = gpu_h = replica_h = 0.0
    used: set[int] = set()
    for n, hours, extra in replica_steps(rate, weights, per_replica, **rule):
        counts = [instances_for(n, gpus_per_replica, s.gpus) for s in shapes]
        costs = np.stack(np.broadcast_arrays(*(c * r for c, r in zip(counts, rates, strict=True))))
        pick = np.argmin(costs, axis=0)
        gpus = np.choose(pick, [c * s.gpus for c, s in zip(counts, shapes, strict=True)])
        usd = usd + np.min(costs, axis=0) * hours + extra * per_start
        gpu_h = gpu_h + gpus * hours + extra * start_gpus
        replica_h = replica_h + n * hours + extra
        used.update(int(k) for k in np.unique(pick[np.broadcast_to(n, pick.shape) > 0]))
    picked = tuple(shapes[k] for k in sorted(used)) or (shapes[0],)
    return Fleet(picked, usd * scale, gpu_h * scale, replica_h * scale)
