"""Which guesses matter: tornado sensitivity and switch thresholds.

Both evaluate many variants of one scenario in a single vectorised pass: each variant is
a row of a (variants, 1) column for every numeric field, fed through the same path
functions as the Monte Carlo. A variant changes one field and keeps every other field at
its central value.

- :func:`tornado`: every numeric field swung across its range, or +-25% of its value
  where it has none, and the change it makes to one result (the total-cost difference
  between a path and the baseline, or the break-even month).
- :func:`threshold`: the value of one field at which the cheapest path over the horizon
  changes.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from tunecost.distributions import Dist
from tunecost.errors import InputError
from tunecost.render import human
from tunecost.uncertainty import evaluate_rows

SWING = 0.25
"""Relative swing for a field given as one value (the issue's +-25%)."""


def _parser(model: type[BaseModel], field: str):
    info = model.model_fields[field]
    metas = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        metas += list(getattr(arg, "__metadata__", ()))
    for m in metas:
        func = getattr(m, "func", None)
        if func is not None:
            return func
    return None


@dataclass(frozen=True)
class Field:
    """One numeric input: its dotted name, central value, swing ends and bounds. A rate is
    a fraction per ``period`` months; ``default`` marks a value the scenario left unset."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    bounds: tuple[float, float] = (-np.inf, np.inf)
    is_rate: bool = False
    period: float = 1.0
    ranged: bool = False
    default: bool = False

    @property
    def display_unit(self) -> str:
        if self.is_rate:
            return {1.0: "%/month", 12.0: "%/year"}.get(
                self.period, f"% per {self.period:g} months"
            )
        return "" if self.unit == "dimensionless" else self.unit

    def display(self, x: float) -> float:
        """A value in :attr:`display_unit` (rates as percent)."""
        return x * 100 if self.is_rate else x


def numeric_fields(scenario) -> dict[str, Field]:
    """Every numeric input of the scenario that can be varied, by dotted name (paths by
    name), including the engineering and evaluation hours a path leaves at their
    defaults. Engine settings (latency targets, batch limits, GPU and run counts) are not
    inputs to vary."""
    from tunecost.scenario import _rate, engineering_hours, evaluation_hours

    out: dict[str, Field] = {}

    def visit(obj, prefix):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            dotted = f"{prefix}.{name}" if prefix else name
            if isinstance(value, BaseModel):
                visit(value, dotted)
                continue
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, BaseModel):
                        visit(item, f"{dotted}.{getattr(item, 'name', '?')}")
                continue
            func = _parser(type(obj), name)
            if value is None or func is None:
                continue
            if func is _rate:
                rate, period = value
                out[dotted] = _field(
                    dotted, rate, (-0.999999, 2**period - 1), "rate", is_rate=True, period=period
                )
            elif getattr(func, "ranges", False):
                out[dotted] = _field(dotted, value, func.bounds, func.unit)
        if hasattr(obj, "engineering") and hasattr(obj, "kind"):  # a path: its defaults too
            hours = dict(
                zip(("build", "upkeep", "per_release"), engineering_hours(obj), strict=True)
            )
            for key, unit in (("build", "hour"), ("upkeep", "hour/month"), ("per_release", "hour")):
                if getattr(obj.engineering, key) is None:
                    out[f"{prefix}.engineering.{key}"] = _field(
                        f"{prefix}.engineering.{key}", hours[key], (0.0, 1e5), unit, default=True
                    )
            if obj.evaluation.hours is None:
                out[f"{prefix}.evaluation.hours"] = _field(
                    f"{prefix}.evaluation.hours",
                    evaluation_hours(obj),
                    (0.0, 1e5),
                    "hour",
                    default=True,
                )

    visit(scenario, "")
    return out


def _field(name, value, bounds, unit, *, is_rate=False, period=1.0, default=False) -> Field:
    lo_b, hi_b = bounds
    ranged = isinstance(value, Dist)
    if ranged:
        low, high = value.span
        centre = value.point
    else:
        centre = float(value)
        low, high = centre * (1 - SWING), centre * (1 + SWING)
        low, high = min(low, high), max(low, high)
    return Field(
        name,
        centre,
        float(np.clip(low, lo_b, hi_b)),
        float(np.clip(high, lo_b, hi_b)),
        unit,
        (float(lo_b), float(hi_b)),
        is_rate,
        float(period),
        ranged,
        default,
    )


def variants(scenario, assignments: dict[str, np.ndarray], rows: int):
    """The scenario as ``rows`` variants: each field in ``assignments`` takes its column
    of values; every other numeric field sits at its central value."""
    from tunecost.uncertainty import point

    base = point(scenario)

    def visit(obj, prefix):
        updates = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            dotted = f"{prefix}.{name}" if prefix else name
            if isinstance(value, BaseModel):
                new = visit(value, dotted)
            elif isinstance(value, list):
                new = [
                    visit(v, f"{dotted}.{getattr(v, 'name', '?')}")
                    if isinstance(v, BaseModel)
                    else v
                    for v in value
                ]
            elif dotted in assignments:
                col = np.asarray(assignments[dotted], float).reshape(rows, 1)
                new = (col, value[1]) if isinstance(value, tuple) else col
            else:
                continue
            updates[name] = new
        return obj.model_copy(update=updates) if updates else obj

    return visit(base, "")


def _metric(names, monthly, metric: str, path: str, baseline: str) -> np.ndarray:
    from tunecost.uncertainty import breakeven_months

    j, b = names.index(path), names.index(baseline)
    if metric == "total-difference":
        return monthly[j].sum(axis=1) - monthly[b].sum(axis=1)
    months = breakeven_months(monthly[j], monthly[b]).astype(float)
    return np.where(months > 0, months, monthly.shape[2] + 1)  # never = after the horizon


METRICS = ("total-difference", "breakeven-month")


@dataclass
class Tornado:
    """Swings of one result, largest first."""

    metric: str
    path: str
    baseline: str
    base_value: float | None  # None: never breaks even (breakeven-month metric)
    rows: list[dict]


def tornado(scenario, *, metric="total-difference", path=None, baseline=None, book=None) -> Tornado:
    """Swing every numeric field and measure the result; see the module docstring."""
    if metric not in METRICS:
        raise InputError(
            f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}", "--metric"
        )
    names = [p.name for p in scenario.paths]
    base = baseline or scenario.baseline or names[0]
    scenario.path(base)
    if path is None:
        others = [n for n in names if n != base]
        if not others:
            raise InputError("the scenario has one path; add another to compare", "--path")
        path = others[0]
    scenario.path(path, "--path")
    if path == base:
        raise InputError("choose a path other than the baseline", "--path")
    # inputs of paths that are neither compared path cannot move the result
    fields = [
        f
        for f in numeric_fields(scenario).values()
        if not f.name.startswith("paths.") or f.name.split(".")[1] in (path, base)
    ]
    rows = 2 * len(fields) + 1  # the last row is the scenario at its central values
    assignments = {}
    for k, f in enumerate(fields):
        col = np.full(rows, f.value)
        col[2 * k], col[2 * k + 1] = f.low, f.high
        assignments[f.name] = col
    _, monthly = evaluate_rows(variants(scenario, assignments, rows), rows, book)
    result = _metric(names, monthly, metric, path, base)
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
                "low": f.display(f.low),
                "high": f.display(f.high),
                "result_at_low": shown(lo),
                "result_at_high": shown(hi),
                "swing": float(abs(hi - lo)),
            }
        )
    out.sort(key=lambda r: (-r["swing"], r["field"]))
    return Tornado(metric, path, base, shown(result[-1]), out)


@dataclass
class Threshold:
    field: str
    unit: str
    value: float | None
    below: str | None
    above: str | None
    searched: tuple[float, float]
    switches: list[tuple[float, str, str]]
    info: Field | None = None  # the field varied (units and display)


def _check_field(scenario, field: str) -> Field:
    fields = numeric_fields(scenario)
    if field in fields:
        return fields[field]
    from tunecost.uncertainty import point

    # a field that exists but is not numeric, or one that does not exist
    known = list(fields)
    close = difflib.get_close_matches(field, known, 3, 0.5)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    exists = _exists(point(scenario), field)
    what = "is not a numeric input" if exists else "is not a field of the scenario"
    raise InputError(f"{field!r} {what}{hint}", "--vary")


def _exists(obj, dotted: str) -> bool:
    node = obj
    for part in dotted.split("."):
        if isinstance(node, list):
            node = next((x for x in node if getattr(x, "name", None) == part), None)
        else:
            node = getattr(node, part, None) if isinstance(node, BaseModel) else None
        if node is None:
            return False
    return True


def threshold(
    scenario, field: str, *, low=None, high=None, points=401, book=None, rtol=1e-4
) -> Threshold:
    """Where the cheapest path over the horizon changes as ``field`` moves from ``low``
    to ``high`` (default: the field's range if it has one; else a tenth to ten times its
    value, or 50 percentage points either side for a rate; clipped to the field's bounds).
    A rate's ``low``/``high`` are fractions per the field's own period.

    A log-spaced grid finds the first change; bisection refines it to ``rtol``.
    """
    f = _check_field(scenario, field)
    if f.ranged:  # the range the scenario gives
        default_low, default_high = f.low, f.high
    elif f.is_rate:  # 50 percentage points either way
        default_low, default_high = f.value - 0.5, f.value + 0.5
    elif f.value > 0:
        default_low, default_high = f.value / 10, f.value * 10
    else:
        default_low, default_high = 0.0, 1.0
    low = default_low if low is None else low
    high = default_high if high is None else high
    low, high = (float(np.clip(x, *f.bounds)) for x in (low, high))
    if not low < high:
        raise InputError(
            f"the search range must have low < high within the field's bounds; got "
            f"{human(f.display(low))} to {human(f.display(high))} {f.display_unit}".rstrip(),
            "--vary",
        )
    log = low > 0 and not f.is_rate
    grid = np.geomspace(low, high, points) if log else np.linspace(low, high, points)

    def cheapest(values: np.ndarray) -> np.ndarray:
        names, monthly = evaluate_rows(
            variants(scenario, {field: values}, values.size), values.size, book
        )
        return np.argmin(monthly.sum(axis=2), axis=0), names

    best, names = cheapest(grid)
    changes = np.nonzero(best[1:] != best[:-1])[0]
    switches = []
    for i in changes:
        a, b = grid[i], grid[i + 1]
        left = best[i]
        for _ in range(60):  # bisection
            if abs(b - a) <= rtol * max(abs(a), abs(b), 1e-12):
                break
            mid = np.sqrt(a * b) if log else (a + b) / 2
            if cheapest(np.array([mid]))[0][0] == left:
                a = mid
            else:
                b = mid
        switches.append((float(b), names[left], names[best[i + 1]]))
    if not switches:
        only = names[best[0]]
        return Threshold(field, f.unit, None, only, only, (float(low), float(high)), [], f)
    value, below, above = switches[0]
    return Threshold(field, f.unit, value, below, above, (float(low), float(high)), switches, f)
