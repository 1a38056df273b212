"""The price book: dated, sourced prices for API tokens, fine-tuning and GPU rental.

Every price row carries ``effective_from``, ``retrieved`` and ``source_url``. The price
used for a date is the newest row in effect on that date, so old and new prices live
side by side. A model, provider or GPU the book does not know is an error with
close-name suggestions, never a price of $0.

Prices are converted once, at load time, to canonical units: USD per token for token
prices, USD per hour for hourly ones, USD per month for storage, USD per job for
minimum charges.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tunecost.errors import InputError, PriceBookError, UnknownNameError
from tunecost.schemas import FINETUNE_KINDS, PRICE_KINDS, SCHEMAS
from tunecost.tables import load_table, pricing_dir, read_rows

STALE_AFTER_DAYS = 180
"""Prices retrieved longer ago than this before the date they are used for get a warning."""

TIERS = ("on_demand", "spot", "reserved_1y")

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
    from tunecost.errors import UnitError
    from tunecost.units import parse_quantity

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

    def price(self, tier: str = "on_demand") -> float | None:
        return getattr(self, tier)

    def describe(self, tier: str = "on_demand") -> str:
        return (
            f"{self.provider} {self.instance} ({self.region or 'region n/a'}), "
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


@dataclass
class PriceBook:
    """All price tables of one folder, loaded and converted."""

    prices: list[Price]
    offers: list[GPUOffer]
    providers: dict[str, dict]
    directory: Path | None = None
    _warned: set = field(default_factory=set)

    # ---- API and fine-tuning prices -------------------------------------------------
    def models(self) -> list[str]:
        return sorted({p.model for p in self.prices})

    def check_provider(self, provider: str, field: str = "--provider") -> str:
        """Return the provider id, or raise with close names."""
        known = (
            set(self.providers)
            | {p.provider for p in self.prices}
            | {o.provider for o in self.offers}
        )
        key = provider.strip().lower()
        if key not in known:
            raise UnknownNameError("provider", provider, sorted(known), field)
        return key

    def model_prices(
        self,
        model: str,
        *,
        provider: str | None = None,
        as_of: dt.date | None = None,
        field: str = "--model",
    ) -> list[Price]:
        """Prices in effect for ``model`` (every kind and tier), newest per key."""
        rows = [p for p in self.prices if p.model.lower() == model.strip().lower()]
        if not rows:
            raise UnknownNameError("model", model, self.models(), field)
        if provider is not None:
            provider = self.check_provider(provider)
            rows = [p for p in rows if p.provider == provider]
            if not rows:
                have = sorted({p.provider for p in self.prices if p.model.lower() == model.lower()})
                raise InputError(
                    f"{provider} has no prices for {model}; providers that do: {', '.join(have)}",
                    "--provider",
                )
        return in_effect(rows, lambda p: (p.provider, p.kind, p.context_over_tokens), as_of)

    def price(
        self,
        model: str,
        kind: str,
        *,
        provider: str | None = None,
        as_of: dt.date | None = None,
        context_tokens: float = 0,
        field: str = "--model",
    ) -> Price:
        """The price of ``kind`` for ``model`` in effect on ``as_of``.

        Long-context tiers (``context_over_tokens``) apply when ``context_tokens``
        exceeds their threshold. Raises if the model is unknown or has no such price.
        """
        rows = [
            p
            for p in self.model_prices(model, provider=provider, as_of=as_of, field=field)
            if p.kind == kind
        ]
        providers = {p.provider for p in rows}
        if len(providers) > 1:
            raise InputError(
                f"{model} is sold by {', '.join(sorted(providers))}; say which with a provider",
                "--provider",
            )
        tiers = [
            p
            for p in rows
            if (p.context_over_tokens or 0) < max(context_tokens, 1)
            or p.context_over_tokens is None
        ]
        if not tiers:
            when = f" on {as_of}" if as_of else ""
            raise InputError(f"the price book has no {kind} price for {model}{when}", field)
        return max(tiers, key=lambda p: p.context_over_tokens or 0)

    # ---- GPU offers --------------------------------------------------------------------
    def gpu_offer(
        self,
        gpu_id: str,
        *,
        provider: str | None = None,
        offer: str | None = None,
        tier: str = "on_demand",
        as_of: dt.date | None = None,
        min_gpus: int = 1,
    ) -> GPUOffer:
        """The cheapest offer for ``gpu_id`` at ``tier`` in effect on ``as_of``.

        ``provider`` limits the choice to one provider; ``offer`` names an instance
        (``p5.48xlarge`` or ``aws:p5.48xlarge``). ``min_gpus`` is the number of GPUs
        that must share one instance (a tensor-parallel replica, a training job); jobs
        larger than 8 GPUs need 8-GPU instances. Single-GPU rentals cannot host them.
        """
        if tier not in TIERS:
            raise InputError(
                f"unknown price tier {tier!r}; choose one of {', '.join(TIERS)}", "--tier"
            )
        rows = in_effect(self.offers, lambda o: (o.provider, o.instance, o.region), as_of)
        if offer:
            named = [o for o in rows if o.instance.lower() == offer.strip().lower()]
            if not named and ":" in offer:  # provider:instance (instances may contain ':')
                prov, _, inst = offer.partition(":")
                named = [
                    o
                    for o in rows
                    if o.instance.lower() == inst.strip().lower()
                    and o.provider == prov.strip().lower()
                ]
            if not named:
                raise UnknownNameError(
                    "offer", offer, sorted({o.instance for o in rows}), "--offer"
                )
            if all(o.gpu != gpu_id for o in named):
                raise InputError(f"offer {offer} has {named[0].gpu} GPUs, not {gpu_id}", "--offer")
            rows = [o for o in named if o.gpu == gpu_id]
        if provider:
            provider = self.check_provider(provider)
            rows = [o for o in rows if o.provider == provider]
        rows = [o for o in rows if o.gpu == gpu_id]
        need = min(max(int(min_gpus), 1), 8)
        priced = [o for o in rows if o.price(tier) is not None]
        big_enough = [o for o in priced if o.gpu_count >= need]
        if priced and not big_enough:
            where = f" from {provider}" if provider else ""
            raise InputError(
                f"no {tier.replace('_', '-')} offer for {gpu_id}{where} has {need} GPUs in one "
                f"instance (largest: {max(o.gpu_count for o in priced)}); choose another "
                "provider or give a price",
                "--provider" if provider else "--gpu",
            )
        priced = big_enough
        if not priced:
            sellers = sorted(
                {o.provider for o in self.offers if o.gpu == gpu_id and o.price(tier) is not None}
            )
            where = f" from {provider}" if provider else ""
            hint = (
                f"; offered by {', '.join(sellers)}"
                if sellers
                else "; give a price with --usd-per-gpu-hour"
            )
            raise InputError(
                f"no {tier.replace('_', '-')} offer for {gpu_id}{where}{hint}",
                "--provider" if provider else "--gpu",
            )
        return min(priced, key=lambda o: (o.price(tier), o.provider, o.instance))

    # ---- dates -----------------------------------------------------------------------
    def stale_warnings(self, used: Iterable[Price | GPUOffer], as_of: dt.date) -> list[str]:
        """One warning per (table, provider, retrieval date) older than 180 days."""
        out = []
        seen: set = set()
        for r in used:
            age = (as_of - r.retrieved).days
            table = r.table if isinstance(r, Price) else "gpu_offers.csv"
            key = (table, r.provider, r.retrieved)
            if age > STALE_AFTER_DAYS and key not in seen:
                seen.add(key)
                out.append(
                    f"{table}: {r.provider} prices retrieved {r.retrieved}, {age} days "
                    f"before {as_of}; check them against {r.source_url}"
                )
        return out

    def oldest_retrieved(self) -> dt.date | None:
        dates = [p.retrieved for p in self.prices] + [o.retrieved for o in self.offers]
        return min(dates) if dates else None


def _price_rows(table: str, rows: list[dict]) -> list[Price]:
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
            )
        )
    return out


def _offer_rows(rows: list[dict]) -> list[GPUOffer]:
    from tunecost.hardware import resolve_gpu_id

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
                effective_from=r["effective_from"],
                retrieved=r["retrieved"],
                source_url=r["source_url"],
                notes=r["notes"] or "",
            )
        )
    return out


@lru_cache(maxsize=1)
def load() -> PriceBook:
    """The price book of the active pricing folder, loaded once per process."""
    try:
        prices = [p for t in PRICE_TABLES for p in _price_rows(t, list(load_table(t)))]
    except ValueError as exc:  # a unit that does not convert
        raise PriceBookError(f"{exc}; run `tunecost pricing validate`") from None
    offers = _offer_rows(list(load_table("gpu_offers.csv")))
    providers = {r["provider"].lower(): r for r in load_table("providers.csv")}
    return PriceBook(prices, offers, providers, pricing_dir())


def validate(directory: Path) -> list[str]:
    """Every problem in the tables of ``directory``, one line each (empty when clean).

    Checks each table's schema (columns, types, non-negative prices, dates), units that
    do not convert, duplicate keys, providers missing from ``providers.csv``, GPU ids
    missing from ``gpus.csv``, dates in the future, and alias collisions.
    """
    from tunecost.hardware import name_key

    problems: list[str] = []
    loaded: dict[str, list[dict]] = {}
    if not directory.is_dir():
        return [f"{directory}: not a folder"]
    for name, schema in SCHEMAS.items():
        path = directory / name
        if not path.exists():
            problems.append(f"{name}: missing")
            continue
        rows, errs = read_rows(path, schema)
        problems += errs
        loaded[name] = rows
    today = dt.date.today()
    providers = {r["provider"].lower() for r in loaded.get("providers.csv", [])}
    gpu_ids: dict[str, str] = {}
    for r in loaded.get("gpus.csv", []):
        for name in [r["id"], *(a for a in (r.get("aliases") or "").split(";") if a.strip())]:
            key = name_key(name)
            if key in gpu_ids and gpu_ids[key] != r["id"]:
                problems.append(
                    f"gpus.csv, row {r['_row']}, column aliases: {name!r} already "
                    f"names {gpu_ids[key]}"
                )
            gpu_ids[key] = r["id"]
    for r in loaded.get("models.csv", []):
        if r["params_active"] and r["params_active"] > r["params_total"]:
            problems.append(
                f"models.csv, row {r['_row']}, column params_active: larger than params_total"
            )
    for table in PRICE_TABLES:
        seen: dict = {}
        for r in loaded.get(table, []):
            where = f"{table}, row {r['_row']}"
            allowed = PRICE_KINDS if table == "api_models.csv" else FINETUNE_KINDS
            if r["kind"] not in allowed:
                problems.append(
                    f"{where}, column kind: {r['kind']!r} belongs in "
                    f"{'finetune_prices.csv' if table == 'api_models.csv' else 'api_models.csv'}"
                )
            try:
                unit_factor(r["unit"], r["kind"])
            except ValueError as exc:
                problems.append(f"{where}, column unit: {exc}")
            key = (
                r["provider"].lower(),
                r["model"].lower(),
                r["kind"],
                r["context_over_tokens"],
                r["effective_from"],
            )
            if key in seen:
                problems.append(
                    f"{where}: duplicate of row {seen[key]} (same provider, model, "
                    "kind, tier and effective_from)"
                )
            seen[key] = r["_row"]
            problems += _common_checks(where, r, providers, today)
    seen = {}
    for r in loaded.get("gpu_offers.csv", []):
        where = f"gpu_offers.csv, row {r['_row']}"
        key = (r["provider"].lower(), r["instance"], r["region"], r["effective_from"])
        if key in seen:
            problems.append(
                f"{where}: duplicate of row {seen[key]} (same provider, instance, "
                "region and effective_from)"
            )
        seen[key] = r["_row"]
        gkey = name_key(r["gpu"])
        if gpu_ids and gkey not in gpu_ids:
            problems.append(f"{where}, column gpu: {r['gpu']!r} is not in gpus.csv")
        if all(r[f"{t}_usd_per_gpu_hour"] is None for t in TIERS):
            problems.append(f"{where}: no price in any of on_demand, spot, reserved_1y")
        problems += _common_checks(where, r, providers, today)
    return problems


def _common_checks(where: str, r: dict, providers: set[str], today: dt.date) -> list[str]:
    out = []
    if providers and r["provider"].lower() not in providers:
        out.append(f"{where}, column provider: {r['provider']!r} is not in providers.csv")
    if r["retrieved"] > today:
        out.append(f"{where}, column retrieved: {r['retrieved']} is in the future")
    if not str(r["source_url"]).startswith(("http://", "https://", "file:")):
        out.append(f"{where}, column source_url: {r['source_url']!r} is not a URL")
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
