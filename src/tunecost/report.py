"""One self-contained report a team can act on: HTML (or Markdown) with embedded charts.

The report states the scenario in words, the recommendation and how sure it is (from a
Monte Carlo run over the scenario's ranges), the comparison table, the charts
(cumulative cost with P10-P90 bands, monthly cost by category, the tornado of inputs),
break-even, the assumptions and the price-book rows used with their dates and sources.
Charts are PNG images embedded as data URIs, so the file needs no network.
"""

from __future__ import annotations

import base64
import html

from tunecost.render import human


def _png(fig) -> str:
    from tunecost.charts import figure_bytes

    return "data:image/png;base64," + base64.b64encode(figure_bytes(fig, "png", dpi=110)).decode(
        "ascii"
    )


def _money(v) -> str:
    return "-" if v is None else human(float(v), "USD")


def sections(result, tornado) -> dict:
    """The report's content as plain data (shared by the HTML and Markdown writers)."""
    from tunecost.compare_cli import per_path_rows
    from tunecost.paths import CATEGORIES

    s = result.scenario
    w = s.workload
    rate, period = w.growth
    summary = result.summary()
    best = min(summary, key=lambda r: r["total_usd"])
    mc = result.monte_carlo
    if mc is not None and result.ranges:
        p = {r["path"]: r["p_cheapest"] for r in mc.summary()}[best["path"]]
        certainty = (
            f"{best['path']} is the cheapest path in {p:.0%} of {mc.draws:,} draws "
            f"over the ranges in {', '.join(result.ranges)}."
        )
        if p < 0.8:
            runner = max(
                (r for r in mc.summary() if r["path"] != best["path"]),
                key=lambda r: r["p_cheapest"],
            )
            certainty += (
                f" That is close to a tie: {runner['path']} is cheapest in "
                f"{runner['p_cheapest']:.0%}; narrow the widest ranges in the "
                "sensitivity table before deciding."
            )
    else:
        certainty = (
            "The scenario gives no ranges, so this is a single estimate; give "
            "ranges (low/high) for the inputs you are unsure of to see how sure it is."
        )
    flip = _flip_point(result)
    desc = s.description.strip()
    if desc and not desc.endswith((".", "!", "?")):
        desc += "."
    ranged = " (central values of the ranges given)" if result.ranges else ""
    words = (
        f"{desc + ' ' if desc else ''}"
        f"The plan runs {s.months} months from {s.start:%Y-%m} with "
        f"{human(float(w.requests))} requests in the first month, growing "
        f"{rate * 100:g}% every {period:g} month(s), {float(w.input_tokens):,.0f} input and "
        f"{float(w.output_tokens):,.0f} output tokens per request{ranged}. It compares "
        + "; ".join(f"{p.name} ({p.kind})" for p in s.paths)
        + "."
    )
    cats = [c for c in CATEGORIES if any(f"{c}_usd" in r for r in summary)]
    totals = [
        [r["path"], *(_money(r.get(f"{c}_usd", 0.0)) for c in cats), _money(r["total_usd"])]
        for r in summary
    ]
    per_rows = per_path_rows(result)
    per_path = [list(r.values()) for r in per_rows]
    uncertainty = []
    if mc is not None:
        for r in mc.summary():
            if r["path"] == result.baseline:
                spread = "baseline"
            else:
                marks = [
                    "-" if r[f"breakeven_month_p{q}"] is None else str(r[f"breakeven_month_p{q}"])
                    for q in (10, 50, 90)
                ]
                spread = f"{' / '.join(marks)} ({r['breakeven_none_share']:.0%} never)"
            uncertainty.append(
                [
                    r["path"],
                    _money(r["total_p10_usd"]),
                    _money(r["total_p50_usd"]),
                    _money(r["total_p90_usd"]),
                    f"{r['p_cheapest']:.0%}",
                    spread,
                ]
            )
    swings = [
        [
            r["field"],
            human(r["low"]),
            human(r["high"]),
            human(r["result_at_low"]),
            human(r["result_at_high"]),
            human(r["swing"]),
        ]
        for r in tornado.rows[:12]
    ]
    prices = [
        [p["provider"], p["item"], p["kind"], p["effective_from"], p["retrieved"], p["source_url"]]
        for p in result.prices_used
    ]
    return {
        "title": f"{s.name}: what each way of building it costs",
        "words": words,
        "recommendation": (
            f"Cheapest over {s.months} months: {best['path']} "
            f"({_money(best['total_usd'])} USD in total)."
        ),
        "certainty": certainty,
        "totals": (["path", *cats, "total"], totals),
        "per_path": (list(per_rows[0]), per_path),
        "uncertainty": (
            [
                "path",
                "total P10",
                "total P50",
                "total P90",
                "cheapest",
                "break-even month P10 / P50 / P90",
            ],
            uncertainty,
        ),
        "flip": flip,
        "tornado": (["input", "low", "high", "result at low", "result at high", "swing"], swings),
        "tornado_what": (
            f"Total cost of {tornado.path} minus {tornado.baseline} (USD), "
            f"{human(tornado.base_value)} at central values"
            if tornado.metric == "total-difference"
            else f"Break-even month of {tornado.path}"
        ),
        "assumptions": result.assumptions
        + result.notes
        + [
            "Method, formulas and the sources of every default: docs/method.md in the "
            "tunecost repository."
        ],
        "warnings": result.warnings,
        "prices": (["provider", "item", "kind", "effective from", "retrieved", "source"], prices),
    }


def _flip_point(result) -> str:
    """Where the cheapest path changes with monthly volume, in words (or "")."""
    from tunecost.compare_cli import compact
    from tunecost.sensitivity import threshold

    try:
        found = threshold(result.scenario, "workload.requests")
    except Exception:
        return ""
    if found.value is None:
        return (
            f"Between {compact(found.searched[0])} and {compact(found.searched[1])} "
            f"requests a month, {found.below} stays the cheapest."
        )
    return (
        f"The recommendation changes at about {compact(found.value)} requests a month "
        f"(total cost over the plan): {found.below} below, {found.above} above. The "
        "break-even volume in the table compares steady-state monthly costs, build costs "
        "left out, so it sits lower."
    )


def _html_table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md_table(header, rows) -> str:
    def esc(c):
        return str(c).replace("|", "\\|")

    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(esc, row)) + " |" for row in rows]
    return "\n".join(lines)


CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid
#ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}
img{max-width:100%}.rec{font-size:1.2em;font-weight:600}.note{color:#555}"""


def render(result, tornado, fmt: str = "html") -> str:
    """The report as HTML or Markdown text, charts embedded."""
    from tunecost.charts import comparison_figure, tornado_figure

    c = sections(result, tornado)
    bands = None if result.monte_carlo is None else result.monte_carlo.cumulative_bands
    cost_png = _png(
        comparison_figure(
            result.ledger, title=result.scenario.name, baseline=result.baseline, bands=bands
        )
    )
    tornado_png = _png(tornado_figure(tornado, title=result.scenario.name))
    if fmt == "md":
        parts = [
            f"# {c['title']}",
            c["words"],
            f"**{c['recommendation']}** {c['certainty']} {c['flip']}".rstrip(),
            "## Cost by path",
            _md_table(*c["totals"]),
            _md_table(*c["per_path"]),
            f"![Cumulative and monthly cost]({cost_png})",
        ]
        if c["uncertainty"][1]:
            parts += ["## How sure", _md_table(*c["uncertainty"])]
        parts += [
            "## Which inputs matter",
            c["tornado_what"],
            _md_table(*c["tornado"]),
            f"![Tornado]({tornado_png})",
            "## Assumptions",
            "\n".join(f"- {a}" for a in c["assumptions"] + c["warnings"]),
            "## Prices used",
            _md_table(*c["prices"]),
        ]
        return "\n\n".join(parts) + "\n"
    parts = [
        f"<h1>{html.escape(c['title'])}</h1>",
        f"<p>{html.escape(c['words'])}</p>",
        f"<p class='rec'>{html.escape(c['recommendation'])}</p>",
        f"<p>{html.escape(c['certainty'])}</p>",
        f"<p>{html.escape(c['flip'])}</p>",
        "<h2>Cost by path</h2>",
        _html_table(*c["totals"]),
        _html_table(*c["per_path"]),
        f"<img alt='Cumulative and monthly cost by path' src='{cost_png}'>",
    ]
    if c["uncertainty"][1]:
        parts += ["<h2>How sure</h2>", _html_table(*c["uncertainty"])]
    parts += [
        "<h2>Which inputs matter</h2>",
        f"<p>{html.escape(c['tornado_what'])}</p>",
        _html_table(*c["tornado"]),
        f"<img alt='Tornado of inputs' src='{tornado_png}'>",
        "<h2>Assumptions</h2><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in c["assumptions"] + c["warnings"])
        + "</ul>",
        "<h2>Prices used</h2>",
        _html_table(*c["prices"]),
    ]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(c['title'])}</title><style>{CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
