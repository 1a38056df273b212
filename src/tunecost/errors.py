"""Exceptions the library raises; the CLI maps them to exit codes.

``InputError`` and its subclasses mean the user asked for something that cannot be
answered as asked (exit 2). ``TunecostError`` is any other known failure (exit 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class TunecostError(Exception):
    """A known failure that is not the user's input (exit code 1)."""


class InputError(TunecostError):
    """Bad input: a value, unit, name or file the user supplied (exit code 2).

    ``field`` names the option or scenario field at fault so the message can say
    where to look.
    """

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)

    def relabel(self, prefix: str, renames: dict[str, str] | None = None) -> InputError:
        """The same error reported against a scenario field: ``--gpus`` under prefix
        ``paths.x.serving`` becomes ``paths.x.serving.gpus``. Fields that are not
        command-line options are kept."""
        if not (self.field or "").startswith("--"):
            return self
        name = self.field.lstrip("-").replace("-", "_")
        name = (renames or {}).get(name, name)
        err = type(self).__new__(type(self))
        InputError.__init__(err, self.message, f"{prefix}.{name}")
        err.__dict__.update(
            {k: v for k, v in self.__dict__.items() if k not in ("field", "message", "args")}
        )
        return err


class UnitError(InputError):
    """A quantity that does not parse or has the wrong dimension."""


class UnknownNameError(InputError):
    """A model, GPU, provider or offer id that the tables do not know."""

    def __init__(self, kind: str, name: str, known: Iterable[str], field: str | None = None):
        self.kind = kind
        self.name = name
        self.suggestions = suggest(name, known)
        hint = (
            f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else f"; see `tunecost pricing list` for the known {kind}s"
        )
        super().__init__(f"unknown {kind} {name!r}{hint}", field)


class PriceBookError(TunecostError):
    """A price or hardware table that is missing, malformed or inconsistent."""


def suggest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Close names for ``name`` among ``known`` (case-insensitive), best first."""
    known = list(known)
    lowered = {k.lower(): k for k in known}
    key = name.lower().strip()
    hits = difflib.get_close_matches(key, list(lowered), n=n, cutoff=0.6)
    # Substring matches catch "llama-3.1" -> "llama-3.1-8b" that difflib scores low.
    if len(hits) < n:
        for k in sorted(lowered):
            if key and key in k and k not in hits:
                hits.append(k)
            if len(hits) >= n:
                break
    return [lowered[h] for h in hits]
