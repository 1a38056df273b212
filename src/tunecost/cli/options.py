"""What the commands share: option types with units, ``--format`` and ``--output``, GPU
price options, the price book in use, the scenario a command works on, and ``emit``.

click only at import time (the library is imported inside the functions that need it),
so ``tunecost --help`` stays fast.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click

from tunecost.errors import InputError, UnitError
from tunecost.vocabulary import TIERS

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
FORMAT_HELP = "table for people (rounded); csv or json for machines (unrounded)."
EXAMPLE = "support-assistant.yaml"


class Quantity(click.ParamType):
    """A click option value with a unit, parsed and dimension-checked by ``units``."""

    name = "quantity"

    def __init__(
        self,
        unit: str,
        example: str,
        *,
        bare: bool = False,
        positive: bool = False,
        maximum: float | None = None,
        metavar: str | None = None,
    ):
        self.unit, self.example, self.bare = unit, example, bare
        self.positive, self.maximum = positive, maximum
        self.metavar = metavar or "TEXT"

    def get_metavar(self, param, ctx=None):  # click >= 8.2 passes ctx
        return self.metavar

    def convert(self, value, param, ctx):
        from tunecost.units import parse_quantity

        if isinstance(value, float):
            return value
        try:
            return parse_quantity(
                value,
                self.unit,
                field=param.opts[-1],
                example=self.example,
                bare=self.bare,
                positive=self.positive,
                maximum=self.maximum,
            )
        except UnitError as exc:
            self.fail(str(exc).split(": ", 1)[-1], param, ctx)


COUNT = functools.partial(Quantity, "dimensionless", bare=True, positive=True, metavar="COUNT")
TOKENS = Quantity("token", "2T tokens", bare=True, positive=True, metavar="TOKENS")
FRACTION = Quantity(
    "dimensionless", "0.4", bare=True, positive=True, maximum=1.0, metavar="FRACTION"
)
USD_PER_GPU_HOUR = Quantity("USD/hour", "2.49 USD/hour", bare=True, metavar="USD/GPU-HOUR")
DURATION = Quantity("s", "50 ms", positive=True, metavar="TIME")
TRAFFIC = Quantity("request/month", "300k requests/month", metavar="RATE")


def iso_date(ctx, param, value):
    """A click callback reading ``YYYY-MM-DD`` (None passes through)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def format_option(help: str = FORMAT_HELP, default: str = "table"):
    """``--format table|csv|json``, passed to the command as ``fmt``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default=default,
        show_default=True,
        help=help,
    )


def output_option(
    help: str = "Write the result to this file instead of the terminal.", required: bool = False
):
    """``-o/--output FILE``: the file this command writes (``--out`` is a hidden alias).

    The command receives ``output`` (a path or None)."""

    def decorate(fn):
        @functools.wraps(fn)
        def merged(*args, output=None, out=None, **kwargs):
            if output is not None and out is not None and output != out:
                raise click.UsageError(
                    "give the file once: --out is another name for --output",
                    click.get_current_context(),
                )
            ctx = click.get_current_context()
            ctx.meta[OUTPUT_FLAG] = "--out" if output is None and out is not None else "--output"
            output = output if output is not None else out
            if required and output is None:
                raise click.UsageError("Missing option '--output'.", click.get_current_context())
            return fn(*args, output=output, **kwargs)

        path = click.Path(dir_okay=False)
        merged = click.option("--out", "out", type=path, hidden=True)(merged)
        shown = help + (" Required." if required else "")
        return click.option("-o", "--output", type=path, help=shown)(merged)

    return decorate


OUTPUT_FLAG = "tunecost.output_flag"


def output_flag() -> str:
    """How the user named the output file: ``--output``, or its alias ``--out``, so an
    error about the file names the option as it was typed."""
    return click.get_current_context().meta.get(OUTPUT_FLAG, "--output")


def output_options(fn):
    """``--format`` and ``--output`` together."""
    return format_option()(output_option()(fn))


def price_options(fn):
    """GPU price: explicit, or from the price book (cheapest on-demand offer by default)."""
    fn = click.option(
        "--tier",
        type=click.Choice(TIERS),
        default="on-demand",
        show_default=True,
        help="Which price of the offer to use.",
    )(fn)
    fn = click.option(
        "--offer", help="Price from this instance in the book, e.g. p5.48xlarge or aws:p5.48xlarge."
    )(fn)
    fn = click.option(
        "--provider",
        help="Price from this provider's cheapest offer for the "
        "GPU (default: cheapest of all providers).",
    )(fn)
    fn = click.option(
        "--usd-per-gpu-hour", type=USD_PER_GPU_HOUR, help="GPU price; overrides the price book."
    )(fn)
    return fn


def pricing_dir_option() -> str | None:
    """The folder ``--pricing-dir`` names, if any."""
    return click.get_current_context().find_root().params.get("pricing_dir")


def command_book():
    """The price book this run uses: ``--pricing-dir``, else the default folder."""
    from tunecost.pricebook.book import open_book

    return open_book(pricing_dir_option())


def emit(text: str, output: str | None) -> None:
    """Print ``text`` or write it atomically to ``output``."""
    if output:
        from tunecost.output.files import write_atomic

        write_atomic(output, text, output_flag())
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def bundled_example() -> Path:
    """The example scenario shipped in the wheel (or the checkout's examples/)."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "examples", package.parent.parent / "examples"):
        if (folder / EXAMPLE).is_file():
            return folder / EXAMPLE
    raise InputError("the bundled example is missing; give a scenario file", "SCENARIO")


def command_scenario(scenario, overrides=(), months=None):
    """The scenario a command works on: the file given (or the bundled example), with
    ``--set`` overrides and a ``--months`` horizon applied."""
    from tunecost.scenario.loading import load_scenario

    sc = load_scenario(Path(scenario) if scenario else bundled_example(), overrides)
    return sc.model_copy(update={"months": months}) if months else sc


def scenario_options(fn):
    """``SCENARIO``, ``--months`` and ``--set``, as every scenario command takes them."""
    for decorator in reversed(
        [
            click.argument("scenario", required=False, type=click.Path(dir_okay=True)),
            click.option("--months", type=click.IntRange(1, 240), help="Horizon override."),
            click.option(
                "--set",
                "overrides",
                multiple=True,
                metavar="KEY=VALUE",
                help='Override a field, e.g. --set workload.requests="2M requests/month" or '
                "--set 'paths[gpt-4.1-prompt].input_tokens=900' (a path by name, in brackets "
                "when the name has a dot). Repeatable.",
            ),
        ]
    ):
        fn = decorator(fn)
    return fn
