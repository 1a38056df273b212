"""Rendering results as a table for people or CSV/JSON for machines.

People get figures rounded to three significant digits with thousands separators;
CSV and JSON get every value unrounded. Files are written atomically: to a temporary
file in the same folder, then renamed into place, so a failure never leaves half a file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tunecost.errors import InputError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` with a leading quote if it is text a spreadsheet would run as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return), as OWASP's
    CSV-injection guidance advises. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value):
    return "" if value is None else spreadsheet_safe(value)


@dataclass(frozen=True)
class Field:
    """One output field: its key, a label for people and the unit it is in."""

    key: str
    label: str
    unit: str = ""


def human(value, unit: str = "") -> str:
    """A value rounded for reading: 3 significant digits, thousands separators."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if unit == "USD" or unit.startswith("USD/"):
            return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
        a = abs(value)
        if a == 0:
            return "0"
        if a >= 1e15 or a < 1e-3:
            return f"{value:.3g}"
        digits = max(0, 2 - math.floor(math.log10(a)))
        return f"{value:,.{digits}f}"
    return str(value)


def render_record(
    record: dict, fields: Sequence[Field], fmt: str, notes: Sequence[str] = ()
) -> str:
    """One result (a flat dict) as an aligned table, a one-row CSV or a JSON object."""
    if fmt == "json":
        return json.dumps(record, indent=2, default=str, allow_nan=False) + "\n"
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
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    lines = [f"{label:<{width}}  {val:>{vwidth}}  {unit}".rstrip() for label, val, unit in rows]
    lines += [f"note: {n}" for n in notes]
    return "\n".join(lines) + "\n"


def render_rows(rows: list[dict], columns: Sequence[str], fmt: str) -> str:
    """A list of flat dicts as an aligned table, CSV or JSON array."""
    if fmt == "json":
        return json.dumps(rows, indent=2, default=str, allow_nan=False) + "\n"
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


def check_output_path(path: str | os.PathLike, field: str = "--output") -> Path:
    """Refuse an output path whose folder does not exist or that is a folder."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{str(p)!r} is a folder; give a file name", field)
    if not p.parent.is_dir():
        raise InputError(f"folder {str(p.parent)!r} does not exist", field)
    return p


CHART_FORMATS = (".png", ".svg", ".pdf")


def check_chart_path(path: str | os.PathLike, field: str = "--chart") -> Path:
    """Refuse a chart file name whose extension is not PNG, SVG or PDF (checked before
    any work, and without importing matplotlib)."""
    p = check_output_path(path, field)
    if p.suffix.lower() not in CHART_FORMATS:
        raise InputError(f"{p.name}: use a .png, .svg or .pdf file name", field)
    return p


def _file_mode(path: Path) -> int:
    """The mode a new file gets from open(): 0o666 less the umask (or the mode of the file
    being replaced)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: str | os.PathLike, data: str | bytes, field: str = "--output") -> None:
    """Write ``data`` to ``path`` via a temporary file renamed into place."""
    p = check_output_path(path, field)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(
            fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
        ) as fh:
            fh.write(data)
        os.chmod(tmp, _file_mode(p))  # mkstemp makes 0600; honour the umask like open()
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
