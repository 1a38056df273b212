"""Turn catalogues the user already has into rows of the price book's schema.

Import, never scrape: these read files from disk (no network). Each importer parses the
whole file before anything is written, so a failed import writes nothing. What they refuse
and how they count what they skip is in :mod:`tunecost.pricebook.catalogue`.

- LiteLLM's ``model_prices_and_context_window.json``: per-token prices of thousands of
  API models, including ``ft:`` fine-tuned entries and cache prices.
- SkyPilot's catalogue ``vms.csv`` (skypilot-org/skypilot-catalog,
  ``catalogs/v<N>/<cloud>/vms.csv``): instance prices per region and zone from the
  clouds' own APIs; divided by the instance's GPU count.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from tunecost.errors import InputError
from tunecost.pricebook.catalogue import (
    MAX_GPUS_PER_OFFER,
    MAX_USD_PER_GPU_HOUR,
    MAX_USD_PER_MTOK,
    ImportedRows,
    check_retrieved,
    csv_rows,
    load_json,
    price_problem,
    read_text,
)
from tunecost.pricebook.schemas import SCHEMAS

FIELD = "path"
"""The parameter errors name (the command line shows it as ``FILE``)."""

LITELLM_PROVIDERS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai-language-models": "vertex-ai",
    "vertex_ai-anthropic_models": "vertex-ai",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "groq": "groq",
    "xai": "xai",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "azure": "azure-openai",
    "azure_ai": "azure-openai",
    "cohere": "cohere",
    "cohere_chat": "cohere",
}
"""LiteLLM's ``litellm_provider`` values mapped to the price book's provider ids; others
are kept as LiteLLM spells them."""

_LITELLM_FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cached_input",
    "cache_creation_input_token_cost": "cache_write",
    "input_cost_per_token_batches": "batch_input",
    "output_cost_per_token_batches": "batch_output",
}
_FT_KIND = {"input": "ft_input", "output": "ft_output", "cached_input": "ft_cached_input"}
_ABOVE = re.compile(r"^(?P<base>.+)_above_(?P<n>\d+)k_tokens$")
_TEXT_MODES = {"chat", "completion", "responses", None}

PRICE_COLUMNS = tuple(c.name for c in SCHEMAS["api_models.csv"])
OFFER_COLUMNS = tuple(c.name for c in SCHEMAS["gpu_offers.csv"])


def _per_million(value, skipped: Counter) -> float | None:
    """USD per token -> USD per 1M tokens, rounded to hide float noise (1e-7 * 1e6); a
    value that is not a price is counted in ``skipped`` under its reason."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        value = float(value) * 1e6
    problem = price_problem(value, MAX_USD_PER_MTOK, "USD/1M tokens")
    if problem or isinstance(value, str):
        skipped[problem or "prices written as text"] += 1
        return None
    return round(value, 9)


def import_litellm(
    path: str | Path,
    *,
    source_url: str | None = None,
    retrieved: dt.date | None = None,
    providers: tuple[str, ...] = (),
) -> ImportedRows:
    """Rows of ``api_models.csv`` / ``finetune_prices.csv`` from LiteLLM's price JSON.

    ``ft:<model>`` entries become ``ft_input`` / ``ft_output`` / ``ft_cached_input`` rows
    of the base model; ``*_above_<N>k_tokens`` fields become long-context tiers.
    ``retrieved`` (default today; not later) is also used as ``effective_from``. The
    rows' ``skipped`` counts the entries and prices left out, by reason.
    """
    path = Path(path)
    what = "LiteLLM's model_prices_and_context_window.json"
    data = load_json(read_text(path, what, FIELD), path, what, FIELD)
    if not isinstance(data, dict) or not any(
        isinstance(v, dict) and "input_cost_per_token" in v for v in data.values()
    ):
        raise InputError(
            f"{path} has no model entries with input_cost_per_token; expected {what}", FIELD
        )
    retrieved = check_retrieved(retrieved)
    source_url = source_url or f"file:{path.name}"
    wanted = {p.lower() for p in providers}
    rows: list[dict] = []
    skipped: Counter = Counter()
    for name, entry in data.items():
        if name == "sample_spec" or not isinstance(entry, dict):
            continue
        if entry.get("mode") not in _TEXT_MODES:
            skipped["entries that are not text models (mode other than chat)"] += 1
            continue
        provider = LITELLM_PROVIDERS.get(
            entry.get("litellm_provider"), entry.get("litellm_provider") or "unknown"
        )
        if not wanted or provider in wanted:
            rows += _litellm_rows(name, entry, provider, (source_url, retrieved), skipped)
    if not rows:
        raise InputError(
            f"{path}: no text-model prices found"
            + (f" for provider(s) {', '.join(sorted(wanted))}" if wanted else ""),
            FIELD,
        )
    # Later entries for the same key (aliases) must not duplicate rows.
    unique = {(r["provider"], r["model"], r["kind"], r["context_over_tokens"]): r for r in rows}
    order = sorted(
        unique.values(),
        key=lambda r: (r["provider"], r["model"], r["kind"], r["context_over_tokens"] or 0),
    )
    return ImportedRows(order, skipped)


def _litellm_rows(name: str, entry: dict, provider: str, dated: tuple, skipped: Counter) -> list:
    """The price rows of one LiteLLM entry: one per priced field it has; ``dated`` is
    (source URL, retrieved)."""
    source_url, retrieved = dated
    model = name
    prefix = f"{entry.get('litellm_provider')}/"
    if model.startswith(prefix):
        model = model[len(prefix) :]
    fine_tuned = model.startswith("ft:")
    if fine_tuned:
        model = model[3:].split(":")[0]
    rows = []
    for key, value in entry.items():
        tier = None
        m = _ABOVE.match(key)
        if m:
            key, tier = m.group("base"), int(m.group("n")) * 1000
        kind = _LITELLM_FIELDS.get(key)
        price = None if kind is None else _per_million(value, skipped)
        if price is None:
            continue
        if fine_tuned:
            kind = _FT_KIND.get(kind)
            if kind is None:
                continue
        rows.append(
            {
                "provider": provider,
                "model": model.lower(),
                "kind": kind,
                "unit": "USD/1M tokens",
                "price": price,
                "context_over_tokens": tier,
                "effective_from": retrieved.isoformat(),
                "announced": "",
                "source_url": source_url,
                "retrieved": retrieved.isoformat(),
                "notes": f"imported from LiteLLM entry {name!r}",
            }
        )
    return rows


SKYPILOT_GPU_NAMES = {
    "a100": "a100-40gb",
    "a100-80gb": "a100-80gb",
    "h100": "h100-sxm",
    "h100-mega": "h100-sxm",
}
"""SkyPilot's accelerator names that differ from tunecost's aliases: its ``A100`` is the
40 GB part (``A100-80GB`` is the 80 GB one), while a user typing "A100" usually rents the
80 GB part."""

HYPERSCALERS = ("aws", "gcp", "azure", "oci")
MARKETPLACES = ("vast",)


def market_of(provider: str, instance: str = "") -> str:
    """The market an offer belongs to: the four general-purpose public clouds are
    hyperscalers (as in the bundled book), peer-to-peer hosts (Vast, RunPod's community
    cloud) marketplaces, the rest GPU clouds."""
    if provider in HYPERSCALERS:
        return "hyperscaler"
    peer = provider in MARKETPLACES or "community" in instance.lower()
    return "marketplace" if peer else "cloud"


SKYPILOT_REQUIRED = ("InstanceType", "AcceleratorName", "AcceleratorCount", "Price", "Region")


def import_skypilot(
    path: str | Path,
    *,
    provider: str | None = None,
    source_url: str | None = None,
    retrieved: dt.date | None = None,
    regions: tuple[str, ...] = (),
    book=None,
) -> tuple[ImportedRows, list[str]]:
    """Rows of ``gpu_offers.csv`` from a SkyPilot catalogue ``vms.csv``.

    Columns are read by name (their order differs by cloud). One row per (instance,
    region): on-demand = instance price / GPU count; spot = the lowest zone's spot
    price / GPU count. Fractional-GPU instances, more than 64 GPUs, prices that are not
    a number from 0 to 1,000 USD per GPU-hour, and accelerators missing from the
    book's ``gpus.csv`` (``book``, default the bundled one) are skipped and reported.
    GCP lists GPUs without a host VM (empty ``InstanceType``); those rows are kept as
    ``<GPU> x<N> (GPU only)``.

    Returns the rows (their ``skipped`` counts every row left out, by reason) and a list
    of notes about what was skipped for a problem.
    """
    from tunecost.pricebook.book import open_book

    path = Path(path)
    what = "a SkyPilot catalogue vms.csv"
    header, lines = csv_rows(read_text(path, what, FIELD), path, what, FIELD)
    missing = [c for c in SKYPILOT_REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{path} lacks column(s) {', '.join(missing)}; expected {what} with "
            f"columns {', '.join(SKYPILOT_REQUIRED)}, SpotPrice",
            FIELD,
        )
    if provider is None:
        provider = path.parent.name.lower() if path.parent.name else None
        if not provider or provider in (".", ""):
            raise InputError("say which cloud the file is from with --provider", "provider")
    retrieved = check_retrieved(retrieved)
    wanted = {r.lower() for r in regions}
    resolve = (book or open_book()).gpus.resolve
    groups, skipped, unknown = _skypilot_groups(lines, wanted, resolve)
    source_url = source_url or f"file:{path.name}"
    rows = [
        _skypilot_row(provider.lower(), key, g, source_url, retrieved)
        for key, g in sorted(groups.items())
        if g["price"] or g["spot"]
    ]
    if not rows:
        raise InputError(
            f"{path}: no GPU instance prices found"
            + (f" in region(s) {', '.join(sorted(wanted))}" if wanted else ""),
            FIELD,
        )
    notes = [f"skipped accelerators not in gpus.csv: {', '.join(sorted(unknown))}"] * bool(unknown)
    quiet = (_NO_GPU, _OTHER_REGION, _UNKNOWN_GPU)
    notes += [f"skipped {n} {why}" for why, n in skipped.items() if why not in quiet]
    return ImportedRows(rows, skipped, notes), notes


_NO_GPU = "rows without an accelerator"
_OTHER_REGION = "rows outside the regions asked for"
_UNKNOWN_GPU = "rows of accelerators not in gpus.csv"


def _gpu_count(text: str | None) -> tuple[int | None, str | None]:
    """(GPUs of an instance, None), or (None, why the count is refused)."""
    try:
        value = float(text or "")
    except ValueError:
        return None, "rows whose AcceleratorCount is not a number"
    if not math.isfinite(value) or value <= 0:
        return None, "rows with a GPU count below 1"
    if value != int(value):
        return None, "fractional-GPU rows"
    if value > MAX_GPUS_PER_OFFER:
        return None, f"rows with more than {MAX_GPUS_PER_OFFER} GPUs"
    return int(value), None


def _instance_price(text: str | None, count: int) -> tuple[float | None, str | None]:
    """(instance price in USD/hour or None when empty, None), or (None, why refused)."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        value: float | str = float(text)
    except ValueError:
        value = text
    per_gpu = value / count if isinstance(value, float) else value
    problem = price_problem(per_gpu, MAX_USD_PER_GPU_HOUR, "USD/GPU-hour")
    return (None, f"rows with {problem}") if problem else (float(value), None)


def _skypilot_groups(lines: list[dict], wanted: set[str], resolve) -> tuple[dict, Counter, set]:
    """Prices by (instance, GPU id, GPU count, region); the rows skipped, by reason; the
    accelerators not in gpus.csv."""
    groups: dict = defaultdict(lambda: {"price": [], "spot": []})
    skipped: Counter = Counter()
    unknown: set[str] = set()
    for row in lines:
        accel = (row.get("AcceleratorName") or "").strip()
        count, why = _gpu_count(row.get("AcceleratorCount")) if accel else (None, _NO_GPU)
        region = (row.get("Region") or "").strip()
        if count is not None and wanted and region.lower() not in wanted:
            why = _OTHER_REGION
        gpu = None if count is None else SKYPILOT_GPU_NAMES.get(accel.lower()) or resolve(accel)
        if why is None and gpu is None:
            unknown.add(accel)
            why = _UNKNOWN_GPU
        price, bad = _instance_price(row.get("Price"), count or 1)
        spot, bad_spot = _instance_price(row.get("SpotPrice"), count or 1)
        why = why or bad or bad_spot
        if why:
            skipped[why] += 1
            continue
        instance = (row.get("InstanceType") or "").strip() or f"{accel} x{count} (GPU only)"
        g = groups[(instance, gpu, count, region)]
        if price:
            g["price"].append(price)
        if spot:
            g["spot"].append(spot)
    return groups, skipped, unknown


def _skypilot_row(provider: str, key: tuple, g: dict, source_url: str, retrieved) -> dict:
    instance, gpu, count, region = key
    on_demand = min(g["price"]) / count if g["price"] else None
    spot = min(g["spot"]) / count if g["spot"] else None
    return {
        "provider": provider,
        "instance": instance,
        "gpu": gpu,
        "gpu_count": count,
        "on_demand_usd_per_gpu_hour": _round(on_demand),
        "spot_usd_per_gpu_hour": _round(spot),
        "reserved_1y_usd_per_gpu_hour": None,
        "region": region,
        "market": market_of(provider, instance),
        "effective_from": retrieved.isoformat(),
        "source_url": source_url,
        "retrieved": retrieved.isoformat(),
        "notes": "imported from SkyPilot vms.csv; instance price / GPU count; spot = lowest zone",
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
