"""``tunecost report`` and ``tunecost chart``: files for a decision document."""

from __future__ import annotations

from pathlib import Path

import click

from tunecost.cli.base import Command
from tunecost.cli.options import (
    CONTEXT,
    command_book,
    command_scenario,
    echo_warnings,
    output_flag,
    output_option,
    progress_bar,
    scenario_options,
    table_width,
    team_assumptions,
)
from tunecost.errors import InputError
from tunecost.output.files import say_when_written

REPORT_DRAWS = 2000
"""Draws for the report's certainty figures when the scenario has ranges."""

REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md"}


@click.command(cls=Command, context_settings=CONTEXT)
@scenario_options
@output_option("Report file: .html or .md.", required=True)
@click.option("--baseline", help="Baseline path (default: the scenario's, else the first).")
@click.option(
    "--draws",
    type=click.IntRange(1, 100_000),
    default=REPORT_DRAWS,
    show_default=True,
    help="Monte Carlo draws over the scenario's ranges.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--amortise",
    is_flag=True,
    help="Show bought GPUs as straight-line depreciation instead of their cash.",
)
def report(scenario, months, overrides, output, baseline, draws, seed, amortise):
    """Write one self-contained report (HTML or Markdown, charts embedded).

    It states the scenario in words, the recommendation and how sure it is, the
    comparison, the charts, which inputs matter, break-even, the assumptions and the
    price-book rows used with their dates and sources.

    \b
    Examples:
      tunecost report --output report.html
      tunecost report examples/high-volume-classifier.yaml --output classifier.md
      tunecost report examples/buy-vs-rent.yaml --amortise --output buy.html
    """
    from tunecost.analysis.compare import compare
    from tunecost.analysis.sensitivity import tornado
    from tunecost.output.files import check_output_path, write_atomic
    from tunecost.output.report import render
    from tunecost.scenario.walk import ranges

    path = check_output_path(output, output_flag())
    fmt = REPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path.name}: use a .html or .md file name", output_flag())
    sc = command_scenario(scenario, overrides, months)
    book = command_book()
    n = draws if ranges(sc) else None
    with progress_bar("report") as bar:
        result = compare(
            sc, baseline=baseline, draws=n, seed=seed, book=book, progress=bar.part(0, 0.4, "draws")
        )
        if len(sc.paths) < 2:
            raise InputError("a report compares paths; the scenario has one", "scenario")
        result = result.amortised() if amortise else result
        swings = tornado(
            sc, baseline=result.baseline, book=book, progress=bar.part(0.4, 0.5, "sensitivity")
        )
        bar.part(0.5, 0.55, "threshold")(0, 1)
        flip = result.plan_volume  # where the recommendation flips with volume, or None
        result.assumptions[:0] = team_assumptions()
        bar.part(0.55, 1.0, "charts")(0, 1)
        text = render(result, swings, fmt, flip, progress=bar.part(0.55, 1.0, "charts"))
    echo_warnings(result.warnings, table_width())
    write_atomic(path, text, output_flag())
    say_when_written(f"wrote {output}")


@click.command(cls=Command, context_settings=CONTEXT)
@click.argument("ledger", type=click.Path())
@output_option("Figure file: .png, .svg or .pdf.", required=True)
@click.option("--baseline", help="Path to measure break-even against (default: the first).")
@click.option("--title", help="Figure title (default: the file name).")
def chart(ledger, output, baseline, title):
    """Redraw the report figure from a ledger exported with `compare --csv`.

    \b
    Example:
      tunecost compare --csv ledger.csv && tunecost chart ledger.csv --output cost.svg
    """
    import numpy as np

    from tunecost.analysis.ledger import breakeven_by_path
    from tunecost.output.charts import comparison_figure, save_figure
    from tunecost.output.files import check_chart_path
    from tunecost.output.ledger_io import read_ledger

    check_chart_path(output, output_flag())
    df = read_ledger(ledger)
    if not np.isfinite(df["usd"].to_numpy(dtype=float)).all():
        raise InputError("column usd holds inf or nan; export the ledger again", "ledger")
    paths = list(dict.fromkeys(df["path"]))
    if baseline and baseline not in paths:
        raise InputError(
            f"no path {baseline!r} in the ledger; paths: {', '.join(paths)}", "baseline"
        )
    base = baseline or paths[0]
    fig = comparison_figure(
        df,
        title=title or Path(ledger).stem,
        baseline=base,
        breakeven=breakeven_by_path(df, base),
    )
    save_figure(fig, output, output_flag())
    say_when_written(f"wrote {output}")
