"""``tunecost compare``: the main job, every path month by month with break-even."""

from __future__ import annotations

from pathlib import Path

import click

from tunecost.cli.base import Command
from tunecost.cli.options import (
    CONTEXT,
    command_book,
    command_scenario,
    echo_warnings,
    emit,
    format_option,
    market_option,
    output_flag,
    output_option,
    progress_bar,
    table_width,
    team_assumptions,
    wide_option,
)
from tunecost.output.files import say_when_written


@click.command(cls=Command, context_settings=CONTEXT)
@click.argument("scenario", required=False, type=click.Path(dir_okay=True))
@click.option("--months", type=click.IntRange(1, 240), help="Horizon (overrides the file).")
@market_option
@click.option("--baseline", help="Path the others are compared with (default: the first).")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help='Override a field, e.g. --set workload.requests="2M requests/month" or '
    "--set paths.finetune-api.data.examples=8000 (a name with a dot in brackets: "
    "--set 'paths[gpt-4.1-prompt].input_tokens=900'). Repeatable.",
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
@click.option(
    "--amortise",
    is_flag=True,
    help="Show bought GPUs as straight-line depreciation, (price - residual) / lifetime a "
    "month, instead of their cash (table, JSON, chart); the ledger in --csv stays cash.",
)
@wide_option
def compare(
    scenario, months, baseline, overrides, fmt, output, csv_path, chart_path, draws, seed, **view
):
    """Price every way of building the feature month by month and find break-evens.

    Without SCENARIO, runs the bundled example (a support assistant).

    Two volumes are named apart. Break-even volume (per path): the steady-state volume
    where monthly costs cross, where the path's monthly cost from month 2 on (build costs
    left out) equals the baseline's. Plan volume: the plan volume where the cheapest path
    changes, the month-1 volume at which the path with the lowest total cost over the
    whole plan (build costs in) changes; `tunecost threshold --vary workload.requests`
    finds the same. JSON names both (breakeven_volume_meaning, plan_volume).

    \b
    Examples:
      tunecost compare
      tunecost compare examples/high-volume-classifier.yaml --months 60 --chart cost.png
      tunecost compare my.yaml --set workload.requests="2M requests/month" --csv ledger.csv
    """
    from tunecost.analysis.compare import compare as run
    from tunecost.output.files import check_chart_path, check_output_path, write_atomic
    from tunecost.output.ledger_io import ledger_csv

    # Check every output location before any work, so a bad one writes nothing.
    for path, field in ((output, output_flag()), (csv_path, "--csv")):
        if path:
            check_output_path(path, field)
    if chart_path:
        check_chart_path(chart_path)
    sc = command_scenario(scenario, overrides, months)
    width = table_width(view["wide"], output)
    with progress_bar("draws") as bar:
        result = run(
            sc, baseline=baseline, draws=draws, seed=seed, book=command_book(), progress=bar
        )
    result.assumptions[:0] = team_assumptions()
    echo_warnings(result.warnings, table_width())
    shown = result.amortised() if view["amortise"] else result  # files keep the cash
    text = ledger_csv(result.ledger) if fmt == "csv" else _text(shown, fmt, width)
    chart = None
    if chart_path:  # rendered before anything is written, so a failure writes nothing
        from tunecost.output.charts import figure_bytes

        chart = figure_bytes(shown.plot(), Path(chart_path).suffix)
    if csv_path:
        write_atomic(csv_path, ledger_csv(result.ledger), "--csv")
        say_when_written(f"wrote {csv_path}")
    if chart is not None:
        write_atomic(chart_path, chart, "--chart")
        say_when_written(f"wrote {chart_path}")
    emit(text, output)


def _text(result, fmt: str, width: int | None) -> str:
    """The comparison for people (a table fitted to ``width``) or as JSON."""
    from tunecost.output.comparison import render_table, result_json

    return result_json(result) if fmt == "json" else render_table(result, width)
