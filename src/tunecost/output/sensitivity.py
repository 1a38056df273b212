"""Sensitivity and threshold results for people (tables, sentences) and programs.

Views of :class:`tunecost.analysis.sensitivity.Tornado` and
:class:`tunecost.analysis.threshold.Threshold`; nothing here evaluates a scenario.
"""

from __future__ import annotations

from tunecost.output.layout import Column, fit_table, left_out_line, wrap
from tunecost.output.numbers import human, money
from tunecost.output.tables import render_rows, to_json
from tunecost.vocabulary import PLAN_VOLUME

TORNADO_COLUMNS = ["field", "low", "high", "result_at_low", "result_at_high", "swing", "unit"]
SWITCH_COLUMNS = ["value", "unit", "cheaper_below", "cheaper_above"]
TORNADO_FIT = [
    Column("field", "field", squeeze=24),
    Column("low", "low", right=True),
    Column("high", "high", right=True),
    Column("result_at_low", "result_at_low", short="at low", right=True),
    Column("result_at_high", "result_at_high", short="at high", right=True),
    Column("swing", "swing", drop=2, right=True),
    Column("unit", "unit", drop=1),
]
"""The tornado table for people; narrowed by abbreviating the result headers, then
leaving out the unit, then the swing (rows stay ordered by it), then shortening input
names in the middle."""


def tornado_text(result, scenario, fmt: str, width: int | None = None) -> str:
    """The tornado as a table headed by what it measures (fitted to ``width``
    characters; every column when None), as CSV or as JSON."""
    if fmt == "json":
        return to_json(
            {
                "metric": result.metric,
                "path": result.path,
                "baseline": result.baseline,
                "base_value": result.base_value,
                "inputs": result.rows,
            }
        )
    if fmt == "csv":
        return render_rows(result.rows, TORNADO_COLUMNS, "csv")
    usd = result.metric == "total-difference"
    what = (
        "total cost of {p} minus {b} (USD)" if usd else "break-even month of {p} against {b}"
    ).format(p=result.path, b=result.baseline)
    base = result.base_value
    base = "never" if base is None else money(base) if usd else f"{base:,.0f}"
    text = wrap(f"{scenario.name}: {what}; {base} at central values", width, "  ") + "\n"
    if result.metric == "breakeven-month" and all(r["swing"] == 0 for r in result.rows):
        how = "never breaks even" if result.base_value is None else "breaks even in the same month"
        text += wrap(
            f"no swing moves it: {result.path} {how} within {scenario.months} months "
            "whatever the inputs; try --metric total-difference",
            width,
            "  ",
        )
        text += "\n"
    shown = money if usd else human
    rows = [
        {
            **r,
            **{k: shown(r[k]) for k in ("result_at_low", "result_at_high", "swing")},
        }
        for r in result.rows
    ]
    fitted = fit_table(rows, TORNADO_FIT, width)
    note = left_out_line(fitted.left_out, width)
    return text + fitted.text + (note + "\n" if note else "")


def threshold_text(result, fmt: str, width: int | None = None) -> str:
    """Where the cheapest path changes: a sentence (and a table of every switch when
    there are several), CSV of the switches, or JSON. For ``workload.requests`` the
    value is named as the plan volume where the cheapest path changes."""
    info = result.info
    unit = f" {info.display_unit}" if info.display_unit else ""
    rows = [
        {
            "value": info.display(v),
            "unit": info.display_unit,
            "cheaper_below": a,
            "cheaper_above": b,
        }
        for v, a, b in result.switches
    ]
    if fmt == "json":
        return to_json(
            {
                "field": result.field,
                "unit": info.display_unit,
                "value": None if result.value is None else info.display(result.value),
                "below": result.below,
                "above": result.above,
                "searched": [info.display(x) for x in result.searched],
                "switches": rows,
                "value_meaning": _meaning(result.field),
            }
        )
    if fmt == "csv":
        return render_rows(rows, SWITCH_COLUMNS, "csv")
    if result.value is None:
        a, b = (human(info.display(x)) for x in result.searched)
        text = f"{result.field}: {result.below} stays cheapest from {a} to {b}{unit}; " + (
            "widen --low/--high to search further"
            if result.moves_costs
            else "no path's cost changes with it over that range (it is not billed on "
            "this input, e.g. hosting billed by the hour); vary another input"
        )
        return wrap(text, width, "  ") + "\n"
    value = f"{human(info.display(result.value))}{unit}"
    sides = f"{result.below} below, {result.above} above"
    text = (
        f"{result.field}: {PLAN_VOLUME}: {value} ({sides})"
        if result.field == "workload.requests"
        else f"{result.field}: the cheapest path changes at {value}: {sides}"
    )
    text = wrap(text, width, "  ") + "\n"
    if result.field == "workload.requests":
        text += wrap(PLAN_VOLUME_NOTE, width, "  ") + "\n"
    if len(rows) > 1:
        text += render_rows(rows, SWITCH_COLUMNS, "table")
    return text


PLAN_VOLUME_NOTE = (
    "(month-1 volume; total cost over the whole plan, build costs in. The break-even "
    "volume of compare is the steady-state volume where monthly costs cross.)"
)


def _meaning(field: str) -> str:
    if field == "workload.requests":
        return f"{PLAN_VOLUME} (month-1 requests; total cost over the plan, build costs in)"
    return "value of the input at which the path with the lowest total cost over the plan changes"
