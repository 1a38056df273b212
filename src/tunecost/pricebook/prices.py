"""Price rows and GPU offers: their records, canonical units and which one is in effect.

Prices are converted once, when a table is read, to canonical units: USD per token for
token prices, USD per hour for hourly ones, USD per month for storage, USD per job for
minimum charges.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tunecost.errors import UnitError
from tunecost.pricebook.schemas import PRICE_KINDS
from tunecost.units import parse_quantity

# Canonical unit of each price kind, and the fast path for the book's own unit strings.
_CANONICAL = {
    k: "USD/token"
    for k in (
        *PRICE_KINDS,
        "training",
        "training_lora",
        "training_full",
        "ft_input",
        "ft_cached_input",
        "ft_output",
    )
}
_CANONICAL.update(
    training_hour="USD/hour", hosting="USD/hour", storage="USD/month", minimum_charge="USD"
)
_KNOWN_UNITS = {
    "USD/1M tokens": ("USD/token", 1e-6),
    "USD/hour": ("USD/hour", 1.0),
    "USD/month": ("USD/month", 1.0),
    "USD/job": ("USD", 1.0),
}

PRICE_TABLES = ("api_models.csv", "finetune_prices.csv")


def unit_factor(unit: str, kind: str) -> float:
    """Factor that converts a price in ``unit`` to the canonical unit of ``kind``.

    ``USD/1M tokens`` -> 1e-6 (USD/token); other strings (``USD/1K tokens``) are parsed
    with the package's unit registry. Raises ``ValueError`` naming what was expected.
    """
    target = _CANONICAL[kind]
    known = _KNOWN_UNITS.get(unit)
    if known and known[0] == target:
        return known[1]
    try:
        return parse_quantity(f"1 {unit.replace('/job', '')}", target, field="unit")
    except UnitError:
        raise ValueError(f"{unit!r} does not convert to {target} (kind {kind})") from None


@dataclass(frozen=True)
class Price:
    """One price row, with its value in canonical units (``usd``)."""

    table: str
    provider: str
    model: str
    kind: str
    unit: str
    price: float
    usd: float
    effective_from: dt.date
    retrieved: dt.date
    source_url: str
    context_over_tokens: int | None = None
    notes: str = ""
    announced: bool = False


@dataclass(frozen=True)
class GPUOffer:
    """One GPU rental offer; prices in USD per GPU-hour."""

    provider: str
    instance: str
    gpu: str
    gpu_count: int
    on_demand: float | None
    spot: float | None
    reserved_1y: float | None
    region: str
    effective_from: dt.date
    retrieved: dt.date
    source_url: str
    notes: str = ""
    market: str = ""

    def price(self, tier: str = "on_demand") -> float | None:
        return getattr(self, tier)

    def describe(self, tier: str = "on_demand") -> str:
        # catalogue regions may have empty parts (", CA, NA" for a host with no city)
        region = ", ".join(p.strip() for p in (self.region or "").split(",") if p.strip())
        return (
            f"{self.provider} {self.instance} ({region or 'region n/a'}), "
            f"{tier.replace('_', '-')}, retrieved {self.retrieved}"
        )


def in_effect(rows: Iterable, key, as_of: dt.date | None) -> list:
    """The newest row per ``key(row)`` with ``effective_from`` on or before ``as_of``
    (all dates when ``as_of`` is None)."""
    best: dict = {}
    for r in rows:
        if as_of is not None and r.effective_from > as_of:
            continue
        k = key(r)
        if k not in best or r.effective_from > best[k].effective_from:
            best[k] = r
    return list(best.values())


def price_rows(table: str, rows: list[dict]) -> list[Price]:
    """Prices from the rows of one price table, converted to canonical units."""
    out = []
    for r in rows:
        out.append(
            Price(
                table=table,
                provider=r["provider"].lower(),
                model=r["model"],
                kind=r["kind"],
                unit=r["unit"],
                price=r["price"],
                usd=r["price"] * unit_factor(r["unit"], r["kind"]),
                effective_from=r["effective_from"],
                retrieved=r["retrieved"],
                source_url=r["source_url"],
                context_over_tokens=r["context_over_tokens"],
                notes=r["notes"] or "",
                announced=r.get("announced") == "yes",
            )
        )
    return out


def offer_rows(rows: list[dict], resolve_gpu_id) -> list[GPUOffer]:
    """Offers from ``gpu_offers.csv`` rows, GPU names resolved to ids where known."""
    out = []
    for r in rows:
        out.append(
            GPUOffer(
                provider=r["provider"].lower(),
                instance=r["instance"],
                gpu=resolve_gpu_id(r["gpu"]) or r["gpu"],
                gpu_count=r["gpu_count"],
                on_demand=r["on_demand_usd_per_gpu_hour"],
                spot=r["spot_usd_per_gpu_hour"],
                reserved_1y=r["reserved_1y_usd_per_gpu_hour"],
                region=r["region"] or "",
                market=r.get("market") or "",
                effective_from=r["effective_from"],
                retrieved=r["retrieved"],
                source_url=r["source_url"],
                notes=r["notes"] or "",
            )
        )
    return out


def group_api_rows(prices: Iterable[Price]) -> list[dict]:
    """API prices pivoted to one row per (provider, model, tier), in USD per 1M tokens."""
    grouped: dict = defaultdict(dict)
    for p in prices:
        key = (p.provider, p.model, p.context_over_tokens)
        row = grouped[key]
        row.update(provider=p.provider, model=p.model, context_over_tokens=p.context_over_tokens)
        row[p.kind] = p.price if p.unit == "USD/1M tokens" else round(p.usd * 1e6, 9)
        row["unit"] = "USD/1M tokens"
        row["effective_from"] = max(row.get("effective_from", p.effective_from), p.effective_from)
        row["retrieved"] = min(row.get("retrieved", p.retrieved), p.retrieved)
        row.setdefault("source_url", p.source_url)
    return [grouped[k] for k in sorted(grouped, key=lambda k: (k[0], k[1], k[2] or 0))]
