"""``tunecost schema`` and ``tunecost init``: help for writing scenario files.

``schema`` prints the JSON Schema editors use to complete and check a scenario (VS Code
with the YAML extension, and any editor using yaml-language-server, read it from a
``# yaml-language-server: $schema=...`` first line). ``init`` writes a commented starter
scenario with all four kinds of path, filled in from a few answers, that ``compare``
runs as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from tunecost.cli.base import Command
from tunecost.cli.options import (
    CONTEXT,
    TRAFFIC,
    command_book,
    emit,
    output_flag,
    output_option,
)
from tunecost.errors import InputError
from tunecost.output.files import say_when_written

SCHEMA_FILE = Path("docs") / "scenario.schema.json"


def shipped_schema() -> Path | None:
    """The schema file shipped with tunecost (in the wheel, or the checkout's docs/)."""
    package = Path(__file__).resolve().parents[1]
    for path in (package / SCHEMA_FILE, package.parent.parent / SCHEMA_FILE):
        if path.is_file():
            return path
    return None


@click.command(cls=Command, context_settings=CONTEXT)
@output_option("Write the schema to this file instead of the terminal.")
def schema(output):
    """Print the JSON Schema of a scenario file, for editors and other programs.

    It is generated from the same field descriptions as docs/scenarios.md. Point an
    editor at it with a first line in the scenario file, as the bundled examples do:

    \b
      # yaml-language-server: $schema=scenario.schema.json

    \b
    Examples:
      tunecost schema --output scenario.schema.json
      tunecost schema | python -m json.tool > /dev/null
    """
    from tunecost.output.files import check_output_path
    from tunecost.scenario.schema import schema_text

    if output:
        check_output_path(output, output_flag())
    emit(schema_text(), output)


def _schema_ref(target: Path) -> str | None:
    """How ``target`` (a new scenario file) names the shipped schema: a relative path,
    or a file URI when there is none (another drive)."""
    found = shipped_schema()
    if found is None:
        return None
    try:
        return Path(os.path.relpath(found, target.resolve().parent)).as_posix()
    except ValueError:
        return found.as_uri()


def _requests_text(value: float) -> str:
    from tunecost.output.numbers import compact

    short = compact(value)
    scale = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}.get(short[-1], 1.0)
    number = float(short.rstrip("kMBT")) * scale if short[-1] in "kMBT" else float(short)
    exact = abs(number - value) <= 1e-9 * max(1.0, abs(value))
    return f"{short if exact else f'{value:.0f}'} requests/month"


@click.command(cls=Command, context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", default="my-feature", show_default=True, help="Name of the feature.")
@click.option(
    "--requests",
    type=TRAFFIC,
    default="300k requests/month",
    show_default=True,
    help="Requests in the first month.",
)
@click.option("--growth", default="3 %/month", show_default=True, help="Compound traffic growth.")
@click.option(
    "--input-tokens",
    type=click.IntRange(1, 10_000_000),
    default=1800,
    show_default=True,
    help="Prompt tokens per request when prompting.",
)
@click.option(
    "--output-tokens",
    type=click.IntRange(1, 10_000_000),
    default=250,
    show_default=True,
    help="Output tokens per request.",
)
@click.option("--model", default="gpt-4.1-mini", show_default=True, help="API model to prompt.")
@click.option("--provider", default="openai", show_default=True, help="Who sells --model.")
@click.option("--months", type=click.IntRange(1, 240), default=36, show_default=True)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def init(file, force, **answers):
    """Write a starter scenario to FILE: the four kinds of path, with comments.

    The options answer its questions; every other number is a marked guess to replace.
    The file is checked by pricing it before it is written, so `tunecost compare FILE`
    runs it as it is.

    \b
    Examples:
      tunecost init my-feature.yaml
      tunecost init classifier.yaml --requests "2M requests/month" --input-tokens 900 \\
          --output-tokens 5 --model gpt-4.1-nano
    """
    import yaml

    from tunecost.analysis.compare import compare
    from tunecost.output.files import check_output_path, write_atomic
    from tunecost.scenario.fields import parse_rate
    from tunecost.scenario.loading import parse_scenario
    from tunecost.scenario.starter import Answers, starter_text

    path = check_output_path(file, "FILE")
    if path.exists() and not force:
        raise InputError(f"{file} exists; give another name or --force to replace it", "file")
    try:
        parse_rate(answers["growth"])
    except ValueError as exc:
        raise InputError(str(exc), "growth") from None
    answers["requests"] = _requests_text(answers["requests"])
    text = starter_text(Answers(**answers), file, _schema_ref(path))
    compare(parse_scenario(yaml.safe_load(text), path.name), book=command_book())
    write_atomic(path, text, "FILE")
    say_when_written(f"wrote {file}; run it: tunecost compare {file}")
