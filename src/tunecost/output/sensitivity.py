"""Sensitivity and threshold results for people (tables, sentences) and programs.

Views of :class:`tunecost.analysis.sensitivity.Tornado` and
:class:`tunecost.analysis.threshold.Threshold`; nothing here evaluates a scenario.
"""

from __future__ import annotations

from tunecost.output.numbers import human
from tunecost.output.tables import render_rows, to_json

TORNADO_COLUMNS = ["field", "low", "high", "result_at_low", "result_at_high", "swing", "unit"]
SWITCH_COLUMNS = ["value", "unit", "cheaper_below", "cheaper_above"]


def tornado_text(result, scenario, fmt: str) -> str:
    """The tornado as a table headed by what it measures, as CSV or as JSON."""
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
    what = (
        "total cost of {p} minus {b} (USD)"
        if result.metric == "total-difference"
        else "break-even month of {p} against {b}"
    ).format(p=result.path, b=result.baseline)
    base = "never" if result.base_value is None else f"{result.base_value:,.0f}"
    text = f"{scenario.name}: {what}; {base} at central values\n"
    if result.metric == "breakeven-month" and all(r["swing"] == 0 for r in result.rows):
        how = "never breaks even" if result.base_value is None else "breaks even in the same month"
        text += (
            f"no swing moves it: {result.path} {how} within {scenario.months} months "
            "whatever the inputs; try --metric total-difference\n"
        )
    return text + render_rows(result.rows, TORNADO_COLUMNS, "table")


def threshold_text(result, fmt: str) -> str:
    """Where the cheapest path changes: a sentence (and a table of every switch when
    there are several), CSV of the switches, or JSON."""
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
            }
        )
    if fmt == "csv":
        return render_rows(rows, SWITCH_COLUMNS, "csv")
    if result.value is None:
        a, b = (info.display(x) for x in result.searched)
        return (
            f"{result.field}: {result.below} stays cheapest from {human(a)} to {human(b)}{unit}; "
            "widen --low/--high to search further\n"
        )
    text = (
        f"{result.field}: the cheapest path changes at {human(info.display(result.value))}{unit}: "
        f"{result.below} below, {result.above} above\n"
    )
    if len(rows) > 1:
        text += render_rows(rows, SWITCH_COLUMNS, "table")
    return text
