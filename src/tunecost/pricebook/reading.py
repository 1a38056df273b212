"""Reading the CSV tables of the price book by schema.

Tables are read by header name with the standard library's ``csv`` (no pandas, so
``train`` and ``serve`` start fast) and each cell converted and checked against its
:class:`Column`. Where the folder is comes from :mod:`tunecost.pricebook.folder`; the
book object (:mod:`tunecost.pricebook.book`) keeps what it has read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunecost.errors import PriceBookError

MAX_CELL_CHARS = 16 * 2**20
"""Longest cell, in characters, a table or catalogue may hold (16 MiB); the standard
library's ``csv`` stops at 131,072 by default with an exception, here a one-line problem."""

CONFLICT_KEYS = {
    "api_models.csv": (
        ("provider", "model", "kind", "context_over_tokens", "effective_from"),
        ("unit", "price"),
    ),
    "finetune_prices.csv": (
        ("provider", "model", "kind", "context_over_tokens", "effective_from"),
        ("unit", "price"),
    ),
    "gpu_offers.csv": (
        ("provider", "instance", "region", "effective_from"),
        (
            "gpu",
            "gpu_count",
            "on_demand_usd_per_gpu_hour",
            "spot_usd_per_gpu_hour",
            "reserved_1y_usd_per_gpu_hour",
        ),
    ),
}
"""Per table, the columns that name one price on one date, and the columns that must then
agree: two rows with the same key and different prices leave the price unknown, so the
book refuses them wherever it is read (an exact repeat is harmless; ``validate`` lists it)."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, type and whether a value is required.

    ``kind`` is ``str``, ``float`` (non-negative, finite), ``int`` (positive),
    ``count`` (whole, >= 0),
    ``date`` (ISO ``YYYY-MM-DD``) or ``choice`` (one of ``choices``).
    """

    name: str
    kind: str = "str"
    required: bool = True
    choices: tuple[str, ...] = ()


def _convert(col: Column, raw: str) -> Any:
    """Convert one cell; raise ValueError with a short reason."""
    if col.kind == "str":
        return raw
    if col.kind == "float":
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(f"{raw!r} is not a finite number")
        if value < 0:
            raise ValueError(f"{raw!r} is negative")
        return value
    if col.kind == "int":
        value = float(raw)
        if value != int(value) or value <= 0:
            raise ValueError(f"{raw!r} is not a positive whole number")
        return int(value)
    if col.kind == "count":
        value = float(raw)
        if value != int(value) or value < 0:
            raise ValueError(f"{raw!r} is not a whole number >= 0")
        return int(value)
    if col.kind == "date":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if col.kind == "choice":
        if raw not in col.choices:
            raise ValueError(f"{raw!r} is not one of {', '.join(col.choices)}")
        return raw
    raise AssertionError(f"unknown column kind {col.kind}")


def read_rows(path: Path, schema: list[Column]) -> tuple[list[dict[str, Any]], list[str]]:
    """Read ``path`` by header name; return converted rows and a list of problems.

    Each problem names the file, the row (as a spreadsheet would number it, the header
    being row 1) and the column. Unknown extra columns are kept as text.
    """
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [f"{name}: not UTF-8 text"]
    except OSError as exc:
        return [], [f"{name}: cannot be read ({exc.strerror})"]
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        raws = list(reader)
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        why = f"a cell is longer than {MAX_CELL_CHARS:,} characters" if too_long else str(exc)
        return [], [f"{name}, row {reader.line_num}: {why}"]
    twice = duplicate_columns(header)
    if twice:
        return [], [f"{name}: {twice}"]
    # an optional column may be absent (a table written before the column existed)
    missing = [c.name for c in schema if c.required and c.name not in header]
    if missing:
        return [], [f"{name}: missing column(s) {', '.join(missing)}"]
    for line_no, raw in enumerate(raws, start=2):
        row: dict[str, Any] = {}
        ok = True
        if None in raw:
            problems.append(f"{name}, row {line_no}: more cells than columns")
            continue
        for col in schema:
            cell = (raw.get(col.name) or "").strip()
            if not cell:
                if col.required:
                    problems.append(f"{name}, row {line_no}, column {col.name}: empty")
                    ok = False
                row[col.name] = None
                continue
            try:
                row[col.name] = _convert(col, cell)
            except ValueError as exc:
                problems.append(f"{name}, row {line_no}, column {col.name}: {exc}")
                ok = False
        for key, value in raw.items():
            if key not in row:
                row[key] = (value or "").strip()
        row["_row"] = line_no
        if ok:
            rows.append(row)
    return rows, problems


def duplicate_columns(header: list[str]) -> str | None:
    """What is wrong with a header that names a column twice (the right-hand cell
    would silently win), or None."""
    seen: dict[str, int] = {}
    for i, col in enumerate(header, start=1):
        if col in seen:
            return f"column {col!r} appears twice in the header (columns {seen[col]} and {i})"
        seen[col] = i
    return None


def conflicts(name: str, rows: list[dict[str, Any]]) -> list[str]:
    """Rows of the table ``name`` that give one price (same key, see
    :data:`CONFLICT_KEYS`) two different values, one line each."""
    if name not in CONFLICT_KEYS:
        return []
    key_cols, value_cols = CONFLICT_KEYS[name]
    first: dict[tuple, dict] = {}
    problems = []
    for r in rows:
        key = tuple(str(r[c]).lower() if c in ("provider", "model") else r[c] for c in key_cols)
        other = first.setdefault(key, r)
        differ = [c for c in value_cols if r.get(c) != other.get(c)]
        if differ:
            problems.append(
                f"{name}, row {r['_row']}, column {differ[0]}: {r.get(differ[0])!r} conflicts "
                f"with {other.get(differ[0])!r} in row {other['_row']} (same "
                f"{', '.join(key_cols)}); keep one"
            )
    return problems


def read_table(folder: Path, name: str, schema: list[Column]) -> tuple[dict[str, Any], ...]:
    """Rows of the table ``name`` (e.g. ``gpus.csv``) in ``folder``, checked.

    Raises
    ------
    PriceBookError
        If the file is missing, any row breaks the schema or two rows give one price
        different values (:func:`conflicts`; first problems listed).
    """
    path = folder / name
    if not path.is_file():
        raise PriceBookError(f"price table {name} is missing from {path.parent}")
    rows, problems = read_rows(path, schema)
    problems = problems or conflicts(name, rows)
    if problems:
        more = (
            f" (and {len(problems) - 3} more; run `tunecost pricing validate`)"
            if len(problems) > 3
            else ""
        )
        raise PriceBookError("; ".join(problems[:3]) + more)
    return tuple(rows)
