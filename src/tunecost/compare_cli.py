"""``tunecost compare`` and ``tunecost chart``: the main job and its report figure."""

from __future__ import annotations

from pathlib import Path

import click

from tunecost.errors import InputError
from tunecost.options import format_option, output_option

CONTEXT = {"help_option_names": ["-h", "--help"]}
EXAMPLE = "support-assistant.yaml"


def bundled_example() -> Path:
    """The example scenario shipped in the wheel (or the checkout's examples/)."""
    here = Path(__file__).resolve().parent
    for folder in (here / "examples", here.parent.parent / "examples"):
        if (folder / EXAMPLE).is_file():
            return folder / EXAMPLE
    raise InputError("the bundled example is missing; give a scenario file", "SCENARIO")


def _money(value) -> str:
    from tunecost.render import human

    return "-" if value is None else human(float(value), "USD")


def command_scenario(scenario, overrides=(), months=None):
    """The scenario a command works on: the file given (or the bundled example), with
    ``--set`` overrides and a ``--months`` horizon applied."""
    from tunecost.scenario import load_scenario

    sc = load_scenario(Path(scenario) if scenario else bundled_example(), overrides)
    return sc.model_copy(update={"months": months}) if months else sc


def compact(value: float) -> str:
    """3 significant digits with a k/M/B suffix: 3.82M, 950k, 12.5B."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


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
                "month 1": _money(r["first_month_usd"]),
                f"month {s.months}": _money(r["last_month_usd"]),
                "all-in per 1k requests": _money(r["usd_per_1k_requests"]),
                "break-even": be,
                "break-even volume": vol,
            }
        )
    return out


def render_table(result) -> str:
    """The comparison for people: totals by category, then per-path figures."""
    from tunecost.paths import CATEGORIES
    from tunecost.render import human, render_rows

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
            **{c: _money(r.get(f"{c}_usd", 0.0)) for c in cats},
            "total": _money(r["total_usd"]),
        }
        for r in summary
    ]
    lines.append(render_rows(rows, ["path", *cats, "total"], "table"))
    lines.append("Per path")
    per = per_path_rows(result)
    lines.append(render_rows(per, list(per[0]), "table"))
    best = min(summary, key=lambda r: r["total_usd"])
    lines.append(
        f"Cheapest over {s.months} months: {best['path']} ({_money(best['total_usd'])} USD)."
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
    from tunecost.render import render_rows

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
                    _money(r[f"total_p{q}_usd"]) for q in (10, 50, 90)
                ),
                "last month P50": _money(r["last_month_p50_usd"]),
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
    from tunecost.export import to_json

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


@click.command(context_settings=CONTEXT)
@click.argument("scenario", required=False, type=click.Path(dir_okay=True))
@click.option("--months", type=click.IntRange(1, 240), help="Horizon (overrides the file).")
@click.option("--baseline", help="Path the others are compared with (default: the first).")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help='Override a field, e.g. --set workload.requests="2M requests/month" or '
    "--set paths.finetune-api.data.examples=8000. Repeatable.",
)
@format_option("table for people; csv (the ledger) or json for machines.")
@output_option("Write what would be printed to this file.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    help="Also write the ledger (unrounded) to this CSV file.",
)
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False),
    help="Also draw the report figure to this .png, .svg or .pdf file.",
)
@click.option(
    "--draws",
    type=click.IntRange(1, 100_000),
    help="Monte Carlo draws over the scenario's ranges (e.g. 10000): percentiles of cost, "
    "chance each path is cheapest, spread of the break-even month.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed for --draws; the same seed gives the same answer.",
)
def compare(scenario, months, baseline, overrides, fmt, output, csv_path, chart_path, draws, seed):
    """Price every way of building the feature month by month and find break-evens.

    Without SCENARIO, runs the bundled example (a support assistant).

    \b
    Examples:
      tunecost compare
      tunecost compare examples/high-volume-classifier.yaml --months 60 --chart cost.png
      tunecost compare my.yaml --set workload.requests="2M requests/month" --csv ledger.csv
    """
    from tunecost.cli import emit
    from tunecost.comparison import compare as run
    from tunecost.export import ledger_csv
    from tunecost.render import check_chart_path, check_output_path, write_atomic

    # Check every output location before any work, so a bad one writes nothing.
    for path, field in ((output, "--output"), (csv_path, "--csv")):
        if path:
            check_output_path(path, field)
    if chart_path:
        check_chart_path(chart_path)
    sc = command_scenario(scenario, overrides, months)
    result = run(sc, baseline=baseline)
    if draws:
        from tunecost.uncertainty import monte_carlo, ranges

        result.monte_carlo = monte_carlo(sc, draws=draws, seed=seed, baseline=result.baseline)
        result.ranges = list(ranges(sc))
        if not result.ranges:
            result.notes.append("the scenario has no ranges: every draw is the same")
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    if fmt == "json":
        text = result_json(result)
    elif fmt == "csv":
        text = ledger_csv(result.ledger)
    else:
        text = render_table(result)
    chart = None
    if chart_path:  # rendered before anything is written, so a failure writes nothing
        from tunecost.charts import figure_bytes

        chart = figure_bytes(result.plot(), Path(chart_path).suffix)
    if csv_path:
        write_atomic(csv_path, ledger_csv(result.ledger), "--csv")
        click.echo(f"wrote {csv_path}", err=True)
    if chart is not None:
        write_atomic(chart_path, chart, "--chart")
        click.echo(f"wrote {chart_path}", err=True)
    emit(text, output)


@click.command(context_settings=CONTEXT)
@click.argument("ledger", type=click.Path())
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Figure file: .png, .svg or .pdf.",
)
@click.option("--baseline", help="Path to measure break-even against (default: the first).")
@click.option("--title", help="Figure title (default: the file name).")
def chart(ledger, out, baseline, title):
    """Redraw the report figure from a ledger exported with `compare --csv`.

    \b
    Example:
      tunecost compare --csv ledger.csv && tunecost chart ledger.csv --out cost.svg
    """
    from tunecost.charts import comparison_figure, save_figure
    from tunecost.export import read_ledger
    from tunecost.render import check_chart_path

    check_chart_path(out, "--out")
    df = read_ledger(ledger)
    paths = list(dict.fromkeys(df["path"]))
    if baseline and baseline not in paths:
        raise InputError(
            f"no path {baseline!r} in the ledger; paths: {', '.join(paths)}", "--baseline"
        )
    fig = comparison_figure(df, title=title or Path(ledger).stem, baseline=baseline)
    save_figure(fig, out, "--out")
    click.echo(f"wrote {out}", err=True)
