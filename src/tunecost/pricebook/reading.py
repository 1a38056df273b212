"""Reading the CSV tables of the price book by schema.

Tables are read by header name with the standard library's ``csv`` (no pandas, so
``train`` and ``serve`` start fast) and each cell converted and checked against its
:class:`Column`. Where the folder is comes from :mod:`tunecost.pricebook.folder`; the
book object (:mod:`tunecost.pricebook.book`) keeps what it has read.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunecost.errors import PriceBookError


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
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    # an optional column may be absent (a table written before the column existed)
    missing = [c.name for c in schema if c.required and c.name not in header]
    if missing:
        return [], [f"{name}: missing column(s) {', '.join(missing)}"]
    for line_no, raw in enumerate(reader, start=2):
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


def read_table(folder: Path, name: str, schema: list[Column]) -> tuple[dict[str, Any], ...]:
    """Rows of the table ``name`` (e.g. ``gpus.csv``) in ``folder``, checked.

    Raises
    ------
    PriceBookError
        If the file is missing or any row breaks the schema (first problems listed).
    """
    path = folder / name
    if not path.is_file():
        raise PriceBookError(f"price table {name} is missing from {path.parent}")
    rows, problems = read_rows(path, schema)
    if problems:
        more = (
            f" (and {len(problems) - 3} more; run `tunecost pricing validate`)"
            if len(problems) > 3
            else ""
        )
        raise PriceBookError("; ".join(problems[:3]) + more)
    return tuple(rows)
