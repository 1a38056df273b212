"""When one path overtakes another: break-even month and break-even volume.

Both are pure functions of cost arrays: the month from cumulative costs, the volume from
steady-state monthly costs evaluated over a grid of traffic levels.
"""

from __future__ import annotations

import numpy as np


def breakeven_month(path_monthly, baseline_monthly) -> int | None:
    """First month (1-based) from which the path's cumulative cost stays below the
    baseline's to the end of the plan, or None.

    Parameters
    ----------
    path_monthly, baseline_monthly : array (N,)  [USD/month]
    """
    gap = np.cumsum(np.asarray(path_monthly, float)) - np.cumsum(
        np.asarray(baseline_monthly, float)
    )
    below = gap < -1e-9
    if not below[-1]:
        return None
    # the last month that was not below, plus one
    not_below = np.nonzero(~below)[0]
    return int(not_below[-1] + 2) if not_below.size else 1


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
