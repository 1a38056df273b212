"""``tunecost pricing``: list, show, validate and import the price book."""

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
    output_flag,
    output_option,
    output_options,
    pricing_dir_option,
)
from tunecost.errors import InputError, TunecostError
from tunecost.pricebook.schemas import SCHEMAS

API_COLUMNS = [
    "provider",
    "model",
    "context_over_tokens",
    "input",
    "cached_input",
    "cache_write",
    "output",
    "batch_input",
    "batch_output",
    "unit",
    "effective_from",
    "retrieved",
    "source_url",
]
FINETUNE_COLUMNS = [
    "provider",
    "model",
    "kind",
    "price",
    "unit",
    "effective_from",
    "retrieved",
    "source_url",
]
# pricing list --kind gpu prints the table's own columns (notes aside)
GPU_COLUMNS = [c.name for c in SCHEMAS["gpu_offers.csv"] if c.name != "notes"]
KINDS = {"api": API_COLUMNS, "finetune": FINETUNE_COLUMNS, "gpu": GPU_COLUMNS}


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


@click.group(cls=Group, context_settings=CONTEXT)
def pricing():
    """List, show, check and import the price book (API, fine-tuning and GPU prices).

    \b
    Examples:
      tunecost pricing list --kind gpu --provider lambda
      tunecost pricing show gpt-4.1-mini
      tunecost pricing validate
      tunecost pricing import skypilot vms.csv --provider aws --output aws_offers.csv
    """


def _finetune_row(p) -> dict:
    return {
        "provider": p.provider,
        "model": p.model,
        "kind": p.kind,
        "price": p.price,
        "unit": p.unit,
        "effective_from": p.effective_from,
        "retrieved": p.retrieved,
        "source_url": p.source_url,
        "context_over_tokens": p.context_over_tokens,
        "notes": p.notes,
    }


def _squash(name: str) -> str:
    """A model name without separators, Fireworks' 'v3p1' read as '3.1': llama318b."""
    import re

    name = re.sub(r"v(\d+)p(\d+)", r"\1\2", name.lower())
    return re.sub(r"[-_.]", "", name)


def _offer_row(o) -> dict:
    return {
        "provider": o.provider,
        "instance": o.instance,
        "gpu": o.gpu,
        "gpu_count": o.gpu_count,
        "on_demand_usd_per_gpu_hour": o.on_demand,
        "spot_usd_per_gpu_hour": o.spot,
        "reserved_1y_usd_per_gpu_hour": o.reserved_1y,
        "region": o.region,
        "effective_from": o.effective_from,
        "retrieved": o.retrieved,
        "source_url": o.source_url,
        "notes": o.notes,
    }


def _listing(book, kind: str, provider: str | None, as_of: dt.date | None) -> list[dict]:
    from tunecost.pricebook.prices import group_api_rows, in_effect

    if kind == "gpu":
        offers = in_effect(book.offers, lambda o: (o.provider, o.instance, o.region), as_of)
        rows = [_offer_row(o) for o in offers if provider in (None, o.provider)]
        return sorted(rows, key=lambda r: (r["gpu"], r["on_demand_usd_per_gpu_hour"] or 1e9))
    table = "api_models.csv" if kind == "api" else "finetune_prices.csv"
    prices = [p for p in book.prices if p.table == table and provider in (None, p.provider)]
    prices = in_effect(
        prices, lambda p: (p.provider, p.model, p.kind, p.context_over_tokens), as_of
    )
    if kind == "api":
        return group_api_rows(prices)
    return sorted(
        (_finetune_row(p) for p in prices), key=lambda r: (r["provider"], r["model"], r["kind"])
    )


@pricing.command("list", context_settings=CONTEXT)
@click.option(
    "--kind",
    type=click.Choice(["api", "finetune", "gpu"]),
    help="Which table (default: all three; csv needs one).",
)
@click.option("--provider", help="Only this provider's prices.")
@click.option(
    "--as-of",
    callback=_date,
    metavar="DATE",
    help="Prices in effect on this date (default: today).",
)
@output_options
def list_prices(kind, provider, as_of, fmt, output):
    """List the prices in effect on a date, with units, dates and sources.

    \b
    Examples:
      tunecost pricing list --kind api --provider openai
      tunecost pricing list --kind gpu --as-of 2026-06-01 --format csv -o offers.csv
    """
    from tunecost.output.files import check_output_path
    from tunecost.output.tables import render_rows, to_json

    if output:
        check_output_path(output, output_flag())
    book = command_book()
    if provider:
        provider = book.check_provider(provider)
    as_of = as_of or dt.date.today()
    kinds = [kind] if kind else list(KINDS)
    if fmt == "csv" and len(kinds) > 1:
        raise InputError("csv output holds one table; add --kind api, finetune or gpu", "kind")
    tables = {k: _listing(book, k, provider, as_of) for k in kinds}
    if fmt == "json":
        data = tables[kinds[0]] if kind else tables
        emit(to_json(data), output)
        return
    parts = []
    for k in kinds:
        if fmt == "table" and len(kinds) > 1:
            parts.append(f"== {k} ({len(tables[k])} rows) ==\n")
        parts.append(render_rows(tables[k], KINDS[k], fmt))
    emit("\n".join(parts), output)


@pricing.command(context_settings=CONTEXT)
@click.argument("name")
@format_option()
def show(name, fmt):
    """Show every price for a model or GPU, old and new, with unit, date and source.

    \b
    Examples:
      tunecost pricing show claude-sonnet-4-5
      tunecost pricing show h100
    """
    from tunecost.errors import UnknownNameError
    from tunecost.output.tables import render_rows

    book = command_book()
    gid = book.gpus.resolve(name)
    if gid is not None:
        rows = sorted(
            (_offer_row(o) for o in book.offers if o.gpu == gid),
            key=lambda r: (r["on_demand_usd_per_gpu_hour"] or 1e9, r["provider"]),
        )
        if not rows:
            raise InputError(f"the price book has no rental offers for {gid}", "name")
        click.echo(render_rows(rows, GPU_COLUMNS, fmt), nl=False)
        return
    rows = [_finetune_row(p) for p in book.prices if p.model.lower() == name.strip().lower()]
    if not rows:
        key = name.strip().lower()
        if key in book.architectures.ids():
            # An open-weight architecture: point at the API models that serve it.
            hosted = sorted(
                {
                    f"{p.model} ({p.provider})"
                    for p in book.prices
                    if _squash(key) in _squash(p.model)
                }
            )
            hint = f"; API models that serve it: {', '.join(hosted)}" if hosted else ""
            raise InputError(
                f"{name} is an open-weight model (models.csv), not an API price{hint}; "
                "tunecost train/serve use it directly",
                "name",
            )
        raise UnknownNameError("model or GPU", name, book.models() + book.gpus.ids(), "name")
    rows.sort(key=lambda r: (r["provider"], r["kind"], r["effective_from"]))
    cols = [
        "provider",
        "model",
        "kind",
        "price",
        "unit",
        "context_over_tokens",
        "effective_from",
        "retrieved",
        "source_url",
    ]
    click.echo(render_rows(rows, cols, fmt), nl=False)


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
        raise TunecostError(f"{len(problems)} problem(s) in {folder}")
    click.echo(f"{folder}: price book OK")


@pricing.group("import", context_settings=CONTEXT)
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
        callback=_date,
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
        click.echo(f"wrote {len(rows)} rows to {output}", err=True)
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
    _write_rows(rows, PRICE_COLUMNS, fmt, output)


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
