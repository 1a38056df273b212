"""Rendering results as a table for people or CSV/JSON for machines.

People get figures rounded to three significant digits with thousands separators
(:mod:`tunecost.output.numbers`); CSV and JSON get every value unrounded. Every JSON
tunecost prints goes through :func:`to_json`; every CSV cell through
:func:`spreadsheet_safe`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tunecost.output.layout import wrap, wrap_lines
from tunecost.output.numbers import human

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` with a leading quote if it is text a spreadsheet would run as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return), as OWASP's
    CSV-injection guidance advises. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value):
    if isinstance(value, bool):  # as JSON spells it, not Python's True/False
        return "true" if value else "false"
    return "" if value is None else spreadsheet_safe(value)


@dataclass(frozen=True)
class Field:
    """One output field: its key, a label for people and the unit it is in."""

    key: str
    label: str
    unit: str = ""


def render_record(
    record: dict,
    fields: Sequence[Field],
    fmt: str,
    notes: Sequence[str] = (),
    width: int | None = None,
) -> str:
    """One result (a flat dict) as an aligned table, a one-row CSV or a JSON object;
    the table's notes are wrapped to ``width`` characters (when given)."""
    if fmt == "json":
        return to_json(record)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(record), lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: _csv_cell(v) for k, v in record.items()})
        return buf.getvalue()
    rows = [
        (f.label, human(record.get(f.key), f.unit), f.unit)
        for f in fields
        if record.get(f.key) is not None
    ]
    lines = _record_lines(rows, width)
    lines += wrap_lines([f"note: {n}" for n in notes], width)
    return "\n".join(lines) + "\n"


ALIGNED = 24
"""Longest value aligned in the value column; a longer one (a sentence) starts there and
wraps under itself instead of pushing every figure to the right."""


def _record_lines(rows: list[tuple[str, str, str]], width: int | None) -> list[str]:
    """Label, value (right-aligned) and unit per line, within ``width`` when given."""
    lwidth = max(len(r[0]) for r in rows)
    vwidth = max((len(r[1]) for r in rows if len(r[1]) <= ALIGNED), default=0)
    out = []
    for label, val, unit in rows:
        line = f"{label:<{lwidth}}  {val:>{vwidth}}  {unit}".rstrip()
        if len(val) > ALIGNED or (width is not None and len(line) > width):
            line = wrap(f"{label:<{lwidth}}  {val} {unit}".rstrip(), width, " " * (lwidth + 2))
        out += line.split("\n")
    return out


def render_rows(rows: list[dict], columns: Sequence[str], fmt: str) -> str:
    """A list of flat dicts as an aligned table, CSV or JSON array."""
    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _csv_cell(r.get(k)) for k in columns})
        return buf.getvalue()
    cells = [[human(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    out = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip()]
    for row in cells:
        out.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())
    return "\n".join(out) + "\n"


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def to_json(data) -> str:
    """JSON text with NaN as null and dates as ISO strings."""

    def walk(x):
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [walk(v) for v in x]
        return _clean(x)

    return json.dumps(walk(data), indent=2, allow_nan=False) + "\n"
