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
from tunecost.output.files import say_when_written
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


class WholeCount(Quantity):
    """A whole number of things, at least 1 and at most ``maximum``: ``500``, ``1k``,
    ``1e3`` (read as :class:`Quantity` reads counts), returned as an int."""

    def __init__(self, example: str, maximum: float, metavar: str = "N"):
        super().__init__("dimensionless", example, bare=True, positive=True, maximum=maximum)
        self.metavar = metavar

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        x = super().convert(value, param, ctx)
        if x != int(x):
            self.fail(f"{value!r} is not a whole number; write e.g. {self.example}", param, ctx)
        return int(x)


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


MARKETS_META = "tunecost.markets"


def _remember_markets(ctx: click.Context, _param, value):
    if value:
        ctx.meta[MARKETS_META] = tuple(value)
    return value


def market_option(fn):
    """``--market``: allow GPU offers from a market beyond the default hyperscaler and
    cloud ones (``--market marketplace``); repeatable."""
    from tunecost.vocabulary import GPU_MARKET_NAMES

    return click.option(
        "--market",
        type=click.Choice(GPU_MARKET_NAMES),
        multiple=True,
        expose_value=False,
        callback=_remember_markets,
        help="Also take GPU offers from this market (default: hyperscaler and cloud; "
        "--market marketplace allows peer marketplaces). Repeatable.",
    )(fn)


def allowed_markets(current=None) -> tuple[str, ...]:
    """The GPU markets a command may price from: ``current`` (or hyperscaler and cloud)
    and any ``--market`` given."""
    from tunecost.scenario.defaults import GPU_MARKETS

    extra = click.get_current_context().meta.get(MARKETS_META, ())
    base = tuple(current or GPU_MARKETS)
    return base + tuple(m for m in extra if m not in base)


def price_options(fn):
    """GPU price: explicit, or from the price book (cheapest cloud offer by default)."""
    fn = market_option(fn)
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


def command_team():
    """The team defaults in force (``tunecost.toml`` in the current folder or the user
    config folder, or ``TUNECOST_CONFIG``), read once per command."""
    ctx = click.get_current_context()
    if TEAM not in ctx.meta:
        from tunecost.pricebook.schemas import MARKETS
        from tunecost.scenario.team_defaults import load_team_defaults

        ctx.meta[TEAM] = load_team_defaults(known_markets=MARKETS)
    return ctx.meta[TEAM]


TEAM = "tunecost.team"
TEAM_LINES = "tunecost.team_lines"


def command_book():
    """The price book this run uses: ``--pricing-dir``, else ``TUNECOST_PRICING_DIR``,
    else the team file's ``[pricing] folder``, else the bundled book; GPU offers limited
    to the team file's allowed providers."""
    import os

    from tunecost.pricebook.book import open_book
    from tunecost.pricebook.folder import ENV_VAR

    folder = pricing_dir_option()
    if folder is None and not os.environ.get(ENV_VAR):
        team = command_team()
        if team.pricing_dir is not None:
            folder = team.pricing_dir
            note = f"price book: {folder} (from {team.label})"
            lines = click.get_current_context().meta.setdefault(TEAM_LINES, [])
            if note not in lines:
                lines.append(note)
    return _allowed_offers(open_book(folder))


def _allowed_offers(book):
    """The book with GPU offers from the team file's allowed providers only, so an
    automatic offer choice stays inside the list (said as an assumption)."""
    team = command_team()
    if team.providers is None:
        return book
    note = f"GPU offers only from {', '.join(team.providers)} (from {team.label})"
    lines = click.get_current_context().meta.setdefault(TEAM_LINES, [])
    if note not in lines:
        lines.append(note)
    return book.with_offers_from(team.providers)


def team_assumptions() -> list[str]:
    """What this command took from the team file, one line each, to print as
    assumptions."""
    return list(click.get_current_context().meta.get(TEAM_LINES, []))


def table_width(wide: bool = False, output: str | None = None) -> int | None:
    """How wide tables may be: None (every column) with ``--wide``, for a file, or when
    stdout is neither a terminal nor narrowed by ``COLUMNS``; else ``COLUMNS`` or the
    terminal's width."""
    import os
    import shutil
    import sys

    if wide or output:
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def wide_option(fn):
    """``--wide``: every column, however wide the table."""
    return click.option(
        "--wide",
        is_flag=True,
        help="Show every column. Tables otherwise fit the terminal (COLUMNS or its width), "
        "abbreviating and then leaving out columns in a stated order.",
    )(fn)


def echo_warnings(warnings, width: int | None = None) -> None:
    """The run's warnings as one summary line on stderr (the JSON lists each)."""
    from tunecost.output.layout import warning_summary

    line = warning_summary(list(warnings), width)
    if line:
        click.echo(line, err=True)


def progress_bar(label: str):
    """A progress bar on stderr (drawn only on a terminal); a callable for the
    analyses' ``progress`` argument and a context manager that erases it."""
    from tunecost.cli.progress import Progress

    return Progress(label)


def emit(text: str, output: str | None) -> None:
    """Print ``text`` or write it atomically to ``output`` (``-``: standard output, with
    the command's other outputs)."""
    if output:
        from tunecost.output.files import write_atomic

        write_atomic(output, text, output_flag())
        if output != "-":
            say_when_written(f"wrote {output}")
    else:
        click.echo(text, nl=False)


def bundled_example() -> Path:
    """The example scenario shipped in the wheel (or the checkout's examples/)."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "examples", package.parent.parent / "examples"):
        if (folder / EXAMPLE).is_file():
            return folder / EXAMPLE
    raise InputError("the bundled example is missing; give a scenario file", "SCENARIO")


SCENARIO_SOURCE = "tunecost.scenario_source"


def command_scenario(scenario, overrides=(), months=None):
    """The scenario a command works on: the file given (or the bundled example), with
    ``--set`` overrides, the team file's defaults where both are silent (each noted for
    :func:`team_assumptions`) and a ``--months`` horizon applied."""
    from tunecost.scenario.team_defaults import load_with_defaults, source_name

    path = Path(scenario) if scenario else bundled_example()
    team = command_team()
    sc, used = load_with_defaults(path, overrides, team)
    # errors found later, while costing, name a field of this file (or --set, or the team's)
    from_team = any(line.endswith(f"(from {team.label})") for line in used)
    source = source_name(path, overrides, team.label if from_team else None)
    click.get_current_context().meta[SCENARIO_SOURCE] = source
    lines = click.get_current_context().meta.setdefault(TEAM_LINES, [])
    lines[:0] = [line for line in used if line not in lines]
    if click.get_current_context().meta.get(MARKETS_META):
        markets = list(allowed_markets(sc.market.gpu_markets))
        sc = sc.model_copy(update={"market": sc.market.model_copy(update={"gpu_markets": markets})})
    return sc.model_copy(update={"months": months}) if months else sc


def scenario_options(fn):
    """``SCENARIO``, ``--months`` and ``--set``, as every scenario command takes them."""
    for decorator in reversed(
        [
            click.argument("scenario", required=False, type=click.Path(dir_okay=True)),
            click.option("--months", type=click.IntRange(1, 240), help="Horizon override."),
            market_option,
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
