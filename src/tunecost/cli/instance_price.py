"""The one GPU-price route of ``serve`` and ``train``: whole instances from the book.

A replica (``serve``) or a training job (``train``) of ``g`` GPUs is placed on the
cheapest whole instances that hold it (:func:`tunecost.costing.gpu_price.instance_placement`,
:mod:`tunecost.costing.instances`): the price per GPU, where it came from and the cost
all come from the chosen instance(s), so a 2-GPU job on a book that rents 8-GPU boxes
pays the whole box. A price given with ``--usd-per-gpu-hour`` is one GPU per unit.
"""

from __future__ import annotations

import datetime as dt

from tunecost.cli.options import allowed_markets, echo_warnings, table_width
from tunecost.errors import InputError

GIVEN = "given with --usd-per-gpu-hour"


def place(book, gpu: str, gpus_per_unit: int, units, prices: tuple, hours):
    """``units`` replicas or jobs of ``gpus_per_unit`` GPUs on the cheapest whole
    instances over ``hours`` (per month, or the job's wall-clock) at the prices asked for
    (``prices`` = usd_per_gpu_hour, provider, offer, tier).

    Returns ``(placement, None)``, or ``(None, why)`` when the book has no offer and
    none was asked for (the estimate then has no cost line)."""
    from tunecost.costing.gpu_price import instance_placement

    usd_per_gpu_hour, provider, offer, tier = prices
    if usd_per_gpu_hour is not None and (provider or offer):
        raise InputError(
            "give --usd-per-gpu-hour or --provider/--offer, not both", "usd_per_gpu_hour"
        )
    today = dt.date.today()
    try:
        placed = instance_placement(
            book,
            gpu,
            as_of=today,
            gpus_per_replica=gpus_per_unit,
            replicas=units,
            usd_per_gpu_hour=usd_per_gpu_hour,
            given=GIVEN,
            provider=provider,
            offer=offer,
            tier=tier,
            markets=allowed_markets(),
            hours=hours,
        )
    except InputError as exc:
        if provider or offer:
            raise
        return None, f"{exc.message}; until then there is no cost line"
    offers = [s.offer for s in placed.shapes if s.offer is not None]
    if offers:
        echo_warnings(book.stale_warnings(offers, today), table_width())
    return placed, None


def instance_name(shape) -> str:
    """``provider instance`` of a book offer; the given price's wording otherwise."""
    return shape.name if shape.offer is None else f"{shape.offer.provider} {shape.offer.instance}"
