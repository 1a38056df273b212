"""Self-hosted GPUs bought rather than rented: purchases, resale, depreciation and the
electricity they use (``serving.buy``, ``training.buy``; docs/method.md, "Buying
instead of renting").

The fleet is sized as renting sizes it: a month needs the units (cards, or servers of
``g`` cards) that hold its replicas, the peak hour's plus the spares (a training month
with runs needs one job's). Units are bought in the month they are first needed and
kept ``lifetime`` whole months ``L``; a unit bought in month ``m`` is sold for its
residual value in month ``m + L`` and replaced in that month if the plan still needs
it. A fall in the need never sells a unit early (idle units draw no power).

- cash, month ``m``: ``hardware_m = bought_m x price - retired_m x residual``
- amortised (a view, ``compare --amortise``): ``owned_m x (price - residual) / L``, the
  straight-line depreciation of every unit owned; over a whole life both sum to
  ``price - residual``.
- energy: ``kWh_m = running units_m x hours_m x W per unit x PUE / 1000``;
  ``USD_m = kWh_m x USD/kWh + colocation (USD/kW/month) x owned units x kW per unit``.
  ``hours_m`` is the calendar month's hours (``hours: all``) or 8 h on each of its
  weekdays (``hours: business``); a training month's hours are its jobs' wall-clock.

Units: USD, months, hours, W, kWh. Defaults and their sources are in
:mod:`tunecost.scenario.purchase`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from tunecost.costing import timeline
from tunecost.scenario.purchase import BUSINESS_DAY_HOURS, ResidualUSD


def fleet(need, lifetime: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bought, retired, owned) units in each month for ``need`` units per month
    (..., N): a unit is bought when the need exceeds the units still in their life,
    serves ``lifetime`` months and is retired (sold) in the month after its last.
    ``owned`` counts the units in their life in each month. [unit]"""
    need = np.maximum(np.ceil(np.asarray(need, float) - 1e-9), 0.0)
    life = max(int(lifetime), 1)
    bought, retired, owned = (np.zeros_like(need) for _ in range(3))
    for m in range(need.shape[-1]):
        if m >= life:
            retired[..., m] = bought[..., m - life]
        alive = bought[..., max(0, m - life + 1) : m].sum(axis=-1)
        bought[..., m] = np.maximum(need[..., m] - alive, 0.0)
        owned[..., m] = alive + bought[..., m]
    return bought, retired, owned


def hardware_cash(bought, retired, price, residual) -> np.ndarray:
    """USD paid in each month: units bought at ``price`` less units retired sold at
    ``residual`` (both USD per unit). [USD]"""
    return np.asarray(bought) * price - np.asarray(retired) * residual


def hardware_amortised(owned, price, residual, lifetime: int) -> np.ndarray:
    """Straight-line depreciation in each month: ``owned x (price - residual) / L``. [USD]"""
    return np.asarray(owned) * (np.asarray(price) - residual) / max(int(lifetime), 1)


def energy_kwh(unit_hours, watts, pue) -> np.ndarray:
    """Facility energy of ``unit_hours`` (units running x hours) at ``watts`` average
    draw per unit and power usage effectiveness ``pue``: ``h x W x PUE / 1000``. [kWh]"""
    return np.asarray(unit_hours) * watts * pue / 1000.0


def energy_usd(kwh, usd_per_kwh, owned, watts, usd_per_kw_month) -> np.ndarray:
    """Electricity plus colocation: ``kWh x USD/kWh + USD/kW/month x owned x W / 1000``. [USD]"""
    return np.asarray(kwh) * usd_per_kwh + usd_per_kw_month * np.asarray(owned) * watts / 1000.0


def business_hours(start: dt.date, months: int, per_day: float = BUSINESS_DAY_HOURS):
    """Hours of each calendar month of the plan on weekdays (Monday to Friday) at
    ``per_day`` hours each: 20 to 23 weekdays x 8 h = 160 to 184 h. [hour]"""
    firsts = np.array(timeline.month_dates(start, months + 1), dtype="datetime64[D]")
    return np.busday_count(firsts[:-1], firsts[1:]).astype(float) * per_day


def residual_usd(residual, price):
    """The residual value in USD per unit: an amount, or a share of ``price``."""
    return float(residual) if isinstance(residual, ResidualUSD) else residual * price
