"""Writing the ledger and summaries: CSV for spreadsheets, JSON for programs.

Files are written atomically (``render.write_atomic``). Text cells that a spreadsheet
would run as a formula are prefixed with a single quote (``render.spreadsheet_safe``);
numbers are written unrounded.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from tunecost.render import spreadsheet_safe


def ledger_csv(ledger) -> str:
    """The ledger as CSV text: unrounded numbers, ISO dates, safe text cells."""
    out = ledger.copy()
    for col in ("path", "category", "unit", "note"):
        out[col] = out[col].map(spreadsheet_safe)
    out["date"] = out["date"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else d)
    return out.to_csv(index=False, lineterminator="\n", float_format="%.17g")


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


LEDGER_REQUIRED = ("month", "date", "path", "category", "usd")


def read_ledger(path: str | Path):
    """Read a ledger CSV written by ``tunecost compare --csv`` (for ``tunecost chart``)."""
    import datetime as dt

    import pandas as pd

    from tunecost.errors import InputError

    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a folder; give a ledger CSV", "LEDGER")
    try:
        df = pd.read_csv(p, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", "LEDGER") from None
    except OSError as exc:
        raise InputError(f"{p} cannot be read ({exc.strerror})", "LEDGER") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{p} is not a ledger CSV ({type(exc).__name__})", "LEDGER") from None
    missing = [c for c in LEDGER_REQUIRED if c not in df.columns]
    if missing:
        raise InputError(
            f"{p} lacks column(s) {', '.join(missing)}; expected a ledger from "
            "`tunecost compare --csv`",
            "LEDGER",
        )
    if df.empty:
        raise InputError(f"{p} has no rows", "LEDGER")
    usd = pd.to_numeric(df["usd"], errors="coerce")
    if usd.isna().any() or (usd < 0).any():
        raise InputError(f"{p}: column usd must hold non-negative numbers", "LEDGER")
    df["usd"] = usd
    for col in ("path", "category"):
        df[col] = df[col].astype(str).str.removeprefix("'")
    try:
        df["date"] = [dt.date.fromisoformat(str(d)) for d in df["date"]]
    except ValueError:
        raise InputError(f"{p}: column date must hold YYYY-MM-DD dates", "LEDGER") from None
    return df
