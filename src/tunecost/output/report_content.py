"""What the report says, as plain data shared by its HTML and Markdown writers.

Built from a comparison (:class:`tunecost.analysis.compare.Result`), its tornado and the
volume at which the recommendation flips; nothing here computes a cost.
"""

from __future__ import annotations

from tunecost.output.comparison import per_path_rows
from tunecost.output.numbers import compact, human, money
from tunecost.vocabulary import CATEGORIES

UNCERTAINTY_HEADER = [
    "path",
    "total P10",
    "total P50",
    "total P90",
    "cheapest",
    "break-even month P10 / P50 / P90",
]
TORNADO_HEADER = ["input", "low", "high", "result at low", "result at high", "swing"]
PRICES_HEADER = ["provider", "item", "kind", "effective from", "retrieved", "source"]
METHOD_NOTE = (
    "Method, formulas and the sources of every default: docs/method.md in the tunecost repository."
)


def sections(result, tornado, flip=None) -> dict:
    """The report's content: ``flip`` is the threshold of ``workload.requests`` (or
    None when it could not be found)."""
    s = result.scenario
    summary = result.summary()
    best = min(summary, key=lambda r: r["total_usd"])
    cats = [c for c in CATEGORIES if any(f"{c}_usd" in r for r in summary)]
    totals = [
        [r["path"], *(money(r.get(f"{c}_usd", 0.0)) for c in cats), money(r["total_usd"])]
        for r in summary
    ]
    per_rows = per_path_rows(result)
    return {
        "title": f"{s.name}: what each way of building it costs",
        "words": _words(result),
        "recommendation": (
            f"Cheapest over {s.months} months: {best['path']} "
            f"({money(best['total_usd'])} USD in total)."
        ),
        "certainty": _certainty(result, best["path"]),
        "totals": (["path", *cats, "total"], totals),
        "per_path": (list(per_rows[0]), [list(r.values()) for r in per_rows]),
        "uncertainty": (UNCERTAINTY_HEADER, _uncertainty_rows(result)),
        "flip": _flip_words(flip),
        "tornado": (TORNADO_HEADER, _swing_rows(tornado)),
        "tornado_what": (
            f"Total cost of {tornado.path} minus {tornado.baseline} (USD), "
            f"{human(tornado.base_value)} at central values"
            if tornado.metric == "total-difference"
            else f"Break-even month of {tornado.path}"
        ),
        "assumptions": result.assumptions + result.notes + [METHOD_NOTE],
        "warnings": result.warnings,
        "prices": (PRICES_HEADER, _price_rows(result)),
    }


def _words(result) -> str:
    """The scenario in one paragraph."""
    s = result.scenario
    w = s.workload
    rate, period = w.growth
    desc = s.description.strip()
    if desc and not desc.endswith((".", "!", "?")):
        desc += "."
    ranged = " (central values of the ranges given)" if result.ranges else ""
    return (
        f"{desc + ' ' if desc else ''}"
        f"The plan runs {s.months} months from {s.start:%Y-%m} with "
        f"{human(float(w.requests))} requests in the first month, growing "
        f"{rate * 100:g}% every {period:g} month(s), {float(w.input_tokens):,.0f} input and "
        f"{float(w.output_tokens):,.0f} output tokens per request{ranged}. It compares "
        + "; ".join(f"{p.name} ({p.kind})" for p in s.paths)
        + "."
    )


def _certainty(result, best: str) -> str:
    """How sure the recommendation is, from the Monte Carlo run when there is one."""
    mc = result.monte_carlo
    if mc is None or not result.ranges:
        return (
            "The scenario gives no ranges, so this is a single estimate; give "
            "ranges (low/high) for the inputs you are unsure of to see how sure it is."
        )
    p = {r["path"]: r["p_cheapest"] for r in mc.summary()}[best]
    text = (
        f"{best} is the cheapest path in {p:.0%} of {mc.draws:,} draws "
        f"over the ranges in {', '.join(result.ranges)}."
    )
    if p < 0.8:
        runner = max((r for r in mc.summary() if r["path"] != best), key=lambda r: r["p_cheapest"])
        text += (
            f" That is close to a tie: {runner['path']} is cheapest in "
            f"{runner['p_cheapest']:.0%}; narrow the widest ranges in the "
            "sensitivity table before deciding."
        )
    return text


def _uncertainty_rows(result) -> list[list]:
    mc = result.monte_carlo
    rows = []
    for r in [] if mc is None else mc.summary():
        if r["path"] == result.baseline:
            spread = "baseline"
        else:
            marks = [
                "-" if r[f"breakeven_month_p{q}"] is None else str(r[f"breakeven_month_p{q}"])
                for q in (10, 50, 90)
            ]
            spread = f"{' / '.join(marks)} ({r['breakeven_none_share']:.0%} never)"
        rows.append(
            [
                r["path"],
                money(r["total_p10_usd"]),
                money(r["total_p50_usd"]),
                money(r["total_p90_usd"]),
                f"{r['p_cheapest']:.0%}",
                spread,
            ]
        )
    return rows


def _swing_rows(tornado) -> list[list]:
    keys = ("low", "high", "result_at_low", "result_at_high", "swing")
    return [[r["field"], *(human(r[k]) for k in keys)] for r in tornado.rows[:12]]


def _price_rows(result) -> list[list]:
    keys = ("provider", "item", "kind", "effective_from", "retrieved", "source_url")
    return [[p[k] for k in keys] for p in result.prices_used]


def _flip_words(found) -> str:
    """Where the cheapest path changes with monthly volume, in words (or "")."""
    if found is None:
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
