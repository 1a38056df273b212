"""Rows of ``api_models.csv`` from pydantic's genai-prices (github.com/pydantic/genai-prices).

Import, never scrape: reads a file, or the data the installed ``genai-prices`` package
bundles (``genai_prices.data``); no network; the whole source is parsed first. Sources share
one shape, a list of providers with ``models``: the repository's live feed
``prices/new_data/v2/data.json`` (``prices/data.json`` is the frozen v1 copy, without
``price_variants``), or one provider file ``prices/providers/<id>.yml``.

Prices are USD per million tokens (``*_mtok``), the rows' unit ``USD/1M tokens``:
``input_mtok`` -> input, ``output_mtok`` -> output, ``cache_read_mtok`` -> cached_input,
``cache_write_mtok`` -> cache_write, the ``processing: batch`` variant -> batch_input /
batch_output. A tiered price (``{base, tiers: [{start, price}]}``, the whole request at a
tier's rate once the prompt exceeds ``start`` tokens) gives a row per tier with
``context_over_tokens = start``. A ``start_date`` constraint gives a row with that
``effective_from`` (``announced = yes`` when after ``retrieved``); the price before it keeps
the model's first date (:func:`_first_date`). What the schema cannot say (time-of-day or
service-tier prices, 1-hour cache writes, search fees, audio and image token prices,
non-text models), or a price not from 0 to 10,000 USD/1M tokens, is skipped and counted.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from tunecost.errors import InputError
from tunecost.pricebook.catalogue import (
    MAX_USD_PER_MTOK,
    ImportedRows,
    check_retrieved,
    load_json,
    load_yaml,
    read_text,
)
from tunecost.pricebook.schemas import SCHEMAS

FIELD = "source"
"""The parameter errors name (the command line shows it as ``SOURCE``)."""

WHAT = "genai-prices' data (prices/new_data/v2/data.json or prices/providers/<id>.yml)"

_KEY = ("provider", "model", "kind", "context_over_tokens", "effective_from")
_COLUMNS = [c.name for c in SCHEMAS["api_models.csv"] if c.name != "announced"]
PRICE_COLUMNS = (*_COLUMNS[:7], "announced", *_COLUMNS[7:])
"""The rows' columns: ``api_models.csv``'s with ``announced`` after ``effective_from``
(``yes`` for a price dated after ``retrieved``: a scheduled change, not yet in effect)."""

GENAI_PROVIDERS = {"x-ai": "xai", "aws": "bedrock", "azure": "azure-openai"}
"""genai-prices provider ids that tunecost spells differently; others are kept, lower case,
with ``_`` written ``-`` (``huggingface_nebius`` -> ``huggingface-nebius``)."""

KINDS = dict(input_mtok="input", output_mtok="output", cache_read_mtok="cached_input")
KINDS["cache_write_mtok"] = "cache_write"
BATCH_KINDS = {"input_mtok": "batch_input", "output_mtok": "batch_output"}
NON_TEXT_KEYS = re.compile(r"^output_(image|audio|video)_|_hours$|_mchars$|_kpages$|messages_kc")
"""Price keys of models whose output is not text, or that are not billed per token."""
NON_TEXT_WORDS = re.compile(r"transcri|tts|whisper|embed|image|audio|voice|ocr|moderat|rerank")
"""Words in a model id that mark a speech, image, embedding or moderation model."""
TIME_OF_DAY = "time-of-day prices (e.g. DeepSeek peak hours; the schema has no time of day)"
_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_RELEASED = re.compile(r"[Rr]eleased (?:on )?(20\d\d-\d\d-\d\d)")


@dataclass
class _Segment:
    """One price set of a model: from ``start`` (None: the model's first date) on."""

    start: dt.date | None
    prices: dict
    batch: bool = False


@dataclass
class _Run:
    """What one import shares: its dates, source and the counts of what it skipped."""

    retrieved: dt.date
    source_url: str
    skipped: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)

    def skip(self, reason: str, example: str = "") -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, []).extend([example] if example else [])

    def notes(self) -> list[str]:
        """One line per reason something was skipped: its count and a few examples."""
        lines = []
        for reason, count in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            e = ", ".join(self.examples[reason][:3])
            lines.append(f"skipped {count} {reason}" + (f" (e.g. {e})" if e else ""))
        return lines


def import_genai_prices(
    source: str | Path | None = None,
    *,
    providers: tuple[str, ...] = (),
    retrieved: dt.date | None = None,
    source_url: str | None = None,
) -> tuple[list[dict], list[str]]:
    """Rows of ``api_models.csv`` (prices in USD/1M tokens, plus ``announced``) from
    genai-prices' data file ``source``, or from the installed package when it is None.

    ``providers`` keeps those providers (tunecost's or genai-prices' ids); ``retrieved``
    (default today) is written on every row and dates a price with no known start;
    ``source_url`` defaults to ``https://pypi.org/project/genai-prices/<version>/`` or
    ``file:<name>``. Returns the rows, sorted (their ``skipped`` counts what was left out,
    by reason), and notes counting what was skipped."""
    day = check_retrieved(retrieved)
    raw, default_url = _load(source)
    run = _Run(day, source_url or default_url)
    wanted = {p.lower() for p in providers}
    rows: dict[tuple, dict] = {}
    for provider in raw:
        gp_id = str(provider.get("id", ""))
        pid = provider_id(gp_id)
        if wanted and not {pid, gp_id.lower()} & wanted:
            continue
        for model in provider.get("models") or []:
            new = {tuple(r[c] for c in _KEY): r for r in _model_rows(pid, gp_id, model, run)}
            if new.keys() & rows.keys():
                run.skip("models whose id repeats an earlier one's (first kept)", gp_id)
                continue
            rows |= new
    if not rows:
        where = f" for provider(s) {', '.join(sorted(wanted))}" if wanted else ""
        raise InputError(f"{source or 'genai-prices'}: no text-model prices found{where}", FIELD)
    order = sorted(rows, key=lambda k: (*k[:3], k[3] or 0, k[4]))
    return ImportedRows([rows[k] for k in order], run.skipped, run.notes()), run.notes()


def provider_id(genai_id: str) -> str:
    """tunecost's id of a genai-prices provider (``x-ai`` -> ``xai``)."""
    key = genai_id.lower()
    return GENAI_PROVIDERS.get(key, key.replace("_", "-"))


def _load(source: str | Path | None) -> tuple[list[dict], str]:
    """The providers as plain mappings, and the default source URL."""
    if source is None:
        return _from_package()
    path = Path(source)
    data = _parse(path, read_text(path, WHAT, FIELD))
    if isinstance(data, dict) and isinstance(data.get("models"), list):
        data = [data]  # one provider file
    good = isinstance(data, list) and data and all(_is_provider(p) for p in data)
    if not good:
        raise InputError(f"{path} is not a list of providers with models; expected {WHAT}", FIELD)
    return data, f"file:{path.name}"


def _is_provider(p: Any) -> bool:
    return isinstance(p, dict) and isinstance(p.get("id"), str) and type(p.get("models")) is list


def _parse(path: Path, text: str) -> Any:
    """JSON for a ``.json`` file, YAML (of which JSON is a subset) otherwise; both bounded
    (:mod:`tunecost.pricebook.catalogue`)."""
    load = load_json if path.suffix.lower() == ".json" else load_yaml
    return load(text, path, WHAT, FIELD)


def _from_package() -> tuple[list[dict], str]:
    """The installed package's bundled providers, as the mappings the JSON file holds."""
    try:
        from genai_prices import data
    except ImportError:
        msg = (
            f"genai-prices is not installed (pip install genai-prices); or give the file of {WHAT}"
        )
        raise InputError(msg, FIELD) from None
    try:
        url = f"https://pypi.org/project/genai-prices/{version('genai-prices')}/"
    except PackageNotFoundError:
        url = "https://pypi.org/project/genai-prices/"
    keep = ("id", "name", "pricing_urls", "models")
    return [{k: _plain(getattr(p, k, None)) for k in keep} for p in data.providers], url


def _plain(obj: Any) -> Any:
    """A package object as JSON-like data: attributes as keys (``or_`` -> ``or``),
    Decimal as float, dates and times kept; None values left out."""
    if isinstance(obj, Decimal):
        return float(obj)
    if obj is None or isinstance(obj, str | int | float | bool | dt.date | dt.time):
        return obj
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    items = vars(obj).items() if hasattr(obj, "__dict__") else ()
    return {k.rstrip("_"): _plain(v) for k, v in items if not k.startswith("_") and v is not None}


def _model_rows(pid: str, gp_id: str, model: Any, run: _Run) -> list[dict]:
    """The rows of one genai-prices model, or none (and a count) when it is skipped."""
    if not isinstance(model, dict) or not isinstance(model.get("id"), str):
        run.skip("malformed model entries (no id)", gp_id)
        return []
    name = f"{gp_id}/{model['id']}"
    time_of_day = run.skipped[TIME_OF_DAY]
    segments = _segments(model, run)
    keys = {k for s in segments for k, v in s.prices.items() if v is not None}
    mid = model["id"].lower()
    start, how = _first_date(model, segments, run.retrieved)
    reason = _not_text(mid, keys)
    timelines = {} if reason else _timelines(segments, start, run)
    if not reason and not {"input", "output"} <= timelines.keys():
        reason = "models without both an input and an output token price"
    if reason:
        run.skip(reason, name)
        return []
    notes = [f"genai-prices {name}"]
    if model.get("deprecated"):
        notes.append("deprecated in genai-prices")
    if run.skipped[TIME_OF_DAY] > time_of_day:
        notes.append("genai-prices' default (off-peak) price; its time-of-day prices are skipped")
    rows = []
    for kind, timeline in timelines.items():
        rows += _kind_rows((pid, mid, kind), timeline, (start, how), notes, run)
    return rows


def _not_text(mid: str, keys: set[str]) -> str | None:
    """Why a model is no text model the schema can price, or None."""
    if mid.startswith("ft:") or ".ft-" in mid:
        return "fine-tuned model prices (they belong in finetune_prices.csv)"
    if any(NON_TEXT_KEYS.search(k) for k in keys) or NON_TEXT_WORDS.search(mid):
        return "non-text models (speech, audio, image, video, OCR, embedding)"
    return None


def _segments(model: dict, run: _Run) -> list[_Segment]:
    """The model's price sets: its prices (dated or not) and its batch variants."""
    prices = model.get("prices")
    entries = [(e, False) for e in (prices if isinstance(prices, list) else [{"prices": prices}])]
    for variant in model.get("price_variants") or []:
        when = variant.get("when") if isinstance(variant, dict) else None
        if when == {"processing": "batch"} or not isinstance(variant, dict):
            entries.append((variant, True))
        elif variant.get("prices"):  # an empty variant (service_tier=default) changes nothing
            cond = ", ".join(f"{k}={v}" for k, v in (when or {}).items()) or "?"
            run.skip(f"price variants for {cond} (the schema has no such condition)")
    out = []
    for entry, batch in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("prices"), dict):
            run.skip("malformed price entries", str(model.get("id")))
            continue
        start = _constraint_start(entry.get("constraint"), model, run)
        if start is not False:
            out.append(_Segment(start, entry["prices"], batch))
    return out


def _constraint_start(constraint: Any, model: dict, run: _Run) -> dt.date | bool | None:
    """A constraint's start date; None if none; False when skipped (a daily time window)."""
    if not constraint:
        return None
    if isinstance(constraint, dict) and "start_time" in constraint:
        run.skip(TIME_OF_DAY)
        return False
    day = _date(constraint.get("start_date") if isinstance(constraint, dict) else None)
    if day is None:
        run.skip("prices with a constraint that cannot be read", str(model.get("id")))
        return False
    return day


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _first_date(model: dict, segments: list[_Segment], retrieved: dt.date) -> tuple[dt.date, str]:
    """The date the model's first price is dated from, and how it was found: the release
    date in a dated snapshot id (``gpt-4o-2024-08-06``) or a "Released <date>" comment;
    else ``prices_checked`` (YAML files); else the earliest start of its price variants
    (when genai-prices checked its batch or tier rates); else ``retrieved``; never on or
    after its first dated change. All but the first say the true start is unknown."""
    changes = sorted(s.start for s in segments if s.start is not None and not s.batch)
    texts = (model["id"], *_strings(model.get("match")))
    released = [m.group(0) for t in texts for m in _DATE.finditer(t)]
    released += _RELEASED.findall(str(model.get("price_comments") or ""))
    variants = [v.get("constraint") for v in model.get("price_variants") or [] if type(v) is dict]
    unknown = "true start unknown: effective_from ="
    candidates = (
        (released, "effective_from = release date in its snapshot id or comments"),
        ([model.get("prices_checked")], f"{unknown} genai-prices prices_checked"),
        ([c.get("start_date") for c in variants if c], f"{unknown} earliest start of variants"),
        ([retrieved], f"{unknown} retrieved"),
    )
    candidates = [([d for d in map(_date, days) if d], how) for days, how in candidates]
    day, how = next((min(days), how) for days, how in candidates if days)
    if changes and day >= changes[0]:
        day = changes[0] - dt.timedelta(days=1)
        how = f"true start unknown: genai-prices only says it applied before {changes[0]}"
    return day, how


def _strings(match: Any) -> list[str]:
    """Every string in a genai-prices match clause (``{or: [{starts_with: ...}]}``)."""
    if isinstance(match, dict):
        match = list(match.values())
    if isinstance(match, list):
        return [s for v in match for s in _strings(v)]
    return [match] if isinstance(match, str) else []


def _timelines(segments: list[_Segment], start: dt.date, run: _Run) -> dict[str, list]:
    """Per kind, its prices ``[(date, {tier or None: USD/1M})]``, oldest first; of two price
    sets of one date the later wins; nothing is dated before the model's first date."""
    out: dict[str, dict] = {}
    for seg in segments:
        kinds = BATCH_KINDS if seg.batch else KINDS
        day = max(seg.start or start, start)
        for key, value in seg.prices.items():
            kind = kinds.get(key)
            if kind is None:
                run.skip(f"{key} prices ({'batch' if seg.batch else 'standard'}; no such kind)")
                continue
            tiers = _tiers(value)
            if tiers is None:
                run.skip("price values that are not a number from 0 to 10,000 or tiers", key)
                continue
            out.setdefault(kind, {})[day] = tiers
    return {kind: sorted(by_day.items()) for kind, by_day in out.items()}


def _tiers(value: Any) -> dict[int | None, float] | None:
    """``{None: base, start: price, ...}`` of a price (a number or ``{base, tiers}``)."""
    if isinstance(value, dict):
        out = {None: _number(value.get("base"))}
        for tier in value.get("tiers") or []:
            start = tier.get("start") if isinstance(tier, dict) else None
            if isinstance(start, bool) or not isinstance(start, int) or start <= 0:
                return None
            out[start] = _number(tier.get("price"))
    else:
        out = {None: _number(value)}
    return None if any(v is None for v in out.values()) else out


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    value = float(value) if ok else math.nan
    return round(value, 9) if math.isfinite(value) and 0 <= value <= MAX_USD_PER_MTOK else None


def _kind_rows(who: tuple, timeline: list, first: tuple, notes: list, run: _Run) -> list[dict]:
    """Rows of one kind: a row per tier and date where the price changes. A tier that an
    earlier price had and a later one lacks gets the later base price (the tier ended)."""
    rows, current, tiers_seen = [], {}, set()
    for day, own in timeline:
        ended = tiers_seen - own.keys()
        prices = {**own, **dict.fromkeys(ended, own.get(None))}
        for tier, price in sorted(prices.items(), key=lambda kv: kv[0] or 0):
            if price is None or current.get(tier) == price:
                continue
            note = [*notes, first[1] if day == first[0] else "from genai-prices' start_date"]
            if who[2].startswith("batch_"):
                note.append("batch price (genai-prices processing=batch variant)")
            if tier in ended:
                note.append(f"no separate price above {tier} tokens from this date (tier ended)")
            rows.append(_row(who, price, tier, day, "; ".join(note), run))
            current[tier] = price
        tiers_seen |= {t for t in own if t is not None}
    return rows


def _row(who: tuple, price: float, tier: int | None, day: dt.date, note: str, run: _Run) -> dict:
    """One row; ``who`` is (provider, model, kind)."""
    announced = "yes" if day > run.retrieved else ""
    values = (*who, "USD/1M tokens", price, tier, day.isoformat(), announced)
    values += (run.source_url, run.retrieved.isoformat(), note)
    return dict(zip(PRICE_COLUMNS, values, strict=True))
