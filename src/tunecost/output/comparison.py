"""A comparison for people and programs: the tables ``compare`` prints and its JSON.

Views of a :class:`tunecost.analysis.compare.Result`; nothing here computes a cost.
"""

from __future__ import annotations

from tunecost.output.numbers import compact, human, money
from tunecost.output.tables import render_rows, to_json
from tunecost.vocabulary import CATEGORIES


def _volume(row: dict) -> str:
    v = row["breakeven_volume_requests_per_month"]
    if v is None:
        return "never, 10 to 100B requests/month"
    return f"cheaper {row['cheaper_at']} {compact(float(v))} requests/month"


def per_path_rows(result) -> list[dict]:
    """Per path, for people: first and last month, all-in cost per 1,000 requests,
    break-even month and volume against the baseline."""
    s = result.scenario
    out = []
    for r in result.summary():
        if r["path"] == result.baseline:
            be, vol = "baseline", "-"
        else:
            be = (
                f"month {r['breakeven_month']} ({r['breakeven_date'][:7]})"
                if r["breakeven_month"]
                else f"not within {s.months} months"
            )
            vol = _volume(r)
        out.append(
            {
                "path": r["path"],
                "kind": r["kind"],
                "month 1": money(r["first_month_usd"]),
                f"month {s.months}": money(r["last_month_usd"]),
                "all-in per 1k requests": money(r["usd_per_1k_requests"]),
                "break-even": be,
                "break-even volume": vol,
            }
        )
    return out


def render_table(result) -> str:
    """The comparison for people: totals by category, then per-path figures."""
    s = result.scenario
    w = s.workload
    rate, period = w.growth
    summary = result.summary()
    lines = [
        f"{s.name}: {s.months} months from {s.start:%Y-%m}, {human(w.requests)} requests in "
        f"month 1 growing {rate * 100:g}% every {period:g} month(s); baseline "
        f"{result.baseline}",
        "",
        "Total cost over the plan (USD)",
    ]
    cats = [
        c for c in CATEGORIES if f"{c}_usd" in summary[0] or any(f"{c}_usd" in r for r in summary)
    ]
    rows = [
        {
            "path": r["path"],
            **{c: money(r.get(f"{c}_usd", 0.0)) for c in cats},
            "total": money(r["total_usd"]),
        }
        for r in summary
    ]
    lines.append(render_rows(rows, ["path", *cats, "total"], "table"))
    lines.append("Per path")
    per = per_path_rows(result)
    lines.append(render_rows(per, list(per[0]), "table"))
    best = min(summary, key=lambda r: r["total_usd"])
    lines.append(
        f"Cheapest over {s.months} months: {best['path']} ({money(best['total_usd'])} USD)."
    )
    if result.monte_carlo is not None:
        lines += _uncertainty_lines(result)
    lines.append("")
    lines.append("Prices used (price book)")
    lines.append(
        render_rows(
            result.prices_used, ["provider", "item", "kind", "effective_from", "retrieved"], "table"
        )
    )
    for a in result.assumptions:
        lines.append(f"assumption: {a}")
    for n in result.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines).rstrip() + "\n"


def _uncertainty_lines(result) -> list[str]:
    mc = result.monte_carlo
    listed = ", ".join(result.ranges) if result.ranges else "none"
    rows = []
    for r in mc.summary():
        be = "baseline"
        if r["path"] != result.baseline:
            marks = [r[f"breakeven_month_p{q}"] for q in (10, 50, 90)]
            be = " / ".join("-" if m is None else str(m) for m in marks)
            be += f" ({r['breakeven_none_share']:.0%} never)"
        rows.append(
            {
                "path": r["path"],
                "total P10 / P50 / P90": " / ".join(
                    money(r[f"total_p{q}_usd"]) for q in (10, 50, 90)
                ),
                "last month P50": money(r["last_month_p50_usd"]),
                "cheapest": f"{r['p_cheapest']:.0%}",
                "break-even month P10 / P50 / P90": be,
            }
        )
    return [
        "",
        f"Uncertainty: {mc.draws:,} draws (seed {mc.seed}) over ranges in: {listed}",
        render_rows(rows, list(rows[0]), "table").rstrip(),
    ]


def result_json(result) -> str:
    s = result.scenario
    return to_json(
        {
            "scenario": s.name,
            "start": s.start,
            "months": s.months,
            "baseline": result.baseline,
            "paths": result.summary(),
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
