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


NAME_WIDTH = 24
"""Characters a listing's name cells keep when the table must fit a terminal."""

KEY_FIGURES = (
    "memory_gb",
    "hbm_bandwidth_gbps",
    "bf16_tflops",
    "fp8_tflops",
    "fp4_tflops",
    "params_total",
    "params_active",
    "num_experts",
    "experts_per_token",
    "released",
)
"""Reference columns a narrow terminal keeps longest, after names and prices: what a
GPU or a model is sized by (memory, bandwidth, the formats serving runs in; total and
active parameters, experts), and when a model came out."""


def fitted_listing(rows: list[dict], columns: list[str], width: int | None) -> str:
    """A price listing as a table no wider than ``width``: names (the first two columns,
    which always stay, with ``kind`` where it is third) cut in the middle to
    :data:`NAME_WIDTH`, then sources and notes left out, then dates, then other columns
    from the right, then :data:`KEY_FIGURES`, prices last; a last line says what was
    left out."""
    from tunecost.output.layout import Column, cut, fit_table, left_out_line

    keep = columns[:3] if columns[2:3] == ["kind"] else columns[:2]
    if width is not None:
        rows = [{**r, **{c: cut(str(r.get(c) or ""), NAME_WIDTH) for c in keep}} for r in rows]

    def rank(c: str) -> int:
        if c.endswith("url") or c == "notes":
            return 0
        if c in ("effective_from", "retrieved", "announced") or c.endswith("_date"):
            return 1
        return 4 if _is_price(c) else 3 if c in KEY_FIGURES else 2

    tail = [c for c in columns if c not in keep]
    order = sorted(tail, key=lambda c: (rank(c), -tail.index(c)))
    drop = {c: i + 1 for i, c in enumerate(order)}
    cols = [Column(c, c, drop=drop.get(c)) for c in columns]
    fitted = fit_table(rows, cols, width)
    line = left_out_line(fitted.left_out, width)
    return fitted.text + (line + "\n" if line else "")


def _is_price(column: str) -> bool:
    return "usd" in column or column in ("price", *API_PRICE_KINDS)
