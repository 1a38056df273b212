"""``validate``: every problem in a price-book folder, one line each.

Checks each table's schema (columns, types, non-negative prices, dates), units that do
not convert, duplicate keys, providers missing from ``providers.csv``, GPU ids missing
from ``gpus.csv``, dates in the future, and alias collisions.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from tunecost.pricebook.book import OFFER_TIERS, PRICE_TABLES
from tunecost.pricebook.gpus import name_key
from tunecost.pricebook.prices import unit_factor
from tunecost.pricebook.reading import read_rows
from tunecost.pricebook.schemas import FINETUNE_KINDS, PRICE_KINDS, SCHEMAS


def validate(directory: Path) -> list[str]:
    """Every problem in the tables of ``directory``, one line each (empty when clean)."""
    if not directory.is_dir():
        return [f"{directory}: not a folder"]
    problems: list[str] = []
    loaded: dict[str, list[dict]] = {}
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
    gpu_ids = _gpu_names(loaded.get("gpus.csv", []), problems)
    for r in loaded.get("models.csv", []):
        if r["params_active"] and r["params_active"] > r["params_total"]:
            problems.append(
                f"models.csv, row {r['_row']}, column params_active: larger than params_total"
            )
    for table in PRICE_TABLES:
        problems += _price_problems(table, loaded.get(table, []), providers, today)
    problems += _offer_problems(loaded.get("gpu_offers.csv", []), gpu_ids, providers, today)
    problems += _release_problems(loaded.get("model_releases.csv", []), today)
    problems += _tokenizer_problems(
        loaded.get("tokenizers.csv", []), loaded.get("model_releases.csv", [])
    )
    problems += _provider_problems(loaded.get("providers.csv", []))
    problems += _hardware_problems(loaded.get("hardware_prices.csv", []), gpu_ids, today)
    return problems


def _hardware_problems(rows: list[dict], gpu_ids: dict, today: dt.date) -> list[str]:
    """Purchase prices: one per item and date, of a GPU in ``gpus.csv``, dated no later
    than read, from a well-formed source; a card is one GPU."""
    problems: list[str] = []
    seen: dict = {}
    for r in rows:
        where = f"hardware_prices.csv, row {r['_row']}"
        key = (r["id"].lower(), r["effective_from"])
        if key in seen:
            problems.append(f"{where}: duplicate of row {seen[key]} (same id and effective_from)")
        seen[key] = r["_row"]
        if gpu_ids and name_key(r["gpu"]) not in gpu_ids:
            problems.append(f"{where}, column gpu: {r['gpu']!r} is not in gpus.csv")
        if r["kind"] == "card" and r["gpus"] != 1:
            problems.append(f"{where}, column gpus: a card holds 1 GPU, not {r['gpus']}")
        if r["retrieved"] > today:
            problems.append(f"{where}, column retrieved: {r['retrieved']} is in the future")
        if r["effective_from"] > r["retrieved"]:
            problems.append(
                f"{where}, column effective_from: {r['effective_from']} is after retrieved"
            )
        problem = source_problem(str(r["source_url"]))
        if problem:
            problems.append(f"{where}, column source_url: {r['source_url']!r} {problem}")
    return problems


RULE_SOURCES = {
    "finetune_validation_tokens": "finetune_validation_source_url",
    "finetune_hosting": "finetune_hosting_source_url",
    "finetune_hour_increment": "finetune_hour_increment_source_url",
}


def _provider_problems(rows: list[dict]) -> list[str]:
    """Every page a provider row cites is well-formed; a billing rule cites one."""
    problems = []
    for r in rows:
        where = f"providers.csv, row {r['_row']}"
        for rule, source in RULE_SOURCES.items():
            if r[rule] and r[rule] != "unknown" and not r[source]:
                problems.append(f"{where}, column {source}: empty; cite the rule")
        for column in [c for c in r if c.endswith("_url") and r[c]]:
            problem = source_problem(str(r[column]))
            if problem:
                problems.append(f"{where}, column {column}: {r[column]!r} {problem}")
    return problems


def _release_problems(rows: list[dict], today: dt.date) -> list[str]:
    """Release rows: one per model, dates in order and not in the future, every date
    with a well-formed source."""
    problems: list[str] = []
    seen: dict = {}
    for r in rows:
        where = f"model_releases.csv, row {r['_row']}"
        key = r["model"].lower()
        if key in seen:
            problems.append(f"{where}: duplicate of row {seen[key]} (same model)")
        seen[key] = r["_row"]
        if r["released"] > r["retrieved"]:
            problems.append(f"{where}, column released: {r['released']} is after retrieved")
        if r["retrieved"] > today:
            problems.append(f"{where}, column retrieved: {r['retrieved']} is in the future")
        if r["deprecated"] and r["shutdown"] and r["deprecated"] > r["shutdown"]:
            problems.append(f"{where}, column shutdown: {r['shutdown']} is before deprecated")
        if (r["deprecated"] or r["shutdown"]) and not r["lifecycle_source_url"]:
            problems.append(f"{where}, column lifecycle_source_url: empty; cite the dates")
        for column in ("source_url", "lifecycle_source_url"):
            problem = source_problem(r[column]) if r[column] else None
            if problem:
                problems.append(f"{where}, column {column}: {r[column]!r} {problem}")
    return problems


def _tokenizer_problems(tokenizers: list[dict], releases: list[dict]) -> list[str]:
    """Ratios in the range English text has (0.5-3 tokens a word, 1-10 characters a
    token) and every release's tokenizer listed."""
    problems, known = [], set()
    for r in tokenizers:
        where = f"tokenizers.csv, row {r['_row']}"
        known.add(r["tokenizer"])
        if not 0.5 <= r["tokens_per_word"] <= 3:
            problems.append(f"{where}, column tokens_per_word: {r['tokens_per_word']} not in 0.5-3")
        if not 1 <= r["chars_per_token"] <= 10:
            problems.append(f"{where}, column chars_per_token: {r['chars_per_token']} not in 1-10")
    for r in releases:
        if r.get("tokenizer") and r["tokenizer"] not in known:
            problems.append(
                f"model_releases.csv, row {r['_row']}, column tokenizer: "
                f"{r['tokenizer']!r} is not in tokenizers.csv"
            )
    return problems


def _gpu_names(rows: list[dict], problems: list[str]) -> dict[str, str]:
    """GPU ids by every name (id or alias) that refers to them; a name used for two GPUs
    is a problem."""
    gpu_ids: dict[str, str] = {}
    for r in rows:
        for name in [r["id"], *(a for a in (r.get("aliases") or "").split(";") if a.strip())]:
            key = name_key(name)
            if key in gpu_ids and gpu_ids[key] != r["id"]:
                problems.append(
                    f"gpus.csv, row {r['_row']}, column aliases: {name!r} already "
                    f"names {gpu_ids[key]}"
                )
            gpu_ids[key] = r["id"]
    return gpu_ids


def _price_problems(table: str, rows: list[dict], providers: set[str], today) -> list[str]:
    problems: list[str] = []
    seen: dict = {}
    allowed = PRICE_KINDS if table == "api_models.csv" else FINETUNE_KINDS
    other = "finetune_prices.csv" if table == "api_models.csv" else "api_models.csv"
    for r in rows:
        where = f"{table}, row {r['_row']}"
        if r["kind"] not in allowed:
            problems.append(f"{where}, column kind: {r['kind']!r} belongs in {other}")
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
    return problems


def _offer_problems(rows: list[dict], gpu_ids: dict, providers: set[str], today) -> list[str]:
    problems: list[str] = []
    seen: dict = {}
    for r in rows:
        where = f"gpu_offers.csv, row {r['_row']}"
        key = (r["provider"].lower(), r["instance"], r["region"], r["effective_from"])
        if key in seen:
            problems.append(
                f"{where}: duplicate of row {seen[key]} (same provider, instance, "
                "region and effective_from)"
            )
        seen[key] = r["_row"]
        if gpu_ids and name_key(r["gpu"]) not in gpu_ids:
            problems.append(f"{where}, column gpu: {r['gpu']!r} is not in gpus.csv")
        if all(r[f"{t}_usd_per_gpu_hour"] is None for t in OFFER_TIERS):
            problems.append(f"{where}: no price in any of {', '.join(OFFER_TIERS)}")
        problems += _common_checks(where, r, providers, today)
    return problems


def _common_checks(where: str, r: dict, providers: set[str], today: dt.date) -> list[str]:
    out = []
    if providers and r["provider"].lower() not in providers:
        out.append(f"{where}, column provider: {r['provider']!r} is not in providers.csv")
    if r["retrieved"] > today:
        out.append(f"{where}, column retrieved: {r['retrieved']} is in the future")
    if r["effective_from"] > r["retrieved"] and r.get("announced") != "yes":
        out.append(
            f"{where}, column effective_from: {r['effective_from']} is after the row was "
            f"retrieved ({r['retrieved']}); a price cannot be seen before it exists unless "
            "its source announces it (set announced to yes)"
        )
    problem = source_problem(str(r["source_url"]))
    if problem:
        out.append(f"{where}, column source_url: {r['source_url']!r} {problem}")
    return out


_DATE_LIKE = re.compile(r"^(19|20)\d{2}-?\d{2}-?\d{2}$")
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


def source_problem(url: str) -> str | None:
    """Why ``url`` cannot be a row's source, or None: it must be an http(s) address (or
    ``file:`` for an import of a local file), name a repository file at a commit rather
    than a branch, and carry no made-up query values such as a date."""
    if url.startswith("file:"):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        return "is not a URL"
    if parts.netloc in ("github.com", "raw.githubusercontent.com"):
        segments = parts.path.strip("/").split("/")
        ref = segments[3] if parts.netloc == "github.com" and len(segments) > 3 else None
        if parts.netloc == "raw.githubusercontent.com" and len(segments) > 2:
            ref = segments[2]
        kind = segments[2] if parts.netloc == "github.com" and len(segments) > 2 else "blob"
        if ref is not None and kind in ("blob", "raw", "tree") and not _COMMIT.match(ref):
            return f"names the branch {ref!r}; pin the file to a commit"
    for _, value in parse_qsl(parts.query):
        if _DATE_LIKE.match(value):
            return f"has a made-up query value {value!r}; cite the page as published"
    return None
