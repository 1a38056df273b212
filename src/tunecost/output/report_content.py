"""What the report says, as plain data shared by its HTML and Markdown writers.

Built from a comparison (:class:`tunecost.analysis.compare.Result`), its tornado and the
volume at which the recommendation flips; nothing here computes a cost.
"""

from __future__ import annotations

from tunecost.output.comparison import per_path_rows
from tunecost.output.numbers import compact, human, money
from tunecost.vocabulary import BREAKEVEN_MONTH, BREAKEVEN_VOLUME, CATEGORIES, PLAN_VOLUME

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
    per_rows = [
        {k: v for k, v in r.items() if not k.startswith("_")} for r in per_path_rows(result)
    ]
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
        "definitions": DEFINITIONS,
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
    result = money if tornado.metric == "total-difference" else human
    return [
        [
            r["field"],
            human(r["low"]),
            human(r["high"]),
            *(result(r[k]) for k in ("result_at_low", "result_at_high", "swing")),
        ]
        for r in tornado.rows[:12]
    ]


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
        f"The {PLAN_VOLUME} is about {compact(found.value)} requests a month in month 1 "
        f"(total cost over the plan, build costs in): {found.below} below, {found.above} "
        f"above. The break-even volume in the table is another figure, the "
        f"{BREAKEVEN_VOLUME}."
    )


DEFINITIONS = (
    f"Break-even: the {BREAKEVEN_MONTH}. Break-even volume: the {BREAKEVEN_VOLUME} "
    "(from month 2, build costs left out). The plan volume where the cheapest path changes "
    "compares total cost over the whole plan, build costs in; the two differ when a path "
    "pays to build."
)
