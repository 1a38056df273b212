"""``tunecost sensitivity`` and ``tunecost threshold``: which guesses matter."""

from __future__ import annotations

import click

from tunecost.cli.base import Command
from tunecost.cli.options import (
    CONTEXT,
    command_book,
    command_scenario,
    emit,
    output_flag,
    output_options,
    progress_bar,
    scenario_options,
    table_width,
    team_assumptions,
    wide_option,
)
from tunecost.errors import InputError
from tunecost.output.files import say_when_written


def _value(text: str, field, name: str) -> float:
    """A --low/--high value in the field's canonical unit; a rate is converted to the
    period the field states it over (``24 %/year`` for a monthly rate is 1.8 %/month)."""
    from tunecost.scenario.fields import parse_rate
    from tunecost.units import parse_quantity

    if field.is_rate:
        try:
            rate, period = parse_rate(text)
        except ValueError as exc:
            raise InputError(str(exc), name) from None
        return (1 + rate) ** (field.period / period) - 1
    return parse_quantity(text, field.unit, field=name, bare=True, allow_negative=True)


@click.command(cls=Command, context_settings=CONTEXT)
@scenario_options
@output_options
@click.option(
    "--metric",
    type=click.Choice(["total-difference", "breakeven-month"]),
    default="total-difference",
    show_default=True,
    help="The result to explain: total cost of --path minus the baseline's, or the "
    "month --path breaks even.",
)
@click.option("--path", help="Path to compare (default: the first after the baseline).")
@click.option("--baseline", help="Baseline path (default: the scenario's, else the first).")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False),
    help="Draw the tornado to this .png, .svg or .pdf file.",
)
@wide_option
def sensitivity(scenario, months, overrides, fmt, output, metric, path, baseline, chart_path, wide):
    """Rank the inputs by how much they move one result (a tornado).

    Every numeric input is swung across its range, or by +-25% where it is one value,
    with every other input at its central value.

    \b
    Examples:
      tunecost sensitivity
      tunecost sensitivity examples/high-volume-classifier.yaml --path finetune-api \\
          --metric breakeven-month --chart tornado.png
    """
    from tunecost.analysis.sensitivity import tornado
    from tunecost.output.files import check_chart_path, check_output_path
    from tunecost.output.sensitivity import tornado_text

    if output:
        check_output_path(output, output_flag())
    if chart_path:
        check_chart_path(chart_path)
    sc = command_scenario(scenario, overrides, months)
    book = command_book()
    with progress_bar("sensitivity") as bar:
        result = tornado(sc, metric=metric, path=path, baseline=baseline, book=book, progress=bar)
    echo_assumptions()
    text = tornado_text(result, sc, fmt, table_width(wide, output))
    if chart_path:
        from tunecost.output.charts import save_figure, tornado_figure

        save_figure(tornado_figure(result, title=sc.name), chart_path)
        say_when_written(f"wrote {chart_path}")
    emit(text, output)


@click.command(cls=Command, context_settings=CONTEXT)
@scenario_options
@output_options
@click.option(
    "--vary",
    "field",
    required=True,
    help="The input to vary, as a dotted name, e.g. workload.requests or "
    "paths.finetune-api.input_tokens (paths[NAME].field for a name with a dot; see "
    "`tunecost sensitivity`).",
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
@wide_option
def threshold(scenario, months, overrides, fmt, output, field, low, high, wide):
    """Find the value of one input at which the cheapest path changes.

    Varying workload.requests gives the plan volume where the cheapest path changes:
    the month-1 volume at which the path with the lowest total cost over the whole plan
    (build costs in) changes. It is not the break-even volume `tunecost compare` prints,
    the steady-state volume where monthly costs cross (from month 2, build costs left
    out).

    \b
    Examples:
      tunecost threshold --vary workload.requests
      tunecost threshold examples/support-assistant.yaml \\
          --vary market.new_base_model_every --low "2 months" --high "24 months"
    """
    from tunecost.analysis.threshold import check_field
    from tunecost.analysis.threshold import threshold as find
    from tunecost.output.files import check_output_path
    from tunecost.output.sensitivity import threshold_text

    if output:
        check_output_path(output, output_flag())
    sc = command_scenario(scenario, overrides, months)
    f = check_field(sc, field)
    lo = None if low is None else _value(low, f, "--low")
    hi = None if high is None else _value(high, f, "--high")
    book = command_book()
    with progress_bar("threshold") as bar:
        result = find(sc, field, low=lo, high=hi, book=book, progress=bar)
    echo_assumptions()
    emit(threshold_text(result, fmt, table_width(wide, output)), output)


def echo_assumptions() -> None:
    """What the team file set, as assumptions on stderr (for commands whose output has
    no list of assumptions)."""
    for line in team_assumptions():
        click.echo(f"assumption: {line}", err=True)
