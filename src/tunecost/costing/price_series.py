"""Prices over a plan: the book's dated rows month by month, then the market's trend.

The price of a month is the newest row in effect on the month's first day, so a price cut
or an announced change inside the plan is billed from the first whole month it covers.
From the month the last known row takes effect (or the plan's start, if later), the
scenario's trend (``api_price_change``, ``gpu_price_change``) carries the price on: the
trend extrapolates beyond what the book knows, it never overrides it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tunecost.costing import timeline


def price_series(
    rows: Sequence[Any],
    months: list[dt.date],
    value: Callable[[Any], float],
    *,
    trend: tuple = (0.0, 1.0),
    factor=1.0,
) -> tuple[np.ndarray, list]:
    """(USD per month of the plan, the rows used), from one price's dated ``rows``.

    ``rows`` are the book's rows for one price (one provider, item, kind and tier), in
    any order, each with an ``effective_from``; one must be in effect on ``months[0]``.
    ``value(row)`` is the row's price in canonical units. ``trend`` is (rate, period in
    months) and may hold a column of draws; ``factor`` scales every month (a price level).

    ``p_m = value(row in effect on month m's first day) x (1 + r) ** (max(0, m - e) /
    period) x factor``, where ``e`` is the month the newest row takes effect.
    """
    ordered = sorted(rows, key=lambda r: r.effective_from)
    dates = np.array([np.datetime64(r.effective_from, "D") for r in ordered])
    firsts = np.array([np.datetime64(d, "D") for d in months])
    idx = np.searchsorted(dates, firsts, side="right") - 1
    if idx[0] < 0:
        raise ValueError(f"no row in effect on {months[0]}")
    prices = _by_month([value(r) for r in ordered], idx)
    last = int(np.argmax(idx == len(ordered) - 1)) if idx[-1] == len(ordered) - 1 else len(months)
    rate, period = trend
    series = (
        prices * timeline.compound_from(rate, period, len(months), last) * timeline.column(factor)
    )
    used = [ordered[i] for i in dict.fromkeys(idx.tolist())]
    return series, used


def _by_month(values: list, idx: np.ndarray) -> np.ndarray:
    """Each month's price, ``values[idx[m]]``, months on the last axis. A value may be a
    number or a column of draws or sweep rows (shape ``(rows, 1)``, e.g. a price given in
    the scenario that sensitivity or Monte Carlo varies): the result is then
    ``(rows, months)``, not a stack of columns."""
    cols = [np.asarray(v, float) for v in values]
    if all(c.ndim == 0 for c in cols):
        return np.array(cols)[idx]
    cols = [c[:, None] if c.ndim == 1 else c.reshape(c.shape or (1,)) for c in cols]
    picked = np.broadcast_arrays(*(cols[i] for i in idx))
    return np.concatenate(picked, axis=-1)
