"""The ``tunecost`` group: exit codes, errors in one line, and the commands.

Every usage or input error is reported in one line on stderr: exit 2 for bad usage or
input, 1 for other known failures. The library names the parameter or scenario field at
fault (``gpus``, ``paths.x.serving.gpu``); here a parameter of the command being run is
shown as its option or argument (``--gpus``, ``SCENARIO``).
"""

from __future__ import annotations

import sys

import click

from tunecost import __version__
from tunecost.cli.base import PARAMS, Group, shown_field
from tunecost.cli.options import CONTEXT, SCENARIO_SOURCE
from tunecost.errors import InputError, TunecostError


class TunecostGroup(Group):
    """The top group: reports every usage or input error in one line on stderr, exit 2
    for bad usage or input, 1 for other known failures."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            field = shown_field(exc.field, ctx.meta.get(PARAMS, ()))
            line = f"{field}: {exc.message}" if field else str(exc)
            # a field placed in the scenario while costing: say which file (or --set)
            source = ctx.meta.get(SCENARIO_SOURCE) if exc.absolute else None
            click.echo(f"Error: {source}: {line}" if source else f"Error: {line}", err=True)
            ctx.exit(2)
        except TunecostError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=TunecostGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="tunecost")
@click.option(
    "--pricing-dir",
    type=click.Path(file_okay=False),
    help="Read the price book from this folder (or set TUNECOST_PRICING_DIR).",
)
def cli(pricing_dir):
    """Estimate what each way of building an LLM feature costs over time: prompting an
    API, fine-tuning through a provider, or fine-tuning and self-hosting.

    Tables fit the terminal (COLUMNS); --wide shows every column. Defaults for a team
    (engineer rate, allowed providers, the price book) go in a tunecost.toml in the
    current folder or the user config folder. Shell completion: see the README.

    \b
    Examples:
      tunecost init my.yaml                 # a commented starter scenario
      tunecost compare                      # the bundled example scenario
      tunecost compare my.yaml --chart cost.png --csv ledger.csv
      tunecost train --model llama-3.1-8b --method lora --examples 5000 \\
          --tokens-per-example 700 --epochs 3 --gpu h100
      tunecost serve --model llama-3.1-8b --gpu l40s --precision fp8 \\
          --input-tokens 1800 --output-tokens 250 --traffic "300k requests/month"
    """


def _register() -> None:
    from tunecost.cli.analysis import sensitivity, threshold
    from tunecost.cli.compare import compare
    from tunecost.cli.editor import init, schema
    from tunecost.cli.estimate import serve, train
    from tunecost.cli.output import chart, report
    from tunecost.cli.pricing import pricing
    from tunecost.cli.workload import workload

    commands = (train, serve, compare, sensitivity, threshold, report, chart, pricing, init, schema)
    for command in commands:
        cli.add_command(command)
    cli.add_command(workload)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tunecost")
