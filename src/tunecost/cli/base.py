"""The command classes every tunecost command is built on.

A :class:`Command` records its parameters where the top group can read them, so an
input error naming a parameter (``gpus``) is shown as the option (``--gpus``). It also
runs the command's outputs as one set (all written or none, see
:mod:`tunecost.output.files`), keeps outputs off its input files, checks ``--seed``,
turns an OSError into a one-line input error, and gathers Python warnings (numpy,
matplotlib) into one summary line, so ``python -W error`` never ends in a traceback.
"""

from __future__ import annotations

import click

PARAMS = "tunecost.params"

OUTPUT_PARAMS = frozenset({"output", "out", "csv_path", "chart_path"})
"""Parameters naming files the command writes (every other path parameter is an input)."""

SEED_MAX = 2**64 - 1
"""The largest ``--seed`` (a seed is a whole number from 0 to 2**64 - 1)."""


def shown_field(field: str | None, params) -> str | None:
    """How the command line names ``field``: its option (``--gpus``) or argument
    (``SCENARIO``) when it is a parameter of the command, else as the library says."""
    if not field:
        return field
    for p in params:
        if p.name == field:
            if isinstance(p, click.Argument):
                return p.human_readable_name
            return next((o for o in p.opts if o.startswith("--")), p.opts[0])
    return field


def _register_inputs(ctx: click.Context, params, outputs) -> None:
    """Tell the output set which files the command reads (its path parameters that are
    not outputs), so no output replaces them."""
    for p in params:
        value = ctx.params.get(p.name)
        if isinstance(p.type, click.Path) and p.name not in OUTPUT_PARAMS and value:
            outputs.add_input(value, shown_field(p.name, params) or p.name)
    _register_implicit_inputs(ctx, outputs)


def _register_implicit_inputs(ctx: click.Context, outputs) -> None:
    """The files a command reads without naming them: the bundled example when no
    scenario is given, and the tables of the price book in use."""
    import contextlib

    from tunecost.errors import TunecostError
    from tunecost.pricebook.folder import find_pricing_dir

    if "scenario" in ctx.params and not ctx.params["scenario"]:
        from tunecost.cli.options import bundled_example

        with contextlib.suppress(TunecostError):
            outputs.add_input(bundled_example(), "the bundled example")
    with contextlib.suppress(TunecostError, OSError):
        folder = find_pricing_dir(ctx.find_root().params.get("pricing_dir"))
        for table in folder.glob("*.csv"):
            outputs.add_input(table, f"the price book's {table.name}")


def _check_seed(ctx: click.Context) -> None:
    from tunecost.errors import InputError

    seed = ctx.params.get("seed")
    if isinstance(seed, int) and not 0 <= seed <= SEED_MAX:
        raise InputError(f"{seed} is not a seed; give a whole number from 0 to 2**64 - 1", "seed")


def warning_line(caught) -> str | None:
    """One line for the Python warnings a run raised: the first, and how many more."""
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    if not messages:
        return None
    first = " ".join(messages[0].split())[:160]
    more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
    return f"Warning: {first}{more}"


class Command(click.Command):
    """A command that tells the group which parameters it has (to name them in errors)
    and writes its outputs all or none."""

    def invoke(self, ctx: click.Context):
        import warnings

        from tunecost.errors import InputError
        from tunecost.output.files import OutputSet, os_message

        ctx.meta[PARAMS] = self.params
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            try:
                _check_seed(ctx)
                with OutputSet() as outputs:
                    _register_inputs(ctx, self.params, outputs)
                    rv = super().invoke(ctx)
                    outputs.commit()
            except OSError as exc:
                raise InputError(os_message(exc, exc.filename or "file")) from None
            finally:
                line = warning_line(caught)
                if line:
                    click.echo(line, err=True)
        return rv


class Group(click.Group):
    """A group whose commands are :class:`Command` s (``pricing``, ``pricing import``)."""

    command_class = Command
    group_class = type  # subgroups are Groups too
