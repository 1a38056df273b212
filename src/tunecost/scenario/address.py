"""Addresses of scenario fields, with path names as data rather than syntax.

An address is a tuple of keys from the top of the scenario: ``("workload",
"requests")``, or ``("paths", "gpt-4.1-prompt", "input_tokens")`` for a field of a path,
named by the path's name. It is written ``paths.NAME.field`` when the name is plain, and
``paths[NAME].field`` when the name has a dot, a bracket, surrounding spaces or is all
digits, so every name a user can type can be addressed. Reading accepts both spellings,
``paths.NAME.field`` also for a dotted name when only one path's name fits, and a
path's position (``paths.0.field``).
"""

from __future__ import annotations

import difflib
import re

from tunecost.errors import InputError

Address = tuple[str, ...]

_BRACKET = re.compile(r"paths\[(.*?)\](?:\.(.*))?", re.S)


def plain_name(name: str) -> bool:
    """Whether ``name`` can be written between dots without brackets."""
    return bool(name) and name == name.strip() and not name.isdigit() and not set(".[]") & set(name)


def format_address(address: Address) -> str:
    """``("paths", "a.b", "x")`` -> ``paths[a.b].x``; other addresses joined by dots."""
    if len(address) >= 2 and address[0] == "paths":
        name = address[1]
        head = f"paths.{name}" if plain_name(name) else f"paths[{name}]"
        return ".".join([head, *address[2:]])
    return ".".join(address)


def parse_address(text: str, names: list[str], field: str) -> Address:
    """The address ``text`` spells, given the scenario's path ``names`` in order.

    Raises
    ------
    InputError
        Naming ``field`` when ``text`` names no path, or fits two path names.
    """
    text = text.strip()
    m = _BRACKET.fullmatch(text)
    if m:
        name = _bracketed(m.group(1), names, field)
        rest = m.group(2)
        return ("paths", name, *(rest.split(".") if rest else ()))
    if not text.startswith("paths."):
        return tuple(text.split("."))
    rest = text[len("paths.") :]
    first = rest.split(".")[0]
    if first.isdigit() and int(first) < len(names) and first not in names:
        name = names[int(first)]
        return ("paths", name, *rest.split(".")[1:])
    fits = [n for n in names if rest == n or rest.startswith(n + ".")]
    if len(fits) > 1:
        spelled = " or ".join(format_address(("paths", n)) for n in fits)
        raise InputError(f"{text}: could name path {spelled}; write it in brackets", field)
    if not fits:
        raise InputError(f"paths.{first}: no path named {first!r}{_hint(first, names)}", field)
    name = fits[0]
    tail = rest[len(name) + 1 :]
    return ("paths", name, *(tail.split(".") if tail else ()))


def _bracketed(inside: str, names: list[str], field: str) -> str:
    """The path a bracket names: a name, else a position."""
    if inside in names:
        return inside
    if inside.isdigit() and int(inside) < len(names):
        return names[int(inside)]
    raise InputError(f"paths[{inside}]: no path named {inside!r}{_hint(inside, names)}", field)


def _hint(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, 1)
    return f"; did you mean {close[0]!r}?" if close else f"; paths: {', '.join(names)}"
