"""Time in a plan: months, traffic growth, price trends and release events.

Month ``m`` runs from 1 to N; month 1 is the scenario's ``start``. Functions return numpy
arrays over months (the last axis) so that the same code serves one plan, a sweep of
traffic levels or Monte Carlo draws stacked on leading axes.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np


def month_index(months: int) -> np.ndarray:
    """Months 1..N. [month]"""
    return np.arange(1, months + 1, dtype=float)


def month_dates(start: dt.date, months: int) -> list[dt.date]:
    """First day of each month of the plan."""
    out = []
    y, m = start.year, start.month
    for _ in range(months):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_hours(start: dt.date, months: int) -> np.ndarray:
    """Hours in each calendar month of the plan (672 to 744): what clouds and providers
    bill an hourly charge for. [hour]"""
    firsts = month_dates(start, months + 1)
    return np.array([(b - a).days * 24.0 for a, b in itertools.pairwise(firsts)])


def column(x) -> np.ndarray | float:
    """A value as a column that broadcasts against the month axis: scalars stay scalars,
    a vector of draws becomes shape (draws, 1), a (draws, 1) column is kept."""
    a = np.asarray(x, float)
    if a.ndim == 0:
        return float(a)
    return a[:, None] if a.ndim == 1 else a


def compound(rate, period_months, months: int) -> np.ndarray:
    """Factor ``(1 + rate) ** ((m - 1) / period)`` for months 1..N.

    ``rate`` is a fractional change per ``period_months`` (``-0.25`` per 12 months makes
    month 13 cost 0.75 of month 1); a column of draws gives one row per draw.
    """
    t = month_index(months) - 1.0
    return (1.0 + column(rate)) ** (t / period_months)


def compound_from(rate, period_months, months: int, first: int = 0) -> np.ndarray:
    """Factor ``(1 + rate) ** (max(0, m - 1 - first) / period)`` for months 1..N: a trend
    that starts after month ``first + 1`` (0-based ``first``), flat before it. With
    ``first`` 0 it is :func:`compound`."""
    t = np.maximum(month_index(months) - 1.0 - first, 0.0)
    return (1.0 + column(rate)) ** (t / period_months)


def traffic(requests, growth_rate, growth_period_months, months: int) -> np.ndarray:
    """Requests in each month: ``R0 (1 + g) ** ((m - 1) / period)``. [requests/month]"""
    return column(requests) * compound(growth_rate, growth_period_months, months)


def every(interval_months, months: int) -> np.ndarray:
    """1.0 in months when a periodic event happens, else 0.0.

    Events fall at ``round(1 + k x interval)`` for k = 1, 2, ... (the first one
    ``interval`` months after the start). ``interval`` may be a column of draws (each at
    least one month), giving one row of events per draw.
    """
    k_int = np.maximum(column(interval_months), 1.0)  # at most one event a month
    m = month_index(months)
    out = np.zeros(np.broadcast_shapes(np.shape(k_int), m.shape))
    # the k whose event could land in month m is near (m - 1) / interval
    near = np.floor((m - 1) / k_int)
    for dk in (-1.0, 0.0, 1.0):
        k = near + dk
        out = np.maximum(out, ((k >= 1) & (np.round(1 + k * k_int) == m)).astype(float))
    return out


def month_of(date: dt.date, start: dt.date) -> int:
    """Plan month (1-based) that contains ``date``; may be < 1 or > N."""
    return (date.year - start.year) * 12 + (date.month - start.month) + 1


def release_events(
    policy, base_model_every: float, months: int, deprecated_month: int | None = None
) -> np.ndarray:
    """Months in which a path ships a new release (retrain or migrate), as 0/1.

    ``policy``: ``"on-new-base-model"`` (every ``base_model_every`` months), ``"never"``,
    or a number of months. A base model's deprecation forces a release in its month
    even when the policy says never.
    """
    if policy == "never":
        out = np.zeros(months)
    elif policy == "on-new-base-model":
        out = every(base_model_every, months)
    else:
        out = every(float(policy), months)
    if deprecated_month is not None and 1 < deprecated_month <= months:
        out = out.copy()
        out[..., deprecated_month - 1] = 1.0
    return out
