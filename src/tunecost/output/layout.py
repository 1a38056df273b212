"""Text that fits a terminal: tables narrowed in a stated order, prose wrapped, and the
warnings of a run summarised in one line.

A table is a list of row dicts and the :class:`Column` s to show. :func:`fit_table`
tries these layouts in order and keeps the first that is no wider than ``width``:

1. every column, as given (always, when ``width`` is None: ``--wide``, a file, a pipe);
2. abbreviated: each column's short header and brief cells, where it has them;
3. columns dropped one at a time, in their ``drop`` order (1 first);
4. the cells of ``squeeze`` columns (names) cut in the middle with "…", down to the
   column's ``squeeze`` width.

It returns the text and the headers of the columns it left out, so the caller can say
which (:func:`left_out_line`). Widths count characters; every cell is one line.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from tunecost.output.numbers import human

ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """One column of a table that fits: ``key`` of its cells in the rows, its header,
    a ``short`` header and the row key of ``brief`` cells for the abbreviated layout,
    the order in which it is dropped (``drop``, None: never), the narrowest width its
    cells may be cut to (``squeeze``, None: never cut) and its alignment."""

    key: str
    header: str
    short: str | None = None
    brief: str | None = None
    drop: int | None = None
    squeeze: int | None = None
    right: bool = False


@dataclass(frozen=True)
class Fitted:
    """A table's text and the headers of the columns left out to fit."""

    text: str
    left_out: list[str]


def _cells(rows: list[dict], cols: Sequence[Column], short: bool) -> list[list[str]]:
    header = [(c.short if short and c.short else c.header) for c in cols]
    body = [
        [human(r.get(c.brief if short and c.brief and c.brief in r else c.key)) for c in cols]
        for r in rows
    ]
    return [header, *body]


def _widths(table: list[list[str]]) -> list[int]:
    return [max(len(row[i]) for row in table) for i in range(len(table[0]))]


def _total(widths: list[int]) -> int:
    return sum(widths) + 2 * (len(widths) - 1)


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with "…" in the middle (names keep their
    start and their end: ``llama-8b…selfhost``)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = width // 2
    tail = width - 1 - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def _squeeze(table: list[list[str]], cols: Sequence[Column], width: int) -> list[list[str]]:
    """The table with the cells of squeezable columns cut so it fits ``width`` (or as
    near as their narrowest widths allow)."""
    widths = _widths(table)
    over = _total(widths) - width
    for i, c in enumerate(cols):
        if over <= 0 or c.squeeze is None or widths[i] <= c.squeeze:
            continue
        new = max(c.squeeze, widths[i] - over)
        over -= widths[i] - new
        widths[i] = new
        table = [[cut(v, new) if j == i else v for j, v in enumerate(row)] for row in table]
    return table


def _text(table: list[list[str]], cols: Sequence[Column]) -> str:
    widths = _widths(table)
    out = []
    for n, row in enumerate(table):
        cells = [
            v.rjust(w) if c.right and n else v.ljust(w)
            for v, w, c in zip(row, widths, cols, strict=True)
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


def fit_table(rows: list[dict], columns: Sequence[Column], width: int | None) -> Fitted:
    """``rows`` as an aligned table no wider than ``width`` if it can be (see the module
    docstring for the order of the steps); every column when ``width`` is None."""
    cols = list(columns)
    table = _cells(rows, cols, short=False)
    if width is None or _total(_widths(table)) <= width:
        return Fitted(_text(table, cols), [])
    left_out: list[str] = []
    table = _cells(rows, cols, short=True)
    for c in sorted((c for c in cols if c.drop is not None), key=lambda c: c.drop):
        if _total(_widths(table)) <= width:
            break
        cols.remove(c)
        left_out.append(c.header)
        table = _cells(rows, cols, short=True)
    if _total(_widths(table)) > width:
        table = _squeeze(table, cols, width)
    return Fitted(_text(table, cols), left_out)


def left_out_line(left_out: Sequence[str], width: int | None) -> str:
    """Which columns a narrowed table left out, and how to see them ("" if none)."""
    if not left_out:
        return ""
    return wrap(
        f"(left out to fit {width} columns: {', '.join(left_out)}; --wide shows all)", width
    )


def wrap(text: str, width: int | None, indent: str = "") -> str:
    """``text`` wrapped to ``width`` (unchanged when None), continuation lines indented
    by ``indent``. Words longer than a line (URLs) are broken."""
    if width is None or len(text) <= width:
        return text
    return textwrap.fill(
        text,
        width,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=True,
    )


def wrap_lines(lines: Sequence[str], width: int | None) -> list[str]:
    """Each line wrapped to ``width``; a ``label: text`` line (``note:``,
    ``assumption:``) continues under its text."""
    out = []
    for line in lines:
        m = re.match(r"^(assumption|note|warning): ", line)
        indent = " " * len(m.group(0)) if m else "  "
        out += wrap(line, width, indent).split("\n")
    return out


_STALE = re.compile(
    r"^(?P<table>[\w.-]+): (?P<provider>.+?) prices retrieved (?P<date>\d{4}-\d{2}-\d{2}), "
    r"(?P<age>\d+) days"
)
_TABLE_WORDS = {
    "api_models.csv": "API",
    "finetune_prices.csv": "fine-tuning",
    "gpu_offers.csv": "GPU",
}


def warning_summary(warnings: Sequence[str], width: int | None = None) -> str | None:
    """The warnings of one run as one line (None when there are none): the price tables
    read long ago, by provider and date, and how many other warnings there are. The JSON
    output and the report list each warning in full."""
    if not warnings:
        return None
    stale = [m for w in warnings if (m := _STALE.match(w))]
    others = len(warnings) - len(stale)
    if not stale:
        only = f"warning: {warnings[0]}"
        if others == 1 and (width is None or len(only) <= width):
            return only
        return f"warning: {others} warnings; --format json lists them"
    age = min(int(m["age"]) for m in stale)
    items = [
        f"{m['provider']} {_TABLE_WORDS.get(m['table'], m['table'])} {m['date']}" for m in stale
    ]
    extra = f"; {others} other warning{'s' * (others > 1)} (--format json lists them)" * bool(
        others
    )
    head = f"warning: prices read {age}+ days before use: "
    for tail in (f"{extra}; check: tunecost pricing stale", extra, ""):
        for shown in range(len(items), 0, -1):
            more = len(items) - shown
            line = head + ", ".join(items[:shown]) + (f" and {more} more" if more else "") + tail
            if width is None or len(line) <= width:
                return line
    tables = f"{len(items)} price table{'s' * (len(items) > 1)}"
    return cut(f"warning: {tables} read {age}+ days before use{extra}", width)
