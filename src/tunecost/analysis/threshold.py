"""Where the recommendation flips: the value of one input at which the cheapest path
over the horizon changes.

A grid over the input's range finds every change; bisection refines each to a relative
tolerance. Every grid point is a row of one vectorised evaluation, as in the tornado.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tunecost.costing.evaluate import monthly_costs
from tunecost.errors import InputError
from tunecost.output.numbers import human
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.scenario.model import Scenario
from tunecost.scenario.walk import NumericField, find_field, numeric_fields, variants

FIELD = "field"
"""The parameter errors name (the command line shows it as ``--vary``)."""


@dataclass
class Threshold:
    """The first switch (``value``, ``below`` and ``above`` it), every switch found, the
    range searched, and the input varied (for its units)."""

    field: str
    unit: str
    value: float | None
    below: str | None
    above: str | None
    searched: tuple[float, float]
    switches: list[tuple[float, str, str]]
    info: NumericField | None = None
    moves_costs: bool = True  # False: no path's total changes over the range searched


def check_field(scenario: Scenario, field: str) -> NumericField:
    """The numeric input ``field`` names (``workload.requests``,
    ``paths[gpt-4.1].input_tokens``), or an error with close names."""
    address, exists = find_field(scenario, field, FIELD)
    fields = numeric_fields(scenario)
    if address in fields:
        return fields[address]
    known = [f.name for f in fields.values()]
    close = difflib.get_close_matches(field, known, 3, 0.5)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    what = "is not a numeric input" if exists else "is not a field of the scenario"
    raise InputError(f"{field!r} {what}{hint}", FIELD)


def search_range(f: NumericField, low: float | None, high: float | None) -> tuple[float, float]:
    """``low``..``high``, each defaulting to the field's range if it has one; else a
    tenth to ten times its value, or 50 percentage points either side for a rate;
    defaults are clipped to the field's bounds, given ends outside them refused."""
    if f.ranged:  # the range the scenario gives
        default_low, default_high = f.span(0.0)
    elif f.is_rate:  # 50 percentage points either way
        default_low, default_high = f.value - 0.5, f.value + 0.5
    elif f.value > 0:
        default_low, default_high = f.value / 10, f.value * 10
    else:
        default_low, default_high = 0.0, 1.0
    for name, given in (("low", low), ("high", high)):
        _check_given(f, name, given)
    low = default_low if low is None else low
    high = default_high if high is None else high
    low, high = (float(np.clip(x, *f.bounds)) for x in (low, high))
    if not low < high:
        raise InputError(
            f"the search range must have low < high within the field's bounds; got "
            f"{human(f.display(low))} to {human(f.display(high))} {f.display_unit}".rstrip(),
            FIELD,
        )
    return low, high


def _check_given(f: NumericField, name: str, value: float | None) -> None:
    """Refuse a search end the field itself would refuse, rather than clip it."""
    if value is None:
        return
    lowest, highest = f.bounds
    shown = f"{f.display(value):g} {f.display_unit}".rstrip()
    if f.positive and lowest <= 0 and value <= 0:  # its bounds start at 0, which it refuses
        raise InputError(f"{f.name} must be greater than zero; got {shown}", name)
    if not lowest <= value <= highest:
        edge = lowest if value < lowest else highest
        side = "smallest" if value < lowest else "largest"
        limit = f"{f.display(edge):g} {f.display_unit}".rstrip()
        raise InputError(f"{shown} is outside {f.name}: its {side} value is {limit}", name)


def threshold(
    scenario: Scenario,
    field: str,
    *,
    low: float | None = None,
    high: float | None = None,
    points: int = 401,
    book: PriceBook | None = None,
    rtol: float = 1e-4,
    progress: Callable[[int, int], None] | None = None,
) -> Threshold:
    """Where the cheapest path over the horizon changes as ``field`` moves from ``low``
    to ``high`` (see :func:`search_range`). A rate's ``low``/``high`` are fractions per
    the field's own period. A grid of ``points`` finds the changes (log-spaced for a
    positive quantity); bisection refines each to ``rtol``. ``progress(done, total)``
    is called after the grid and after each switch is refined.
    """
    f = check_field(scenario, field)
    low, high = search_range(f, low, high)
    book = book or open_book()
    log = low > 0 and not f.is_rate
    grid = np.geomspace(low, high, points) if log else np.linspace(low, high, points)

    def totals(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Each path's total over the plan at each value: (paths, values)."""
        varied = variants(scenario, {f.address: values}, values.size)
        names, monthly = monthly_costs(varied, book, values.size)
        return monthly.sum(axis=2), names

    try:
        grid_totals, names = totals(grid)
    except InputError as exc:  # a value of the range no path can be served at
        totals(np.array([f.value]))  # ... unless the scenario as written fails too
        raise _in_search(exc, field, low, high) from None
    best = np.argmin(grid_totals, axis=0)
    scale = np.maximum(np.abs(grid_totals).max(axis=1), 1.0)
    moves = bool(np.any(np.ptp(grid_totals, axis=1) > 1e-9 * scale))
    switches = []
    changes = np.nonzero(best[1:] != best[:-1])[0]
    if progress is not None:
        progress(1, changes.size + 1)
    for i in changes:

        def on_left(v: float, k: int = best[i]) -> bool:
            return int(np.argmin(totals(np.array([v]))[0][:, 0])) == k

        b = _bisect(on_left, grid[i : i + 2], log, rtol)
        switches.append((b, names[best[i]], names[best[i + 1]]))
        if progress is not None:
            progress(len(switches) + 1, changes.size + 1)
    searched = (float(low), float(high))
    if not switches:
        only = names[best[0]]
        return Threshold(field, f.unit, None, only, only, searched, [], f, moves)
    value, below, above = switches[0]
    return Threshold(field, f.unit, value, below, above, searched, switches, f)


def _bisect(left_side: Callable[[float], bool], bracket, log: bool, rtol: float) -> float:
    """The point in ``bracket`` (a, b) where ``left_side`` turns False, to ``rtol``:
    geometric midpoints on a log grid, arithmetic otherwise; at most 60 halvings."""
    a, b = (float(x) for x in bracket)
    for _ in range(60):
        if abs(b - a) <= rtol * max(abs(a), abs(b), 1e-12):
            break
        mid = float(np.sqrt(a * b)) if log else (a + b) / 2
        if left_side(mid):
            a = mid
        else:
            b = mid
    return b


def _in_search(exc: InputError, field: str, low: float, high: float) -> InputError:
    """An input error met at some value of the search range, saying so."""
    return InputError(
        f"{exc.message} (while searching {field} from {low:g} to {high:g}; narrow "
        "--low/--high to values the scenario can be priced at)",
        exc.field,
        absolute=exc.absolute,
    )
