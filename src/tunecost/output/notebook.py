"""A comparison in a Jupyter notebook: the tables as HTML and the report figure.

``Result._repr_html_`` hands the result and its figure here; the tables are the ones
``compare`` prints (every column: a notebook cell scrolls), as HTML.
"""

from __future__ import annotations

import html

from tunecost.output.comparison import per_path_rows, plan_volume_words
from tunecost.output.numbers import money
from tunecost.output.report import html_table, png_uri
from tunecost.vocabulary import BREAKEVEN_MONTH, BREAKEVEN_VOLUME, CATEGORIES, PLAN_VOLUME

STYLE = (
    "<style>.tunecost table{border-collapse:collapse;margin:.5em 0}.tunecost th,"
    ".tunecost td{border:1px solid #ccc;padding:.2em .5em;text-align:right}"
    ".tunecost td:first-child,.tunecost th:first-child{text-align:left}"
    ".tunecost td.nw{white-space:nowrap}.tunecost img{max-width:100%}</style>"
)


def _totals(result) -> str:
    summary = result.summary()
    cats = [c for c in CATEGORIES if any(f"{c}_usd" in r for r in summary)]
    rows = [
        [r["path"], *(money(r.get(f"{c}_usd", 0.0)) for c in cats), money(r["total_usd"])]
        for r in summary
    ]
    return html_table(["path", *cats, "total"], rows)


def _per_path(result) -> str:
    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in per_path_rows(result)]
    return html_table(list(rows[0]), [list(r.values()) for r in rows])


def _uncertainty(result) -> str:
    mc = result.monte_carlo
    if mc is None:
        return ""
    rows = [
        [
            r["path"],
            *(money(r[f"total_p{q}_usd"]) for q in (10, 50, 90)),
            f"{r['p_cheapest']:.0%}",
        ]
        for r in mc.summary()
    ]
    header = ["path", "total P10", "total P50", "total P90", "cheapest"]
    return f"<h4>How sure: {mc.draws:,} draws (seed {mc.seed})</h4>" + html_table(header, rows)


def result_html(result, figure=None) -> str:
    """The comparison as HTML: totals by category, per-path figures with the two
    break-even volumes named, the Monte Carlo summary when there is one, and
    ``figure`` (the report figure) as an embedded PNG."""
    s = result.scenario
    found = getattr(result, "plan_volume", None)
    words = (
        f"Break-even: {BREAKEVEN_MONTH}. Break-even volume: {BREAKEVEN_VOLUME} "
        "(from month 2, build costs left out)."
    )
    if found is not None:
        words += f" {PLAN_VOLUME.capitalize()}: {plan_volume_words(found)}"
    parts = [
        f"<h3>{html.escape(s.name)}: {s.months} months from {s.start:%Y-%m}, "
        f"baseline {html.escape(result.baseline)}</h3>",
        "<h4>Total cost over the plan (USD)</h4>",
        _totals(result),
        "<h4>Per path</h4>",
        _per_path(result),
        f"<p>{html.escape(words)}</p>",
        _uncertainty(result),
    ]
    if figure is not None:
        parts.append(f"<img alt='Cumulative and monthly cost by path' src='{png_uri(figure)}'>")
    return f"<div class='tunecost'>{STYLE}" + "".join(parts) + "</div>"
