"""``tunecost pricing``: list, show and validate the price book; import, diff and stale
(in :mod:`.pricing_import` and :mod:`.pricing_upkeep`) keep it fresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from tunecost.cli.base import Group
from tunecost.cli.options import (
    CONTEXT,
    command_book,
    emit,
    format_option,
    iso_date,
    output_flag,
    output_options,
    pricing_dir_option,
    table_width,
    wide_option,
)
from tunecost.cli.pricing_import import import_
from tunecost.cli.pricing_upkeep import diff, stale
from tunecost.errors import InputError, PriceBookError

LIST_KINDS = ("api", "finetune", "gpu", "model", "gpu-spec", "release")


@click.group(cls=Group, context_settings=CONTEXT)
def pricing():
    """List, show, check, import and compare the price book (API, fine-tuning and GPU
    prices; open-weight models, GPU specifications and model releases).

    \b
    Examples:
      tunecost pricing list --kind gpu --provider lambda
      tunecost pricing show gpt-4.1-mini
      tunecost pricing validate
      tunecost pricing stale --days 90
      tunecost pricing import skypilot vms.csv --provider aws --output aws_offers.csv
    """


pricing.add_command(import_)
pricing.add_command(diff)
pricing.add_command(stale)


@pricing.command("list", context_settings=CONTEXT)
@click.option(
    "--kind",
    type=click.Choice(LIST_KINDS),
    help="Which table: api, finetune or gpu prices (default: those three; csv needs one), "
    "or the book's open-weight models (model), GPU specifications (gpu-spec) or model "
    "releases (release).",
)
@click.option("--provider", help="Only this provider's prices.")
@click.option(
    "--as-of",
    callback=iso_date,
    metavar="DATE",
    help="Prices in effect on this date (default: today).",
)
@output_options
@wide_option
def list_prices(kind, provider, as_of, fmt, output, wide):
    """List the prices in effect on a date, with units, dates and sources, or one of the
    book's reference tables.

    \b
    Examples:
      tunecost pricing list --kind api --provider openai
      tunecost pricing list --kind gpu --as-of 2026-06-01 --format csv -o offers.csv
      tunecost pricing list --kind release
    """
    from tunecost.output.files import check_output_path
    from tunecost.output.price_listing import COLUMNS, DATED, first_dated, listing
    from tunecost.output.tables import to_json

    if output:
        check_output_path(output, output_flag())
    book = command_book()
    if provider:
        provider = book.check_provider(provider)
    as_of = as_of or dt.date.today()
    kinds = [kind] if kind else list(DATED)
    if fmt == "csv" and len(kinds) > 1:
        raise InputError("csv output holds one table; add --kind api, finetune or gpu", "kind")
    tables = {k: listing(book, k, provider, as_of) for k in kinds}
    empty = [k for k in kinds if k in DATED and not tables[k]]
    for k in empty:
        start = first_dated(book, k)
        since = f"; its rows start {start}" if start else ""
        click.echo(f"note: no {k} prices in effect on {as_of}{since}", err=True)
    if fmt == "json":
        emit(to_json(tables[kinds[0]] if kind else tables), output)
        return
    parts = []
    for k in kinds:
        if fmt == "table" and len(kinds) > 1:
            parts.append(f"== {k} ({len(tables[k])} rows) ==\n")
        if fmt == "table" and k in empty:
            parts.append(f"no {k} prices in effect on {as_of}\n")
            continue
        parts.append(_listed(tables[k], COLUMNS[k], fmt, table_width(wide, output)))
    emit("\n".join(parts), output)


@pricing.command(context_settings=CONTEXT)
@click.argument("name")
@format_option()
@wide_option
def show(name, fmt, wide):
    """Show every price for a model or GPU, old and new, with unit, date and source.

    \b
    Examples:
      tunecost pricing show claude-sonnet-4-5
      tunecost pricing show h100
    """
    from tunecost.errors import UnknownNameError
    from tunecost.output.price_listing import COLUMNS, SHOW_COLUMNS, finetune_row, offer_row

    book = command_book()
    gid = book.gpus.resolve(name)
    if gid is not None:
        rows = sorted(
            (offer_row(o) for o in book.offers if o.gpu == gid),
            key=lambda r: (r["on_demand_usd_per_gpu_hour"] or 1e9, r["provider"]),
        )
        if not rows:
            raise InputError(
                f"the price book has no rental offers for {gid} (its specifications: "
                "tunecost pricing list --kind gpu-spec); give a price with --usd-per-gpu-hour",
                "name",
            )
        click.echo(_listed(rows, COLUMNS["gpu"], fmt, table_width(wide)), nl=False)
        return
    rows = [finetune_row(p) for p in book.prices if p.model.lower() == name.strip().lower()]
    if not rows:
        _not_priced(book, name)
        raise UnknownNameError("model or GPU", name, book.models() + book.gpus.ids(), "name")
    rows.sort(key=lambda r: (r["provider"], r["kind"], r["effective_from"]))
    click.echo(_listed(rows, SHOW_COLUMNS, fmt, table_width(wide)), nl=False)


def _listed(rows: list[dict], columns: list[str], fmt: str, width: int | None) -> str:
    """Rows as a table fitted to the terminal, or as CSV or JSON."""
    from tunecost.output.price_listing import fitted_listing
    from tunecost.output.tables import render_rows

    if fmt == "table":
        return fitted_listing(rows, columns, width)
    return render_rows(rows, columns, fmt)


def _not_priced(book, name: str) -> None:
    """Refuse an open-weight model id, pointing at the API models that serve it."""
    from tunecost.output.price_listing import squash

    key = name.strip().lower()
    if key not in book.architectures.ids():
        return
    hosted = sorted(
        {f"{p.model} ({p.provider})" for p in book.prices if squash(key) in squash(p.model)}
    )
    hint = f"; API models that serve it: {', '.join(hosted)}" if hosted else ""
    raise InputError(
        f"{name} is an open-weight model (models.csv), not an API price{hint}; "
        "tunecost train/serve use it directly (its architecture: tunecost pricing list "
        "--kind model)",
        "name",
    )


@pricing.command(context_settings=CONTEXT)
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def validate(directory):
    """Check a price-book folder: schema, units, prices, dates, duplicates, providers.

    Prints one line per problem and exits 1 if there are any. Without DIRECTORY, checks
    the price book in use.

    \b
    Example:
      tunecost pricing validate ./my-prices
    """
    from tunecost.pricebook.folder import find_pricing_dir
    from tunecost.pricebook.validate import validate as check

    folder = Path(directory) if directory else find_pricing_dir(pricing_dir_option())
    problems = check(folder)
    if problems:
        for p in problems:
            click.echo(p, err=True)
        raise PriceBookError(f"{len(problems)} problem(s) in {folder}")
    click.echo(f"{folder}: price book OK")
