"""Keeping the price book fresh: what changed between two books, and what is stale.

``diff`` compares two books (folders) or two imported tables (CSV files in the book's
schemas): per price (provider, item, kind and long-context tier) the newest row of each
side, reported as added, removed, changed (another price) or re-dated (the same price
with another effective date). ``stale`` lists, per provider and source, the rows read
longer ago than a number of days, with the page to check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tunecost.errors import InputError
from tunecost.pricebook.book import PRICE_TABLES, PriceBook, open_book
from tunecost.pricebook.prices import GPUOffer, Price, offer_rows, price_rows
from tunecost.pricebook.reading import read_rows
from tunecost.pricebook.schemas import SCHEMAS

CHANGES = ("added", "removed", "changed", "re-dated")


@dataclass(frozen=True)
class Side:
    """One side of a diff: price rows and GPU offers, from a folder or one file."""

    prices: list[Price]
    offers: list[GPUOffer]


def load_side(path: str | Path, field: str) -> Side:
    """The rows of a book folder, or of one imported CSV table (its kind found by its
    header: offers have ``instance``, prices ``kind`` and ``price``)."""
    p = Path(path)
    if p.is_dir():
        book = PriceBook(directory=p)
        return Side(book.prices, book.offers)
    if not p.is_file():
        raise InputError(f"{p}: no such file or folder", field)
    header = p.read_text(encoding="utf-8-sig", errors="replace").split("\n", 1)[0].split(",")
    name = "gpu_offers.csv" if "instance" in header else PRICE_TABLES[0]
    rows, problems = read_rows(p, SCHEMAS[name])
    if problems:
        raise InputError(f"{p} is not a price-book table: {problems[0]}", field)
    if name == "gpu_offers.csv":
        return Side([], offer_rows(rows, open_book().gpus.resolve))
    return Side(price_rows(p.name, rows), [])


def _newest(side: Side) -> dict:
    out: dict = {}
    for p in side.prices:
        key = (p.provider, p.model.lower(), p.kind, p.context_over_tokens or "")
        if key not in out or p.effective_from > out[key][1]:
            out[key] = (p.price, p.effective_from, p.unit)
    for o in side.offers:
        key = (o.provider, o.instance, f"gpu offer ({o.region})", "")
        if key not in out or o.effective_from > out[key][1]:
            out[key] = (o.on_demand, o.effective_from, "USD/GPU-hour on demand")
    return out


def diff(old: Side, new: Side) -> list[dict]:
    """Every price that differs between ``old`` and ``new``, by provider and item."""
    a, b = _newest(old), _newest(new)
    rows = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: tuple(map(str, k))):
        before, after = a.get(key), b.get(key)
        if before and after and before[:2] == after[:2]:
            continue
        change = "added" if before is None else "removed" if after is None else None
        if change is None:
            change = "changed" if before[0] != after[0] else "re-dated"
        provider, item, kind, tier = key
        rows.append(
            {
                "change": change,
                "provider": provider,
                "item": item,
                "kind": kind,
                "context_over_tokens": tier or None,
                "old_price": before[0] if before else None,
                "new_price": after[0] if after else None,
                "unit": (after or before)[2],
                "old_effective_from": before[1] if before else None,
                "new_effective_from": after[1] if after else None,
            }
        )
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Counts of each kind of change per provider."""
    out: dict = {}
    for r in rows:
        counts = out.setdefault(
            r["provider"], {"provider": r["provider"], **dict.fromkeys(CHANGES, 0)}
        )
        counts[r["change"]] += 1
    return [out[k] for k in sorted(out)]


def stale(book: PriceBook, as_of: dt.date, days: int) -> list[dict]:
    """Per table, provider and source: rows retrieved more than ``days`` before
    ``as_of``, oldest first, with the page to check."""
    groups: dict = {}
    for r in [*book.prices, *book.offers]:
        age = (as_of - r.retrieved).days
        if age <= days:
            continue
        table = r.table if isinstance(r, Price) else "gpu_offers.csv"
        g = groups.setdefault(
            (table, r.provider, r.source_url),
            {"table": table, "provider": r.provider, "rows": 0, "retrieved": r.retrieved},
        )
        g["rows"] += 1
        g["retrieved"] = min(g["retrieved"], r.retrieved)
        g["source_url"] = r.source_url
    out = [{**g, "age_days": (as_of - g["retrieved"]).days} for g in groups.values()]
    return sorted(out, key=lambda g: (-g["age_days"], g["table"], g["provider"]))
