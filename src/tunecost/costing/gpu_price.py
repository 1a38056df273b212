"""The one route to a GPU's hourly price, for ``serve``, ``train`` and ``compare``.

A price is given (``usd_per_gpu_hour``, one GPU per unit) or taken from the book: for
each instance size that holds the job's or replica's GPUs, the cheapest offer for the
GPU at the chosen tier, in effect on the date, among the provider's (or every
provider's) offers (:func:`instance_offers`). Replicas and jobs are placed on whole
instances of the cheapest size that holds them (:func:`instance_placement`,
:mod:`tunecost.costing.instances`).
"""

from __future__ import annotations

import datetime as dt

from tunecost.costing.instances import Placement, Shape, cheapest
from tunecost.pricebook.book import PriceBook
from tunecost.pricebook.prices import GPUOffer
from tunecost.units import HOURS_PER_MONTH
from tunecost.vocabulary import tier_column


def instance_offers(
    book: PriceBook,
    gpu: str,
    *,
    as_of: dt.date,
    min_gpus: int = 1,
    provider: str | None = None,
    offer: str | None = None,
    tier: str = "on-demand",
    markets: tuple[str, ...] | None = None,
) -> list[GPUOffer]:
    """The cheapest offer (per GPU) of each instance size whose instances hold
    ``min_gpus`` GPUs of ``gpu``, smallest instance first: the shapes replicas or a
    training job may be placed on (:mod:`tunecost.costing.instances`).

    Raises
    ------
    InputError
        As :func:`gpu_price` does, naming ``gpu`` when no instance is large enough.
    """
    rows = book.gpu_offers(
        book.gpu(gpu).id,
        provider=provider,
        offer=offer,
        tier=tier_column(tier),
        as_of=as_of,
        min_gpus=min_gpus,
        markets=markets,
    )
    best: dict[int, GPUOffer] = {}
    for o in rows:  # cheapest per GPU first
        best.setdefault(o.gpu_count, o)
    return [best[c] for c in sorted(best)]


def instance_placement(
    book: PriceBook,
    gpu: str,
    *,
    as_of: dt.date,
    gpus_per_replica: int,
    replicas,
    usd_per_gpu_hour: float | None = None,
    given: str = "given",
    provider: str | None = None,
    offer: str | None = None,
    tier: str = "on-demand",
    markets: tuple[str, ...] | None = None,
    hours=HOURS_PER_MONTH,
) -> Placement:
    """``replicas`` of ``gpus_per_replica`` GPUs on the cheapest whole instances over
    ``hours``: at a given price, one GPU per unit; else among the book's cheapest offer
    of each instance size that holds a replica (:func:`instance_offers`)."""
    if usd_per_gpu_hour is not None:
        shapes = [Shape(given, gpus_per_replica, usd_per_gpu_hour)]
    else:
        column = tier_column(tier)
        offers = instance_offers(
            book,
            gpu,
            as_of=as_of,
            min_gpus=gpus_per_replica,
            provider=provider,
            offer=offer,
            tier=tier,
            markets=markets,
        )
        shapes = [Shape(o.describe(column), o.gpu_count, o.price(column) or 0.0, o) for o in offers]
    return cheapest(replicas, gpus_per_replica, shapes, hours)
