"""``serve``'s replicas placed on whole instances (the cost line of its record)."""

from __future__ import annotations

from tunecost.cli.instance_price import place

INSTANCE_KEYS = (
    "spare_replicas",
    "instance",
    "instances",
    "gpus_per_instance",
    "usd_per_instance_hour",
)
"""Record fields the instance placement adds (None when the estimate has no price)."""


def on_instances(est, book, prices: tuple, spares: int | None) -> tuple[dict, str]:
    """The estimate's replicas (and ``spares`` while there is traffic) on the cheapest
    whole instances that hold them, priced from those instances alone: the record and
    where its price came from. ``spares`` None is the scenario default (one, N + 1).
    With no offer in the book and none asked for, the record has no cost line."""
    from tunecost.costing.instances import serve_record
    from tunecost.scenario.defaults import SPARE_REPLICAS
    from tunecost.units import HOURS_PER_MONTH

    spares = SPARE_REPLICAS if spares is None else spares
    replicas = 1 if est.replicas is None else est.replicas
    extra = spares if est.replicas is not None and est.requests_per_month > 0 else 0
    placed, why = place(
        book, est.gpu, est.gpus_per_replica, replicas + extra, prices, HOURS_PER_MONTH
    )
    if placed is None:
        return {**est.to_dict(), **dict.fromkeys(INSTANCE_KEYS)}, why
    record = serve_record(est.to_dict(), placed, spares)
    return record, record["price_source"]


def fleet_range(est, book, prices: tuple, spares: int | None, min_replicas: int, band):
    """The replicas the peak needs, and their monthly cost on whole instances, if a
    replica serves ``band.high`` or ``band.low`` times its estimated rate within the SLOs
    (the band of published runs, :mod:`tunecost.compute.accuracy`): a dict of
    ``replicas_low``/``_high`` and ``monthly_cost_usd_low``/``_high``, or None without
    traffic or a price."""
    from tunecost.compute.serving import replicas_for_peak
    from tunecost.scenario.defaults import SPARE_REPLICAS
    from tunecost.units import HOURS_PER_MONTH

    if est.replicas is None or not est.peak_output_tokens_per_s:
        return None
    spares = SPARE_REPLICAS if spares is None else spares
    out = {}
    for end, factor in (("low", band.high), ("high", band.low)):  # faster: fewer replicas
        capacity = est.slo_output_tokens_per_s * factor
        n = int(replicas_for_peak(est.peak_output_tokens_per_s, capacity, min_replicas))
        placed, _ = place(book, est.gpu, est.gpus_per_replica, n + spares, prices, HOURS_PER_MONTH)
        if placed is None:
            return None
        out[f"replicas_{end}"] = n
        out[f"monthly_cost_usd_{end}"] = float(placed.usd)
    return out
