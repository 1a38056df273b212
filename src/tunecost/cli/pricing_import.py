"""``tunecost pricing import``: catalogues the user already has, as price-book rows.

Import, never scrape: each importer reads a file (or an installed package's data), checks
it, and writes rows of the book's schema atomically.
"""

from __future__ import annotations

import click

from tunecost.cli.base import Group
from tunecost.cli.options import (
    CONTEXT,
    command_book,
    format_option,
    iso_date,
    output_flag,
    output_option,
)
from tunecost.output.files import say_when_written


@click.group("import", cls=Group, context_settings=CONTEXT)
def import_():
    """Turn a catalogue file you already have into price-book rows.

    \b
    Examples:
      tunecost pricing import litellm model_prices_and_context_window.json -o api.csv
      tunecost pricing import skypilot catalogs/v7/aws/vms.csv -o aws.csv
    """


def _import_options(fn):
    fn = format_option("How to print the rows when --output is not given.", default="csv")(fn)
    fn = click.option(
        "--retrieved",
        callback=iso_date,
        metavar="DATE",
        help="When the file was fetched (default: today); also effective_from.",
    )(fn)
    fn = click.option("--source-url", help="Where the file came from (default: file:NAME).")(fn)
    return output_option("Write the rows as CSV to this file (atomically).")(fn)


def _write_rows(rows: list[dict], columns, fmt: str, output: str | None, notes=()) -> None:
    from tunecost.output.files import write_atomic
    from tunecost.output.tables import render_rows

    for note in notes:
        click.echo(f"note: {note}", err=True)
    if output:
        write_atomic(output, render_rows(rows, columns, "csv"), output_flag())
        say_when_written(f"wrote {len(rows)} rows to {output}")
    else:
        click.echo(render_rows(rows, columns, fmt), nl=False)


@import_.command("litellm", context_settings=CONTEXT)
@click.argument("path", metavar="FILE", type=click.Path())
@click.option("--provider", "providers", multiple=True, help="Only these providers.")
@_import_options
def import_litellm(path, providers, output, source_url, retrieved, fmt):
    """Import LiteLLM's model_prices_and_context_window.json (incl. ft: and cache prices).

    \b
    Example:
      tunecost pricing import litellm prices.json --provider openai --output openai.csv
    """
    from tunecost.output.files import check_output_path
    from tunecost.pricebook.importers import PRICE_COLUMNS, import_litellm

    if output:
        check_output_path(output, output_flag())
    rows = import_litellm(
        path, source_url=source_url, retrieved=retrieved, providers=tuple(providers)
    )
    _write_rows(rows, PRICE_COLUMNS, fmt, output, getattr(rows, "notes", ()))


@import_.command("skypilot", context_settings=CONTEXT)
@click.argument("path", metavar="FILE", type=click.Path())
@click.option("--provider", help="The cloud (default: the file's folder name, e.g. aws).")
@click.option("--region", "regions", multiple=True, help="Only these regions.")
@_import_options
def import_skypilot(path, provider, regions, output, source_url, retrieved, fmt):
    """Import a SkyPilot catalogue vms.csv as GPU offers, priced per GPU-hour.

    \b
    Example:
      tunecost pricing import skypilot catalogs/v7/lambda/vms.csv --region us-east-1
    """
    from tunecost.output.files import check_output_path
    from tunecost.pricebook.importers import OFFER_COLUMNS, import_skypilot

    if output:
        check_output_path(output, output_flag())
    rows, notes = import_skypilot(
        path,
        provider=provider,
        source_url=source_url,
        retrieved=retrieved,
        regions=tuple(regions),
        book=command_book(),
    )
    _write_rows(rows, OFFER_COLUMNS, fmt, output, notes)


@import_.command("genai-prices", context_settings=CONTEXT)
@click.argument("source", required=False, type=click.Path())
@click.option("--provider", "providers", multiple=True, help="Only these providers.")
@_import_options
def import_genai_prices(source, providers, output, source_url, retrieved, fmt):
    """Import pydantic's genai-prices: dated prices, tiers, cached and cache-write rates.

    SOURCE is the repository's data file (prices/new_data/v2/data.json, or one
    prices/providers/<id>.yml); without it, the data bundled in the installed
    genai-prices package (pip install genai-prices).

    \b
    Examples:
      tunecost pricing import genai-prices --provider anthropic -o anthropic.csv
      tunecost pricing import genai-prices data.json --retrieved 2026-11-30 -o api.csv
    """
    from tunecost.output.files import check_output_path
    from tunecost.pricebook.genai_prices import PRICE_COLUMNS
    from tunecost.pricebook.genai_prices import import_genai_prices as run

    if output:
        check_output_path(output, output_flag())
    rows, notes = run(
        source, providers=tuple(providers), retrieved=retrieved, source_url=source_url
    )
    _write_rows(rows, PRICE_COLUMNS, fmt, output, notes)
