"""Exceptions the library raises; the CLI maps them to exit codes.

``InputError`` and its subclasses mean the user asked for something that cannot be
answered as asked (exit 2). ``TunecostError`` is any other known failure (exit 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class TunecostError(Exception):
    """A known failure that is not the user's input (exit code 1)."""


class InputError(TunecostError):
    """Bad input: a value, unit, name or file the user supplied (exit code 2).

    ``field`` names the parameter or scenario field at fault so the message can say
    where to look. The library speaks its own names (``gpus``, ``tpot_slo``,
    ``paths.x.serving.gpus``); the command line shows its option for a name it knows
    (``--gpus``). ``absolute`` marks a field named from the top of the scenario.
    """

    def __init__(self, message: str, field: str | None = None, *, absolute: bool = False):
        self.field = field
        self.message = message
        self.absolute = absolute
        super().__init__(f"{field}: {message}" if field else message)

    def under(self, prefix: str) -> InputError:
        """The same error placed in a scenario: a field named relative to the call that
        raised it (``gpus`` from the serving estimator) is put under ``prefix``
        (``paths.x.serving.gpus``). An error without a field, or one that already names
        its place in the scenario (``absolute``), is returned as it is."""
        if not self.field or self.absolute:
            return self
        err = type(self).__new__(type(self))  # subclasses keep their attributes (suggestions)
        err.__dict__.update(self.__dict__)
        InputError.__init__(err, self.message, f"{prefix}.{self.field}", absolute=True)
        return err


@contextmanager
def within(prefix: str) -> Iterator[None]:
    """Report input errors raised inside the block under ``prefix`` (see
    :meth:`InputError.under`)."""
    try:
        yield
    except InputError as exc:
        raise exc.under(prefix) from None


class UnitError(InputError):
    """A quantity that does not parse or has the wrong dimension."""


FEW = 10
"""Known names an unknown-name error lists in full instead of pointing to a listing."""


class UnknownNameError(InputError):
    """A model, GPU, provider or offer id that the tables do not know: the message
    suggests close names, or lists a short table, or points to ``listing`` (the
    command(s) that show the known names, quoted as the message prints them)."""

    def __init__(
        self,
        kind: str,
        name: str,
        known: Iterable[str],
        field: str | None = None,
        listing: str = "`tunecost pricing list`",
    ):
        self.kind = kind
        self.name = name
        known = list(known)
        self.suggestions = suggest(name, known)
        if self.suggestions:
            hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
        elif len(known) <= FEW:  # a short table: name them all
            hint = f"; known {kind}s: {', '.join(known)}"
        else:
            hint = f"; see {listing} for the known {kind}s"
        super().__init__(f"unknown {kind} {name!r}{hint}", field)


class PriceBookError(InputError):
    """A price or hardware table that is missing, malformed or inconsistent: a book the
    user points to is input like any other (exit 2)."""


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
