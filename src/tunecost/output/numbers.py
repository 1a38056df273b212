"""Numbers for people: rounded values and compact money.

:func:`human` rounds any value to three significant digits with thousands separators;
money (USD, and USD per something) is shown by :func:`money` as three significant digits
with a k/M/B suffix (``52.4k``, ``1.94``, ``3.82M``), in every table, the same way.
:func:`compact` is the one k/M/B formatter, used for money, for volumes in words and for
money on chart axes. CSV and JSON carry the exact values.
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
            return compact(value)
        a = abs(value)
        if a == 0:
            return "0"
        if a >= 1e15 or a < 1e-3:
            return f"{value:.3g}"
        digits = max(0, 2 - math.floor(math.log10(a)))
        return f"{value:,.{digits}f}"
    return str(value)


def money(value) -> str:
    """USD for a table cell: ``-`` for no value, else 3 significant digits with k/M/B."""
    return "-" if value is None else compact(float(value))


SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def compact(value: float, prefix: str = "") -> str:
    """3 significant digits with a k/M/B suffix: 3.82M, 950k, 12.5B, 0.42 (``$3.82M``
    and ``-$950`` with ``prefix="$"``). Rounded before the suffix is chosen, so 999,999
    is ``1M``, not ``1e+03k``."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    sign = "-" if value < 0 else ""
    a = float(f"{abs(value):.3g}")
    for scale, suffix in SUFFIXES:
        if a >= scale:
            return f"{sign}{prefix}{a / scale:.3g}{suffix}"
    return f"{sign}{prefix}{a:.3g}"
