"""Time in a plan: months, traffic growth, price trends and release events.

Month ``m`` runs from 1 to N; month 1 is the scenario's ``start``. Functions return numpy
arrays over months (the last axis) so that the same code serves one plan, a sweep of
traffic levels or Monte Carlo draws stacked on leading axes.
"""

from __future__ import annotations

import datetime as dt

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


def compound(rate, period_months, months: int) -> np.ndarray:
    """Factor ``(1 + rate) ** ((m - 1) / period)`` for months 1..N.

    ``rate`` is a fractional change per ``period_months`` (``-0.25`` per 12 months makes
    month 13 cost 0.75 of month 1). Broadcasts over leading axes of ``rate``.
    """
    t = month_index(months) - 1.0
    r = np.asarray(rate, float)[..., None] if np.ndim(rate) else float(rate)
    return (1.0 + r) ** (t / period_months)


def traffic(requests, growth_rate, growth_period_months, months: int) -> np.ndarray:
    """Requests in each month: ``R0 (1 + g) ** ((m - 1) / period)``. [requests/month]"""
    r0 = np.asarray(requests, float)
    r0 = r0[..., None] if r0.ndim else r0
    return r0 * compound(growth_rate, growth_period_months, months)


def every(interval_months: float, months: int, first_month: int | None = None) -> np.ndarray:
    """1.0 in months when a periodic event happens, else 0.0.

    Events fall at ``1 + k x interval`` for k = 1, 2, ... (the first one ``interval``
    months after the start), rounded to whole months.
    """
    out = np.zeros(months)
    if interval_months <= 0:
        return out
    k = 1
    while True:
        m = round(1 + k * interval_months)
        if m > months:
            break
        out[m - 1] = 1.0
        k += 1
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
        out[deprecated_month - 1] = 1.0
    return out
