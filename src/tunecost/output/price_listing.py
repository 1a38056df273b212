"""The price book as tables for ``tunecost pricing list`` and ``pricing show``.

Views of a :class:`tunecost.pricebook.PriceBook`: API prices pivoted to one row per model
and tier, fine-tuning prices and GPU offers as rows, and the book's reference tables
(open-weight models, GPU specifications, model releases) as they are stored.
"""

from __future__ import annotations

import datetime as dt
import re

from tunecost.pricebook.prices import group_api_rows, in_effect
from tunecost.pricebook.schemas import SCHEMAS
from tunecost.vocabulary import API_PRICE_KINDS

API_COLUMNS = [
    "provider",
    "model",
    "context_over_tokens",
    *API_PRICE_KINDS,
    "unit",
    "effective_from",
    "retrieved",
    "source_url",
]
FINETUNE_COLUMNS = [
    "provider",
    "model",
    "kind",
    "price",
    "unit",
    "effective_from",
    "retrieved",
    "source_url",
]
SHOW_COLUMNS = [
    "provider",
    "model",
    "kind",
    "price",
    "unit",
    "context_over_tokens",
    "effective_from",
    "retrieved",
    "source_url",
]
REFERENCE_TABLES = {"model": "models.csv", "gpu-spec": "gpus.csv", "release": "model_releases.csv"}
"""The book's reference tables, listed as stored (notes aside)."""

COLUMNS = {
    "api": API_COLUMNS,
    "finetune": FINETUNE_COLUMNS,
    "gpu": [c.name for c in SCHEMAS["gpu_offers.csv"] if c.name != "notes"],
    **{k: [c.name for c in SCHEMAS[t] if c.name != "notes"] for k, t in REFERENCE_TABLES.items()},
}
DATED = ("api", "finetune", "gpu")
"""The tables whose rows are prices in effect from a date."""


def finetune_row(p) -> dict:
    return {
        "provider": p.provider,
        "model": p.model,
        "kind": p.kind,
        "price": p.price,
        "unit": p.unit,
        "effective_from": p.effective_from,
        "retrieved": p.retrieved,
        "source_url": p.source_url,
        "context_over_tokens": p.context_over_tokens,
        "notes": p.notes,
    }


def offer_row(o) -> dict:
    return {
        "provider": o.provider,
        "instance": o.instance,
        "gpu": o.gpu,
        "gpu_count": o.gpu_count,
        "on_demand_usd_per_gpu_hour": o.on_demand,
        "spot_usd_per_gpu_hour": o.spot,
        "reserved_1y_usd_per_gpu_hour": o.reserved_1y,
        "region": o.region,
        "market": o.market,
        "effective_from": o.effective_from,
        "retrieved": o.retrieved,
        "source_url": o.source_url,
        "notes": o.notes,
    }


def listing(book, kind: str, provider: str | None, as_of: dt.date | None) -> list[dict]:
    """The rows of one table: prices in effect on ``as_of``, or a reference table."""
    if kind in REFERENCE_TABLES:
        return [dict(r) for r in book.table(REFERENCE_TABLES[kind])]
    if kind == "gpu":
        offers = in_effect(book.offers, lambda o: (o.provider, o.instance, o.region), as_of)
        rows = [offer_row(o) for o in offers if provider in (None, o.provider)]
        return sorted(rows, key=lambda r: (r["gpu"], r["on_demand_usd_per_gpu_hour"] or 1e9))
    table = "api_models.csv" if kind == "api" else "finetune_prices.csv"
    prices = [p for p in book.prices if p.table == table and provider in (None, p.provider)]
    prices = in_effect(
        prices, lambda p: (p.provider, p.model, p.kind, p.context_over_tokens), as_of
    )
    if kind == "api":
        return group_api_rows(prices)
    return sorted(
        (finetune_row(p) for p in prices), key=lambda r: (r["provider"], r["model"], r["kind"])
    )


def squash(name: str) -> str:
    """A model name without separators, Fireworks' 'v3p1' read as '3.1': llama318b."""
    name = re.sub(r"v(\d+)p(\d+)", r"\1\2", name.lower())
    return re.sub(r"[-_.]", "", name)


def first_dated(book, kind: str):
    """The earliest effective date of a dated table (to say when its rows start)."""
    if kind == "gpu":
        dates = [o.effective_from for o in book.offers]
    else:
        table = "api_models.csv" if kind == "api" else "finetune_prices.csv"
        dates = [p.effective_from for p in book.prices if p.table == table]
    return min(dates) if dates else None
