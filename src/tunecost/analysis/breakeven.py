"""When one path overtakes another: break-even month and break-even volume.

Both are pure functions of cost arrays: the month from cumulative costs, the volume from
steady-state monthly costs evaluated over a grid of traffic levels.
"""

from __future__ import annotations

import numpy as np


def breakeven_months(path_monthly, baseline_monthly) -> np.ndarray:
    """First month (1-based) from which the path's cumulative cost stays below the
    baseline's to the end of the plan; 0 where it never does. The one break-even rule:
    it works on one plan (N,) or on rows of draws (..., N).

    Parameters
    ----------
    path_monthly, baseline_monthly : array (..., N)  [USD/month]

    Returns
    -------
    int array (...)  [month]
    """
    gap = np.cumsum(np.asarray(path_monthly, float), axis=-1) - np.cumsum(
        np.asarray(baseline_monthly, float), axis=-1
    )
    below = gap < -1e-9
    n = below.shape[-1]
    # index of the last month not below; break-even is the month after it
    not_below = ~below
    last_bad = np.where(
        not_below.any(axis=-1), n - 1 - np.argmax(not_below[..., ::-1], axis=-1), -1
    )
    return np.where(below[..., -1], last_bad + 2, 0)


def breakeven_month(path_monthly, baseline_monthly) -> int | None:
    """:func:`breakeven_months` for one plan: the month, or None if it never breaks even."""
    month = int(breakeven_months(path_monthly, baseline_monthly))
    return month or None


def steady_state(monthly) -> np.ndarray:
    """Mean monthly cost after the first month (build costs excluded, periodic releases
    included); the first month alone for a one-month plan. Works on (..., N)."""
    m = np.asarray(monthly, float)
    return m[..., 1:].mean(axis=-1) if m.shape[-1] > 1 else m[..., 0]


def crossing(volumes, path_cost, baseline_cost) -> tuple[float, str] | None:
    """The lowest volume where ``path_cost - baseline_cost`` changes sign on a grid, by
    linear interpolation between the grid points, and which side the path is cheaper on.

    Returns ``(volume, "above")`` if the path is cheaper at higher volumes, ``(volume,
    "below")`` if cheaper at lower volumes, or None if the sign never changes.
    """
    v = np.asarray(volumes, float)
    d = np.asarray(path_cost, float) - np.asarray(baseline_cost, float)
    sign = np.sign(d)
    idx = np.nonzero(sign[:-1] * sign[1:] < 0)[0]
    if idx.size == 0:
        zero = np.nonzero(sign == 0)[0]
        if zero.size and 0 < zero[0] < len(v) - 1:
            i = zero[0]
            return float(v[i]), "above" if d[i + 1] < 0 else "below"
        return None
    i = idx[0]
    # interpolate in log volume
    lv = np.log(v[i]) + (np.log(v[i + 1]) - np.log(v[i])) * d[i] / (d[i] - d[i + 1])
    return float(np.exp(lv)), "above" if d[i + 1] < 0 else "below"
