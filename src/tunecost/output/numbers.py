"""Numbers for people: rounded values and compact money.

:func:`human` rounds any value to three significant digits with thousands separators
(money to the cent below 100 USD, to the dollar above); :func:`compact` is the one k/M/B
formatter, used for volumes in words and money on chart axes.
"""

from __future__ import annotations

import math


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


def money(value) -> str:
    """USD for a table cell: ``-`` for no value, else :func:`human` in USD."""
    return "-" if value is None else human(float(value), "USD")


def compact(value: float, prefix: str = "") -> str:
    """3 significant digits with a k/M/B suffix: 3.82M, 950k, 12.5B (``$3.82M`` with
    ``prefix="$"``)."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{prefix}{value / scale:.3g}{suffix}"
    return f"{prefix}{value:.3g}"
