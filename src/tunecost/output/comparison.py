"""A comparison for people and programs: the tables ``compare`` prints and its JSON.

Views of a :class:`tunecost.analysis.compare.Result`; nothing here computes a cost.
Tables fit ``width`` (:mod:`tunecost.output.layout`); when narrowed, in this order:
headers and cells abbreviated, then columns dropped (per path: kind, month 1, the
last month; uncertainty: last month P50; prices: effective from), then path names and
price-book items shortened in the middle.
"""

from __future__ import annotations

from tunecost.output.layout import (
    Column,
    fit_table,
    left_out_line,
    wrap,
    wrap_lines,
)
from tunecost.output.numbers import compact, human, money
from tunecost.output.tables import to_json
from tunecost.vocabulary import BREAKEVEN_MONTH, BREAKEVEN_VOLUME, CATEGORIES, PLAN_VOLUME

SHORT_CATEGORIES = {
    "training": "train.",
    "inference": "infer.",
    "hardware": "hardw.",
    "hosting": "host.",
    "engineering": "eng.",
    "evaluation": "eval.",
    "monitoring": "monit.",
}
PATH = Column("path", "path", squeeze=12)


def _volume(row: dict) -> tuple[str, str]:
    v = row["breakeven_volume_requests_per_month"]
    if v is None and row["cheaper_at"] == "every volume":
        return "cheaper at every volume from 10 to 100B requests/month", "every volume"
    if v is None:
        return "never within 10 to 100B requests/month", "never"
    return (
        f"cheaper {row['cheaper_at']} {compact(float(v))} requests/month",
        f"{row['cheaper_at']} {compact(float(v))}",
    )


def per_path_rows(result) -> list[dict]:
    """Per path, for people: first and last month, all-in cost per 1,000 requests,
    break-even month and volume against the baseline."""
    s = result.scenario
    out = []
    for r in result.summary():
        if r["path"] == result.baseline:
            be = be_brief = "baseline"
            vol = vol_brief = "-"
        elif r["breakeven_month"]:
            be = f"month {r['breakeven_month']} ({r['breakeven_date'][:7]})"
            be_brief = f"month {r['breakeven_month']}"
            vol, vol_brief = _volume(r)
        else:
            be, be_brief = f"not within {s.months} months", f"none by month {s.months}"
            vol, vol_brief = _volume(r)
        out.append(
            {
                "path": r["path"],
                "kind": r["kind"],
                "month 1": money(r["first_month_usd"]),
                f"month {s.months}": money(r["last_month_usd"]),
                "all-in per 1k requests": money(r["usd_per_1k_requests"]),
                "break-even": be,
                "break-even volume": vol,
                "_be": be_brief,
                "_vol": vol_brief,
            }
        )
    return out


def per_path_columns(months: int) -> list[Column]:
    """The per-path table's columns, with the order in which they are dropped."""
    return [
        PATH,
        Column("kind", "kind", drop=1),
        Column("month 1", "month 1", drop=2, right=True),
        Column(f"month {months}", f"month {months}", drop=3, right=True),
        Column("all-in per 1k requests", "all-in per 1k requests", short="per 1k req", right=True),
        Column("break-even", "break-even", brief="_be"),
        Column("break-even volume", "break-even volume", short="volume (req/month)", brief="_vol"),
    ]


def _fitted(rows, columns, width) -> list[str]:
    fitted = fit_table(rows, columns, width)
    lines = [fitted.text.rstrip("\n")]
    note = left_out_line(fitted.left_out, width)
    return [*lines, note] if note else lines


def totals_lines(result, width: int | None = None) -> list[str]:
    """Total cost over the plan by path and category."""
    summary = result.summary()
    cats = [c for c in CATEGORIES if any(f"{c}_usd" in r for r in summary)]
    rows = [
        {
            "path": r["path"],
            **{c: money(r.get(f"{c}_usd", 0.0)) for c in cats},
            "total": money(r["total_usd"]),
        }
        for r in summary
    ]
    columns = [PATH] + [
        Column(c, c, short=SHORT_CATEGORIES.get(c), right=True) for c in [*cats, "total"]
    ]
    return ["Total cost over the plan (USD)", *_fitted(rows, columns, width)]


def vocabulary_lines(result, width: int | None = None) -> list[str]:
    """The two break-even volumes, each named in plain words, with the plan volume
    itself when the result has it."""
    lines = [
        f"break-even: {BREAKEVEN_MONTH}. break-even volume: {BREAKEVEN_VOLUME} "
        "(from month 2, build costs left out).",
    ]
    found = getattr(result, "plan_volume", None)
    if found is not None and len(result.paths) > 1:
        lines.append(f"{PLAN_VOLUME} (whole plan, build costs in): {plan_volume_words(found)}")
    return [wrap(line, width, "  ") for line in lines]


def plan_volume_words(found) -> str:
    """The plan volume found by the threshold search, in words."""
    lo, hi = (compact(x) for x in found.searched)
    if found.value is None:
        return f"none from {lo} to {hi} requests/month in month 1; {found.below} stays cheapest."
    return (
        f"{compact(found.value)} requests/month in month 1 ({found.below} below, "
        f"{found.above} above)."
    )


def render_table(result, width: int | None = None) -> str:
    """The comparison for people: totals by category, then per-path figures, fitted to
    ``width`` characters (every column when None)."""
    s = result.scenario
    w = s.workload
    rate, period = w.growth
    summary = result.summary()
    lines = [
        wrap(
            f"{s.name}: {s.months} months from {s.start:%Y-%m}, {human(w.requests)} requests "
            f"in month 1 growing {rate * 100:g}% every {period:g} month(s); baseline "
            f"{result.baseline}",
            width,
            "  ",
        ),
        "",
        *totals_lines(result, width),
        "Per path",
        *_fitted(per_path_rows(result), per_path_columns(s.months), width),
        *vocabulary_lines(result, width),
    ]
    best = min(summary, key=lambda r: r["total_usd"])
    lines.append(
        f"Cheapest over {s.months} months: {best['path']} ({money(best['total_usd'])} USD)."
    )
    if result.monte_carlo is not None:
        lines += uncertainty_lines(result, width)
    used = [  # a price the scenario gives is marked as such, not dated like a book row
        {**p, "effective_from": "-", "retrieved": "scenario"}
        if p.get("source_url") == "scenario"
        else p
        for p in result.prices_used
    ]
    lines += ["", "Prices used (price book; scenario: given in the scenario)"]
    lines += _fitted(used, PRICE_COLUMNS, width)
    lines += wrap_lines(
        [f"assumption: {a}" for a in result.assumptions] + [f"note: {n}" for n in result.notes],
        width,
    )
    return "\n".join(lines).rstrip() + "\n"


PRICE_COLUMNS = [
    Column("provider", "provider", squeeze=8),
    Column("item", "item", squeeze=16),
    Column("kind", "kind", squeeze=10),
    Column("effective_from", "effective from", short="from", drop=1),
    Column("retrieved", "retrieved"),
]


def _uncertainty_rows(result) -> list[dict]:
    rows = []
    for r in result.monte_carlo.summary():
        be = brief = "baseline"
        if r["path"] != result.baseline:
            marks = [
                "-" if m is None else str(m)
                for m in (r[f"breakeven_month_p{q}"] for q in (10, 50, 90))
            ]
            never = f"({r['breakeven_none_share']:.0%} never)"
            be, brief = f"{' / '.join(marks)} {never}", f"{'/'.join(marks)} {never}"
        totals = [money(r[f"total_p{q}_usd"]) for q in (10, 50, 90)]
        rows.append(
            {
                "path": r["path"],
                "total": " / ".join(totals),
                "_total": "/".join(totals),
                "last": money(r["last_month_p50_usd"]),
                "cheapest": f"{r['p_cheapest']:.0%}",
                "be": be,
                "_be": brief,
            }
        )
    return rows


UNCERTAINTY_COLUMNS = [
    PATH,
    Column("total", "total P10 / P50 / P90", short="total P10/P50/P90", brief="_total"),
    Column("last", "last month P50", short="last mo. P50", drop=1, right=True),
    Column("cheapest", "cheapest", right=True),
    Column("be", "break-even month P10 / P50 / P90", short="break-even P10/P50/P90", brief="_be"),
]


def uncertainty_lines(result, width: int | None = None) -> list[str]:
    """The Monte Carlo summary: the draws, the ranges drawn, and a table per path."""
    mc = result.monte_carlo
    listed = ", ".join(result.ranges) if result.ranges else "none"
    return [
        "",
        wrap(
            f"Uncertainty: {mc.draws:,} draws (seed {mc.seed}) over ranges in: {listed}",
            width,
            "  ",
        ),
        *_fitted(_uncertainty_rows(result), UNCERTAINTY_COLUMNS, width),
    ]


def result_json(result) -> str:
    s = result.scenario
    found = getattr(result, "plan_volume", None)
    return to_json(
        {
            "scenario": s.name,
            "start": s.start,
            "months": s.months,
            "baseline": result.baseline,
            "paths": result.summary(),
            "breakeven_month_meaning": BREAKEVEN_MONTH,
            "breakeven_volume_meaning": f"{BREAKEVEN_VOLUME} (from month 2, build costs left "
            "out); cheaper_at: above or below that volume, 'every volume' or 'never' from 10 "
            "to 100B requests/month",
            "plan_volume": None if found is None else plan_volume_json(found),
            "prices_used": result.prices_used,
            "assumptions": result.assumptions,
            "warnings": result.warnings,
            "notes": result.notes,
            "monte_carlo": None
            if result.monte_carlo is None
            else {
                "draws": result.monte_carlo.draws,
                "seed": result.monte_carlo.seed,
                "ranges": result.ranges,
                "paths": result.monte_carlo.summary(),
            },
        }
    )


def plan_volume_json(found) -> dict:
    """The plan volume for machines: month-1 requests per month (None when the
    cheapest path does not change in the range searched) and the paths either side."""
    return {
        "requests_per_month": found.value,
        "cheaper_below": found.below,
        "cheaper_above": found.above,
        "searched_requests_per_month": list(found.searched),
        "meaning": f"{PLAN_VOLUME} (month-1 requests; total cost over the plan, build costs in)",
    }
