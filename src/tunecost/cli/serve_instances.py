"""``serve``'s replicas placed on whole instances (the cost line of its record)."""

from __future__ import annotations

import datetime as dt

from tunecost.cli.options import allowed_markets

INSTANCE_KEYS = (
    "spare_replicas",
    "instance",
    "instances",
    "gpus_per_instance",
    "usd_per_instance_hour",
)
"""Record fields the instance placement adds (None when the estimate has no price)."""


def on_instances(est, book, prices: tuple, spares: int | None) -> dict:
    """The estimate's replicas (and ``spares`` while there is traffic) on the cheapest
    whole instances that hold them; unchanged when it has no price. ``spares`` None is
    the scenario default (one, N + 1)."""
    from tunecost.costing.gpu_price import instance_placement
    from tunecost.costing.instances import serve_record
    from tunecost.scenario.defaults import SPARE_REPLICAS
    from tunecost.units import HOURS_PER_MONTH

    spares = SPARE_REPLICAS if spares is None else spares
    if est.usd_per_gpu_hour is None:
        return {**est.to_dict(), **dict.fromkeys(INSTANCE_KEYS)}
    usd_per_gpu_hour, provider, offer, tier = prices
    replicas = 1 if est.replicas is None else est.replicas
    extra = spares if est.replicas is not None and est.requests_per_month > 0 else 0
    placed = instance_placement(
        book,
        est.gpu,
        as_of=dt.date.today(),
        gpus_per_replica=est.gpus_per_replica,
        replicas=replicas + extra,
        usd_per_gpu_hour=usd_per_gpu_hour,
        given="given with --usd-per-gpu-hour",
        provider=provider,
        offer=offer,
        tier=tier,
        markets=allowed_markets(),
    )
    return serve_record(est.to_dict(), placed, spares, HOURS_PER_MONTH)
