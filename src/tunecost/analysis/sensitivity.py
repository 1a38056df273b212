"""Which guesses matter: a tornado of every numeric input.

Every numeric field (:func:`tunecost.scenario.walk.numeric_fields`) is swung across its
range, or +-25% of its value where it has none, with every other field at its central
value, and the change it makes to one result is measured: the total-cost difference
between a path and the baseline, or the break-even month. All the variants are
evaluated in one vectorised pass, each a row of a (variants, 1) column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tunecost.analysis.breakeven import breakeven_months
from tunecost.costing.evaluate import monthly_costs
from tunecost.errors import InputError
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.scenario.model import Scenario
from tunecost.scenario.walk import numeric_fields, variants

SWING = 0.25
"""Relative swing for a field given as one value (+-25%)."""

METRICS = ("total-difference", "breakeven-month")


def metric_values(names, monthly, metric: str, path: str, baseline: str) -> np.ndarray:
    """``metric`` for each row of ``monthly`` (paths, rows, months); a path that never
    breaks even counts as the month after the plan."""
    j, b = names.index(path), names.index(baseline)
    if metric == "total-difference":
        return monthly[j].sum(axis=1) - monthly[b].sum(axis=1)
    months = breakeven_months(monthly[j], monthly[b]).astype(float)
    return np.where(months > 0, months, monthly.shape[2] + 1)


CHUNK_ROWS = 64
"""Variants evaluated at once (progress is reported after each chunk)."""


def _evaluate(scenario, assignments, rows, book, progress, *measured) -> np.ndarray:
    """The metric for each of ``rows`` variants, evaluated a chunk at a time."""
    out = np.empty(rows)
    for start in range(0, rows, CHUNK_ROWS):
        stop = min(rows, start + CHUNK_ROWS)
        part = {a: col[start:stop] for a, col in assignments.items()}
        names, monthly = monthly_costs(variants(scenario, part, stop - start), book, stop - start)
        out[start:stop] = metric_values(names, monthly, *measured)
        if progress is not None:
            progress(stop, rows)
    return out


@dataclass
class Tornado:
    """Swings of one result, largest first."""

    metric: str
    path: str
    baseline: str
    base_value: float | None  # None: never breaks even (breakeven-month metric)
    rows: list[dict]


def _compared(scenario: Scenario, path: str | None, baseline: str | None) -> tuple[str, str]:
    """(path, baseline) of a tornado: the named ones or the first two."""
    names = [p.name for p in scenario.paths]
    base = baseline or scenario.baseline or names[0]
    scenario.path(base)
    if path is None:
        others = [n for n in names if n != base]
        if not others:
            raise InputError("the scenario has one path; add another to compare", "path")
        path = others[0]
    scenario.path(path, "path")
    if path == base:
        raise InputError("choose a path other than the baseline", "path")
    return path, base


def tornado(
    scenario: Scenario,
    *,
    metric: str = "total-difference",
    path: str | None = None,
    baseline: str | None = None,
    book: PriceBook | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Tornado:
    """Swing every numeric field and measure the result; see the module docstring.
    ``progress(done, total)`` is called as the variants are evaluated."""
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}", "metric")
    path, base = _compared(scenario, path, baseline)
    # inputs of paths that are neither compared path cannot move the result
    fields = [
        f
        for f in numeric_fields(scenario).values()
        if f.address[0] != "paths" or f.address[1] in (path, base)
    ]
    spans = [f.span(SWING) for f in fields]
    rows = 2 * len(fields) + 1  # the last row is the scenario at its central values
    assignments = {}
    for k, f in enumerate(fields):
        col = np.full(rows, f.value)
        col[2 * k], col[2 * k + 1] = spans[k]
        assignments[f.address] = col
    result = _evaluate(
        scenario, assignments, rows, book or open_book(), progress, metric, path, base
    )
    never = scenario.months + 1  # the break-even metric's code for "not within the plan"

    def shown(x):
        return None if metric == "breakeven-month" and x >= never else float(x)

    out = []
    for k, f in enumerate(fields):
        lo, hi = result[2 * k], result[2 * k + 1]
        out.append(
            {
                "field": f.name + (" (default)" if f.default else ""),
                "unit": f.display_unit,
                "value": f.display(f.value),
                "low": f.display(spans[k][0]),
                "high": f.display(spans[k][1]),
                "result_at_low": shown(lo),
                "result_at_high": shown(hi),
                "swing": float(abs(hi - lo)),
            }
        )
    # swings equal to a micro-dollar are ties, ordered by name (float noise must not reorder)
    out.sort(key=lambda r: (-round(r["swing"], 6), r["field"]))
    return Tornado(metric, path, base, shown(result[-1]), out)
