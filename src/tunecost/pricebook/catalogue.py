"""What every catalogue importer checks: bounded parsing, sane values, honest counts.

The importers (:mod:`tunecost.pricebook.importers`, :mod:`tunecost.pricebook.genai_prices`)
read files written by others. They never guess: JSON with a key given twice, nested deeper
than :data:`MAX_DEPTH` or with an integer of more than :data:`MAX_DIGITS` digits, YAML with
anchors, a CSV with a repeated header or a cell over the CSV cell cap, and a ``retrieved``
date in the future are refused in one line. A value that is not a price (text such as
``$0.80``, a boolean, NaN, infinity, a negative number, more than the ceilings below) is
skipped and counted under its reason in :attr:`ImportedRows.skipped`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from tunecost.errors import InputError
from tunecost.pricebook.reading import MAX_CELL_CHARS, duplicate_columns

MAX_USD_PER_GPU_HOUR = 1_000.0
"""Highest price per GPU-hour an importer accepts (the dearest GPU rents for about 15)."""
MAX_USD_PER_MTOK = 10_000.0
"""Highest price per million tokens an importer accepts (the dearest model costs 600)."""
MAX_GPUS_PER_OFFER = 64
"""Most GPUs one offer (an instance) may have; real instances have 1 to 16."""
MAX_DEPTH = 64
"""Deepest nesting of lists and objects a catalogue may use (real ones use 8)."""
MAX_DIGITS = 30
"""Longest integer, in digits, a catalogue may write (token counts have 7)."""


class ImportedRows(list):
    """The rows an importer made (a list), with ``skipped``: how many entries or values
    it left out, by reason, and ``notes``: one line per reason, for the user."""

    def __init__(self, rows=(), skipped: Counter | dict | None = None, notes=()):
        super().__init__(rows)
        self.skipped: dict[str, int] = dict(skipped or {})
        self.notes: list[str] = list(notes) or [
            f"skipped {n} {reason}" for reason, n in sorted(self.skipped.items())
        ]


def check_retrieved(retrieved: dt.date | None, field: str = "retrieved") -> dt.date:
    """``retrieved``, or today when None; a date after today is refused."""
    today = dt.date.today()
    if retrieved is not None and retrieved > today:
        raise InputError(f"{retrieved} is in the future (today is {today})", field)
    return retrieved or today


def price_problem(value: Any, ceiling: float, unit: str) -> str | None:
    """Why ``value`` (already a number, or the text of one) is no price, or None."""
    if isinstance(value, bool):
        return "prices that are true or false, not a number"
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return "prices that are not a number (e.g. '$0.80')"
    if not isinstance(value, int | float):
        return "prices that are not a number"
    if not math.isfinite(value):
        return "prices that are NaN or infinite"
    if value < 0:
        return "negative prices"
    if value > ceiling:
        return f"prices above {ceiling:,.0f} {unit}"
    return None


class _Refused(Exception):
    """A catalogue beyond a bound; the message says which."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"key {key!r} is given twice in one object")
        out[key] = value
    return out


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"an integer of {len(text.lstrip('-'))} digits")
    return int(text)


def read_text(path: Path, what: str, field: str) -> str:
    """The UTF-8 text of a catalogue file (``what`` names it), or one line saying why not."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", field) from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; expected {what}", field) from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; expected {what}", field) from None
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({exc.strerror})", field) from None


def load_json(text: str, path: Path, what: str, field: str) -> Any:
    """JSON data, bounded: duplicate keys, deep nesting and huge integers refused."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_int)
        _check_depth(data)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not JSON (line {exc.lineno}); expected {what}", field
        ) from None
    except _Refused as exc:
        raise InputError(f"{path}: {exc}; expected {what}", field) from None
    except RecursionError:
        raise InputError(f"{path} nests deeper than {MAX_DEPTH} levels", field) from None
    return data


def _check_depth(data: Any) -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH` (walked without recursion)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _Refused(f"nests deeper than {MAX_DEPTH} levels")
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


class _CatalogueLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases (price lists need none) and bounded depth."""

    _level = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _Refused("uses YAML aliases (*name); a price list is plain data")
        opens = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        self._level += bool(opens)
        if self._level > MAX_DEPTH:
            raise _Refused(f"nests deeper than {MAX_DEPTH} levels")
        node = super().compose_node(parent, index)
        self._level -= bool(opens)
        return node


def load_yaml(text: str, path: Path, what: str, field: str) -> Any:
    """YAML data (YAML 1.1, as genai-prices writes it), without aliases, bounded depth."""
    try:
        return yaml.load(text, Loader=_CatalogueLoader)  # a safe loader
    except _Refused as exc:
        raise InputError(f"{path} {exc}; expected {what}", field) from None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2025-02-30
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark else ""
        raise InputError(f"{path} is not JSON or YAML{line}; expected {what}", field) from None


def csv_rows(text: str, path: Path, what: str, field: str) -> tuple[list[str], list[dict]]:
    """The header and rows of a CSV file; a repeated column or an oversized cell is
    refused in one line."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = list(reader.fieldnames or [])
        twice = duplicate_columns(header)
        if twice:
            raise InputError(f"{path}: {twice}; expected {what}", field)
        return header, list(reader)
    except csv.Error as exc:
        row = f", row {reader.line_num}" if reader.line_num else ""
        raise InputError(f"{path}{row}: {_csv_problem(exc)}; expected {what}", field) from None


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_CELL_CHARS:,} characters"
    return text
