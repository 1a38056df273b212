"""``tunecost pricing diff`` and ``tunecost pricing stale``: keeping the book fresh."""

from __future__ import annotations

import datetime as dt

import click

from tunecost.cli.base import Command
from tunecost.cli.options import (
    CONTEXT,
    command_book,
    emit,
    iso_date,
    output_flag,
    output_options,
)

DIFF_COLUMNS = [
    "change",
    "provider",
    "item",
    "kind",
    "context_over_tokens",
    "old_price",
    "new_price",
    "unit",
    "old_effective_from",
    "new_effective_from",
]
STALE_COLUMNS = ["table", "provider", "rows", "retrieved", "age_days", "source_url"]


@click.command(cls=Command, context_settings=CONTEXT)
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@output_options
def diff(old, new, fmt, output):
    """What changed between two price books (folders) or two imported tables (CSV).

    Per price (provider, model or instance, kind and tier) the newest row of each side:
    added, removed, changed (another price) or re-dated (the same price, another date),
    with a summary per provider.

    \b
    Examples:
      tunecost pricing diff old-pricing/ pricing/
      tunecost pricing import litellm prices.json -o new.csv && \\
          tunecost pricing diff old.csv new.csv --format csv
    """
    from tunecost.output.files import check_output_path
    from tunecost.output.tables import render_rows, to_json
    from tunecost.pricebook.upkeep import CHANGES, diff, load_side, summary

    if output:
        check_output_path(output, output_flag())
    rows = diff(load_side(old, "old"), load_side(new, "new"))
    counts = summary(rows)
    if fmt == "json":
        emit(to_json({"changes": rows, "by_provider": counts}), output)
    elif fmt == "csv":
        emit(render_rows(rows, DIFF_COLUMNS, "csv"), output)
    elif not rows:
        emit(f"no price differs between {old} and {new}\n", output)
    else:
        by_provider = render_rows(counts, ["provider", *CHANGES], "table")
        emit(render_rows(rows, DIFF_COLUMNS, "table") + "\nBy provider\n" + by_provider, output)


@click.command(cls=Command, context_settings=CONTEXT)
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=180,
    show_default=True,
    help="Rows retrieved longer ago than this are stale.",
)
@click.option(
    "--as-of",
    callback=iso_date,
    metavar="DATE",
    help="Measure ages on this date (default: today).",
)
@output_options
def stale(days, as_of, fmt, output):
    """List the price rows read longer ago than --days, by table, provider and source,
    oldest first, with the page to check.

    \b
    Examples:
      tunecost pricing stale
      tunecost pricing stale --days 90 --format csv -o to-check.csv
    """
    from tunecost.output.files import check_output_path
    from tunecost.output.tables import render_rows, to_json
    from tunecost.pricebook.upkeep import stale as find

    if output:
        check_output_path(output, output_flag())
    as_of = as_of or dt.date.today()
    rows = find(command_book(), as_of, days)
    if fmt == "json":
        emit(to_json(rows), output)
    elif fmt == "table" and not rows:
        emit(f"every row was retrieved within {days} days of {as_of}\n", output)
    else:
        emit(render_rows(rows, STALE_COLUMNS, fmt), output)
