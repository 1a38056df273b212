"""Replica-hours of a serving fleet that follows its traffic over the week.

The week is cut into slots (hours, or shorter in a hand-worked case) with weights ``w_s``
of mean 1 (:mod:`tunecost.scenario.profile`). In slot ``s`` the fleet serves
``d_s = rate x w_s`` output tokens/s and runs

    n_s = clip(ceil(d_s / c), m, M) + spare  (m = max(min_replicas, 1) and the spares
    only while d_s > 0; ``min_replicas = 0`` scales to zero in an idle slot)

replicas of capacity ``c`` tokens/s. The provider bills a replica in whole steps of its
granularity ``g`` (a minute or an hour): over each step the most replicas any of its
slots runs, for ``g`` hours. A replica added is billed its start-up (scale-up delay, the
cold start after zero) before it serves, rounded up to whole steps:
``max(0, n_s - n_{s-1}) x ceil(delay / g) x g``, the week taken as a cycle. A replica
removed is billed its scale-down delay (the idle time before the provider stops it, e.g.
a scale-to-zero window) the same way, ``max(0, n_{s-1} - n_s) x ceil(down / g) x g``, at
most one step (a delay longer than one step is counted as one step); the last replica
stopped when the fleet scales to zero is billed the scale-to-zero window instead.

Worked example (Hugging Face Inference Endpoints' pricing page): 1 replica all month and
3 for 15 minutes of every hour, billed per minute at 0.50 USD/h, is
``0.5 x (730 x 1 + 182.5 x 2) = 547.50`` USD for a 730-hour month; billed per hour the
same fleet is ``0.5 x 730 x 3 = 1,095`` USD.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from tunecost.errors import InputError

STEP_HOURS = {"second": 1 / 3600, "minute": 1 / 60, "hour": 1.0}
"""Hours in one billing step of each granularity a provider bills in."""


def replicas_in_slot(demand, per_replica, min_replicas=1, max_replicas=None, spare=0):
    """Replicas running in one slot: ``clip(ceil(d / c), m, M)`` plus ``spare`` while
    ``d > 0``, with ``m = max(min_replicas, 1)`` under traffic and ``min_replicas`` (0:
    scale to zero) without. [replicas] Works on arrays."""
    d = np.asarray(demand, float)
    need = np.ceil(d / per_replica - 1e-9) + 0.0
    busy = d > 0
    n = np.maximum(need, np.where(busy, max(min_replicas, 1), min_replicas))
    if max_replicas is not None:
        n = np.minimum(n, max_replicas)
    return n + np.where(busy, spare, 0)


def replica_steps(
    rate,
    weights,
    per_replica: float,
    *,
    min_replicas: int = 1,
    max_replicas: int | None = None,
    spare: int = 0,
    slot_hours: float = 1.0,
    step_hours: float = 1.0,
    delay_hours: float = 0.0,
    down_delay_hours: float = 0.0,
    zero_delay_hours: float | None = None,
) -> Iterator[tuple[np.ndarray, float, np.ndarray]]:
    """The billing steps of one cycle of ``weights`` (slots of ``slot_hours``) at an
    average demand of ``rate`` output tokens/s, by the rule of the module docstring:
    for each step ``(replicas, hours billed, start-up and wind-down replica-hours)``.
    ``rate`` may be an array (months, draws): replicas and extra hours have its shape."""
    w = np.asarray(weights, float).ravel()
    rate = np.asarray(rate, float)
    per_step = max(1, round(step_hours / slot_hours))
    if len(w) % per_step:
        raise ValueError("the slots do not fill whole billing steps")
    billed_step = per_step * slot_hours  # a step is never shorter than a slot
    start_up = math.ceil(delay_hours / step_hours - 1e-9) * step_hours

    def billed(hours: float) -> float:  # whole steps, at most one
        return min(math.ceil(hours / step_hours - 1e-9) * step_hours, billed_step)

    wind_down = billed(down_delay_hours)
    wind_zero = billed(down_delay_hours if zero_delay_hours is None else zero_delay_hours)

    def step(k: int) -> np.ndarray:
        slots = w[k * per_step : (k + 1) * per_step]
        runs = [
            replicas_in_slot(rate * x, per_replica, min_replicas, max_replicas, spare)
            for x in slots
        ]
        return np.maximum.reduce(runs)

    steps = len(w) // per_step
    before = step(steps - 1)  # the week taken as a cycle
    for k in range(steps):
        n = step(k)
        extra = np.maximum(n - before, 0) * start_up + np.maximum(before - n, 0) * wind_down
        # the last replica stops after the scale-to-zero window, not the scale-down one
        extra = extra + np.where((n == 0) & (before > 0), wind_zero - wind_down, 0.0)
        yield n, billed_step, extra
        before = n


def replica_hours(rate, weights, per_replica: float, **rule) -> np.ndarray:
    """Billed replica-hours over one cycle of ``weights``: the sum over
    :func:`replica_steps` of replicas x hours billed + start-up and wind-down
    replica-hours. Takes the
    same keywords. [replica-hours]"""
    total = np.zeros(np.shape(rate))
    for n, hours, extra in replica_steps(rate, weights, per_replica, **rule):
        total = total + n * hours + extra
    return total


def check_max_replicas(
    rate, weights, per_replica: float, max_replicas: int | None, field: str = "max_replicas"
) -> None:
    """Refuse a ``max_replicas`` (named ``field``) below the replicas the busiest slot
    needs."""
    if max_replicas is None:
        return
    peak = float(np.max(np.asarray(rate, float))) * float(np.max(weights))
    need = math.ceil(peak / per_replica - 1e-9)
    if need > max_replicas:
        raise InputError(
            f"{max_replicas} is below the {need} the busiest hour needs "
            f"({peak:,.0f} output tokens/s at {per_replica:,.0f} each); raise it",
            field,
        )
