"""The ledger as CSV for spreadsheets, and back from CSV for ``tunecost chart``.

Text cells that a spreadsheet would run as a formula are prefixed with a single quote
(:func:`tunecost.output.tables.spreadsheet_safe`); numbers are written unrounded.
"""

from __future__ import annotations

from pathlib import Path

from tunecost.errors import InputError
from tunecost.output.tables import spreadsheet_safe


def ledger_csv(ledger) -> str:
    """The ledger as CSV text: unrounded numbers, ISO dates, safe text cells."""
    out = ledger.copy()
    for col in ("path", "category", "unit", "note"):
        out[col] = out[col].map(spreadsheet_safe)
    out["date"] = out["date"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else d)
    return out.to_csv(index=False, lineterminator="\n", float_format="%.17g")


FIELD = "ledger"
"""The parameter errors name (the command line shows it as ``LEDGER``)."""

LEDGER_REQUIRED = ("month", "date", "path", "category", "usd")


def read_ledger(path: str | Path):
    """Read a ledger CSV written by ``tunecost compare --csv`` (for ``tunecost chart``)."""
    import datetime as dt

    import pandas as pd

    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a folder; give a ledger CSV", FIELD)
    try:
        df = pd.read_csv(p, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", FIELD) from None
    except OSError as exc:
        raise InputError(f"{p} cannot be read ({exc.strerror})", FIELD) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{p} is not a ledger CSV ({type(exc).__name__})", FIELD) from None
    missing = [c for c in LEDGER_REQUIRED if c not in df.columns]
    if missing:
        raise InputError(
            f"{p} lacks column(s) {', '.join(missing)}; expected a ledger from "
            "`tunecost compare --csv`",
            FIELD,
        )
    if df.empty:
        raise InputError(f"{p} has no rows", FIELD)
    usd = pd.to_numeric(df["usd"], errors="coerce")
    if usd.isna().any() or (usd < 0).any():
        raise InputError(f"{p}: column usd must hold non-negative numbers", FIELD)
    df["usd"] = usd
    for col in ("path", "category"):
        df[col] = df[col].astype(str).str.removeprefix("'")
    try:
        df["date"] = [dt.date.fromisoformat(str(d)) for d in df["date"]]
    except ValueError:
        raise InputError(f"{p}: column date must hold YYYY-MM-DD dates", FIELD) from None
    return df
