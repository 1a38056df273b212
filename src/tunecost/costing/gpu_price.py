"""The one route to a GPU's hourly price, for ``serve``, ``train`` and ``compare``.

A price is given (``usd_per_gpu_hour``) or taken from the book: the cheapest offer for
the GPU at the chosen tier, in effect on the date, among the provider's (or every
provider's) offers whose instances hold the job's or replica's GPUs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tunecost.pricebook.book import PriceBook
from tunecost.pricebook.prices import GPUOffer
from tunecost.vocabulary import tier_column


@dataclass(frozen=True)
class GPUPrice:
    """USD per GPU-hour, where it came from, and the book's offer if one was used."""

    usd_per_gpu_hour: float
    source: str
    offer: GPUOffer | None = None


def gpu_price(
    book: PriceBook,
    gpu: str,
    *,
    as_of: dt.date,
    min_gpus: int = 1,
    usd_per_gpu_hour: float | None = None,
    given: str = "given",
    provider: str | None = None,
    offer: str | None = None,
    tier: str = "on-demand",
    markets: tuple[str, ...] | None = None,
) -> GPUPrice:
    """The price of one GPU-hour of ``gpu`` on ``as_of`` [USD/GPU-hour].

    ``usd_per_gpu_hour`` wins when given (``given`` says how it was given); otherwise
    the book's cheapest ``tier`` offer (``provider``'s, or the instance ``offer``) whose
    instances hold ``min_gpus`` GPUs: a replica or training job cannot span rentals.
    ``markets`` limits the offers to those markets (``hyperscaler``, ``cloud``,
    ``marketplace``; None: any).

    Raises
    ------
    InputError
        Naming ``gpu``, ``provider``, ``offer`` or ``tier`` when no offer fits.
    """
    if usd_per_gpu_hour is not None:
        return GPUPrice(usd_per_gpu_hour, given)
    gpu_id = book.gpu(gpu).id
    column = tier_column(tier)
    chosen = book.gpu_offer(
        gpu_id,
        provider=provider,
        offer=offer,
        tier=column,
        as_of=as_of,
        min_gpus=min_gpus,
        markets=markets,
    )
    return GPUPrice(chosen.price(column), chosen.describe(column), chosen)
