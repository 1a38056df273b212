"""``tunecost sensitivity`` and ``tunecost threshold``: which guesses matter."""

from __future__ import annotations

import click

from tunecost.compare_cli import command_scenario
from tunecost.errors import InputError
from tunecost.options import format_option, output_option

CONTEXT = {"help_option_names": ["-h", "--help"]}

REPORT_DRAWS = 2000
"""Draws for the report's certainty figures when the scenario has ranges."""


def _common(fn):
    for decorator in reversed(
        [
            click.argument("scenario", required=False, type=click.Path()),
            click.option("--months", type=click.IntRange(1, 240), help="Horizon override."),
            click.option(
                "--set",
                "overrides",
                multiple=True,
                metavar="KEY=VALUE",
                help="Override a scenario field (repeatable).",
            ),
            format_option(),
            output_option(),
        ]
    ):
        fn = decorator(fn)
    return fn


def _value(text: str, field, name: str) -> float:
    """A --low/--high value in the field's canonical unit; a rate is converted to the
    period the field states it over (``24 %/year`` for a monthly rate is 1.8 %/month)."""
    from tunecost.scenario import _rate
    from tunecost.units import parse_quantity

    if field.is_rate:
        try:
            rate, period = _rate(text)
        except ValueError as exc:
            raise InputError(str(exc), name) from None
        return (1 + rate) ** (field.period / period) - 1
    return parse_quantity(text, field.unit, field=name, bare=True, allow_negative=True)


@click.command(context_settings=CONTEXT)
@_common
@click.option(
    "--metric",
    type=click.Choice(["total-difference", "breakeven-month"]),
    default="total-difference",
    show_default=True,
    help="The result to explain: total cost of --path minus the baseline's, or the "
    "month --path breaks even.",
)
@click.option(
    "--path", "path_name", help="Path to compare (default: the first after the baseline)."
)
@click.option("--baseline", help="Baseline path (default: the scenario's, else the first).")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False),
    help="Draw the tornado to this .png, .svg or .pdf file.",
)
def sensitivity(scenario, months, overrides, fmt, output, metric, path_name, baseline, chart_path):
    """Rank the inputs by how much they move one result (a tornado).

    Every numeric input is swung across its range, or by +-25% where it is one value,
    with every other input at its central value.

    \b
    Examples:
      tunecost sensitivity
      tunecost sensitivity examples/high-volume-classifier.yaml --path finetune-api \\
          --metric breakeven-month --chart tornado.png
    """
    from tunecost.cli import emit
    from tunecost.export import to_json
    from tunecost.render import check_chart_path, check_output_path, render_rows
    from tunecost.sensitivity import tornado

    if output:
        check_output_path(output)
    if chart_path:
        check_chart_path(chart_path)
    sc = command_scenario(scenario, overrides, months)
    result = tornado(sc, metric=metric, path=path_name, baseline=baseline)
    columns = ["field", "low", "high", "result_at_low", "result_at_high", "swing", "unit"]
    if fmt == "json":
        text = to_json(
            {
                "metric": metric,
                "path": result.path,
                "baseline": result.baseline,
                "base_value": result.base_value,
                "inputs": result.rows,
            }
        )
    elif fmt == "csv":
        text = render_rows(result.rows, columns, "csv")
    else:
        what = (
            "total cost of {p} minus {b} (USD)"
            if metric == "total-difference"
            else "break-even month of {p} against {b}"
        ).format(p=result.path, b=result.baseline)
        base = "never" if result.base_value is None else f"{result.base_value:,.0f}"
        text = f"{sc.name}: {what}; {base} at central values\n"
        if metric == "breakeven-month" and all(r["swing"] == 0 for r in result.rows):
            how = (
                "never breaks even"
                if result.base_value is None
                else "breaks even in the same month"
            )
            text += (
                f"no swing moves it: {result.path} {how} within {sc.months} months "
                "whatever the inputs; try --metric total-difference\n"
            )
        text += render_rows(result.rows, columns, "table")
    if chart_path:
        from tunecost.charts import save_figure, tornado_figure

        save_figure(tornado_figure(result, title=sc.name), chart_path)
        click.echo(f"wrote {chart_path}", err=True)
    emit(text, output)


@click.command(context_settings=CONTEXT)
@_common
@click.option(
    "--vary",
    "field",
    required=True,
    help="The input to vary, as a dotted name, e.g. workload.requests or "
    "paths.finetune-api.input_tokens (see `tunecost sensitivity`).",
)
@click.option(
    "--low",
    help="Lowest value to try, with its unit (default: the range's low end if the field has "
    "a range; else a tenth of the value, or 50 points below it for a rate).",
)
@click.option(
    "--high",
    help="Highest value to try (default: the range's high end; else ten times the value, or "
    "50 points above it for a rate). Values outside the field's bounds are clipped.",
)
def threshold(scenario, months, overrides, fmt, output, field, low, high):
    """Find the value of one input at which the cheapest path changes.

    \b
    Examples:
      tunecost threshold --vary workload.requests
      tunecost threshold examples/support-assistant.yaml \\
          --vary market.new_base_model_every --low "2 months" --high "24 months"
    """
    from tunecost.cli import emit
    from tunecost.export import to_json
    from tunecost.render import check_output_path, human, render_rows
    from tunecost.sensitivity import _check_field
    from tunecost.sensitivity import threshold as find

    if output:
        check_output_path(output)
    sc = command_scenario(scenario, overrides, months)
    f = _check_field(sc, field)
    lo = None if low is None else _value(low, f, "--low")
    hi = None if high is None else _value(high, f, "--high")
    result = find(sc, field, low=lo, high=hi)
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
        text = to_json(
            {
                "field": field,
                "unit": info.display_unit,
                "value": None if result.value is None else info.display(result.value),
                "below": result.below,
                "above": result.above,
                "searched": [info.display(x) for x in result.searched],
                "switches": rows,
            }
        )
    elif fmt == "csv":
        text = render_rows(rows, ["value", "unit", "cheaper_below", "cheaper_above"], "csv")
    elif result.value is None:
        a, b = (info.display(x) for x in result.searched)
        text = (
            f"{field}: {result.below} stays cheapest from {human(a)} to {human(b)}{unit}; "
            "widen --low/--high to search further\n"
        )
    else:
        text = (
            f"{field}: the cheapest path changes at {human(info.display(result.value))}{unit}: "
            f"{result.below} below, {result.above} above\n"
        )
        if len(rows) > 1:
            text += render_rows(rows, ["value", "unit", "cheaper_below", "cheaper_above"], "table")
    emit(text, output)


@click.command(context_settings=CONTEXT)
@click.argument("scenario", required=False, type=click.Path())
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Report file: .html or .md.",
)
@click.option("--months", type=click.IntRange(1, 240), help="Horizon override.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a scenario field (repeatable).",
)
@click.option("--baseline", help="Baseline path (default: the scenario's, else the first).")
@click.option(
    "--draws",
    type=click.IntRange(1, 100_000),
    default=REPORT_DRAWS,
    show_default=True,
    help="Monte Carlo draws over the scenario's ranges.",
)
@click.option("--seed", type=int, default=0, show_default=True)
def report(scenario, out, months, overrides, baseline, draws, seed):
    """Write one self-contained report (HTML or Markdown, charts embedded).

    It states the scenario in words, the recommendation and how sure it is, the
    comparison, the charts, which inputs matter, break-even, the assumptions and the
    price-book rows used with their dates and sources.

    \b
    Examples:
      tunecost report --out report.html
      tunecost report examples/high-volume-classifier.yaml --out classifier.md
    """
    from tunecost.comparison import compare
    from tunecost.render import check_output_path, write_atomic
    from tunecost.report import render
    from tunecost.sensitivity import tornado
    from tunecost.uncertainty import monte_carlo, ranges

    path = check_output_path(out, "--out")
    fmt = {".html": "html", ".htm": "html", ".md": "md"}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path.name}: use a .html or .md file name", "--out")
    sc = command_scenario(scenario, overrides, months)
    result = compare(sc, baseline=baseline)
    result.ranges = list(ranges(sc))
    if result.ranges:
        result.monte_carlo = monte_carlo(sc, draws=draws, seed=seed, baseline=result.baseline)
    if len(sc.paths) < 2:
        raise InputError("a report compares paths; the scenario has one", "SCENARIO")
    swings = tornado(sc, baseline=result.baseline)
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    write_atomic(path, render(result, swings, fmt), "--out")
    click.echo(f"wrote {out}", err=True)
