"""Command-line options every printing command shares: ``--format`` and ``--output``.

A module of its own (click only) so the command modules can import it without
importing each other.
"""

from __future__ import annotations

import click

FORMAT_HELP = "table for people (rounded); csv or json for machines (unrounded)."


def format_option(help: str = FORMAT_HELP):
    """``--format table|csv|json`` (default table), passed to the command as ``fmt``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help=help,
    )


def output_option(help: str = "Write the result to this file instead of the terminal."):
    """``-o/--output FILE``, written atomically by ``cli.emit``."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False), help=help)


def output_options(fn):
    """``--format`` and ``--output`` together."""
    return format_option()(output_option()(fn))
