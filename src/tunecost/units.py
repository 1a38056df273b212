"""The package's one unit registry and the parsing of user-supplied quantities.

Units live at the boundary only: text such as ``"300k requests/month"``,
``"2.49 USD/hour"`` or ``"5 %/month"`` is parsed here, its dimension checked, and it is
converted once to a plain float in the canonical unit the models use. Nothing inside
the models carries a pint Quantity.

Canonical units: USD, hour, token, request, FLOP, byte, and the *billing month* of
730 hours (8,760 h / 12; cloud providers bill a month as 730 h, e.g. AWS EC2 pricing
"730 hours in a month"), with ``year = 12 month``.

``USD``, ``token``, ``request`` and ``FLOP`` are base dimensions of their own so that a
token never converts to a bit or a plain number, and ``"5 USD"`` is refused where a
token count is expected. ``GPU_hour`` and ``engineer_hour`` are names for an hour, so
``"2.49 USD/hour"`` and ``"2.49 USD/GPU_hour"`` mean the same price.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from tunecost.errors import UnitError

if TYPE_CHECKING:  # pint is imported only when a quantity is parsed.
    import pint

HOURS_PER_MONTH = 730.0
"""Billing month in hours: 8,760 h / 12 (AWS and Azure price pages use 730 h/month)."""


_DEFINITIONS = """
USD = [currency] = usd = dollar
token = [token] = tok = tokens
request = [request] = req = requests
FLOP = [compute] = flop = FLOPs = flops
month = 730 * hour = mo = months
year = 12 * month = yr = years
GPU_hour = hour = gpu_hour = GPU_h
engineer_hour = hour = engineer_h
example = [example] = examples
FTE = 1 = fte
"""

# Count suffixes written straight after a number: 7B, 2T, 300k, 1.5M.
_SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "bn": 1e9, "G": 1e9, "T": 1e12}
_SUFFIX_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?|\.\d+)(bn|[kKMBGT])(?![A-Za-z0-9_])")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf)", re.I)
_HOUR_NAMES_RE = re.compile(r"(?i)\b(gpu|engineer)[-_ ]?(hours?|h)\b")
# "USD/1M tokens" means USD per million tokens, not (USD/1e6) x tokens.
_PER_COUNT_RE = re.compile(r"/\s*(\d+(?:\.\d*)?(?:e\d+)?)\s+([A-Za-z_]+)")


@lru_cache(maxsize=1)
def ureg() -> pint.UnitRegistry:
    """The package's unit registry, built on first use."""
    import pint

    try:  # pint's on-disk cache of its parsed definitions cuts the build from ~0.4 s to ~0.05 s
        reg = pint.UnitRegistry(on_redefinition="ignore", cache_folder=":auto:")
    except OSError:  # cache folder not writable
        reg = pint.UnitRegistry(on_redefinition="ignore")
    for line in _DEFINITIONS.strip().splitlines():
        reg.define(line)
    pint.set_application_registry(reg)
    return reg


def normalise(text: str) -> str:
    """Spell counts and hour names so the registry reads them: ``300k`` -> 300000.0,
    ``USD/1M tokens`` -> ``USD/(1M tokens)``, ``GPU-hours`` -> ``GPU_hour``."""
    text = text.strip().replace("\u00a0", " ")
    text = _HOUR_NAMES_RE.sub(lambda m: f"{m.group(1).lower()}_hour", text)
    text = text.replace("gpu_hour", "GPU_hour")
    text = _SUFFIX_RE.sub(lambda m: repr(float(m.group(1)) * _SUFFIX[m.group(2)]), text)
    text = _PER_COUNT_RE.sub(lambda m: f"/({m.group(1)} {m.group(2)})", text)
    return text


def parse_quantity(
    text: str | float | int,
    unit: str,
    *,
    field: str,
    example: str | None = None,
    bare: bool = False,
    positive: bool = False,
    allow_negative: bool = False,
    maximum: float | None = None,
) -> float:
    """Parse ``text`` and return its magnitude in ``unit``.

    Parameters
    ----------
    text
        What the user wrote, e.g. ``"300k requests/month"``; a number passes through
        when ``bare`` is true.
    unit
        The canonical unit to convert to, e.g. ``"request/month"``.
    field
        Option or scenario field name, used in error messages.
    example
        An example of a correct value for the error message.
    bare
        Accept a number with no unit as already being in ``unit``.
    positive
        Refuse zero as well as negative values.
    allow_negative
        Accept negative values (price trends such as ``-25 %/year``).
    maximum
        Refuse values above this (in ``unit``).

    Raises
    ------
    UnitError
        With one line naming ``field``, what was given and what was expected.
    """
    example = example or f"a value in {unit}"
    checks = {
        "unit": unit,
        "field": field,
        "positive": positive,
        "allow_negative": allow_negative,
        "maximum": maximum,
    }
    if isinstance(text, bool):
        raise UnitError(f"expected {example}, got {text!r}", field)
    if isinstance(text, int | float):
        if not bare:
            raise UnitError(f"{text!r} has no unit; write it with one, e.g. {example!r}", field)
        return _check(float(text), text=text, **checks)
    value, shown = _parse_text(str(text), unit, field, example, bare)
    return _check(value, text=shown, **checks)


def _parse_text(raw: str, unit: str, field: str, example: str, bare: bool) -> tuple[float, str]:
    """(magnitude in ``unit``, the text to quote in errors) for what the user wrote."""
    if not raw.strip():
        raise UnitError(f"is empty; expected e.g. {example!r}", field)
    if "$" in raw:
        raise UnitError(f"{raw!r}: write amounts with USD rather than '$', e.g. {example!r}", field)
    text = normalise(raw)
    # A common unit spelling, or a bare number, needs no pint (~0.3 s to import).
    fast = _fast_parse(text, unit)
    if fast is None and _PLAIN_NUMBER_RE.fullmatch(text):
        if not bare:
            raise UnitError(f"{raw!r} has no unit; write it with one, e.g. {example!r}", field)
        fast = float(text)
    if fast is not None:
        return fast, raw
    return _pint_value(text, raw, unit, field, example, bare), text


def _pint_value(text: str, raw: str, unit: str, field: str, example: str, bare: bool) -> float:
    """``text`` parsed by the registry and converted to ``unit``."""
    reg = ureg()
    try:
        q = reg.parse_expression(text)
    except Exception as exc:  # pint raises many types (incl. AssertionError) on bad text
        why = str(exc).replace("is not defined in the unit registry", "is not a known unit")
        raise UnitError(f"cannot read {raw!r} ({why}); expected e.g. {example!r}", field) from None
    if not isinstance(q, reg.Quantity):  # a bare number
        q = reg.Quantity(float(q), "dimensionless")
    if q.units == reg.dimensionless and unit != "dimensionless":
        if not bare:
            raise UnitError(f"{raw!r} has no unit; write it with one, e.g. {example!r}", field)
        return float(q.magnitude)
    try:
        return float(q.to(unit).magnitude)
    except Exception:
        got = f"{q.units}" or "a plain number"
        want = "a plain number (no unit)" if unit == "dimensionless" else unit
        raise UnitError(
            f"{raw!r} is in {got}, which does not convert to {want}; expected e.g. {example!r}",
            field,
        ) from None


# The unit spellings scenarios and options use most, as (canonical unit, factor). A value
# in one of them converts without pint; anything else (and every error message) goes
# through the registry. tests/test_units.py checks each against pint.
_H_PER_MONTH = HOURS_PER_MONTH
FAST_UNITS: dict[str, tuple[str, float]] = {}
for _names, _canon, _factor in (
    (("requests/month", "request/month", "req/month"), "request/month", 1.0),
    (("requests/day", "request/day"), "request/month", _H_PER_MONTH / 24),
    (("requests/hour", "request/hour"), "request/month", _H_PER_MONTH),
    (("tokens", "token"), "token", 1.0),
    (("USD/hour", "USD/GPU_hour", "USD/engineer_hour", "usd/hour"), "USD/hour", 1.0),
    (("USD", "usd"), "USD", 1.0),
    (("USD/month", "usd/month"), "USD/month", 1.0),
    (("USD/example", "usd/example"), "USD/example", 1.0),
    (("engineer_hour", "engineer_hours", "hours", "hour", "GPU_hour"), "hour", 1.0),
    (
        ("engineer_hour/month", "engineer_hours/month", "hours/month", "hour/month"),
        "hour/month",
        1.0,
    ),
    (("months", "month"), "month", 1.0),
    (("years", "year"), "month", 12.0),
    (("ms",), "s", 1e-3),
    (("s", "seconds", "second"), "s", 1.0),
    (("FTE",), "dimensionless", 1.0),
    (("%",), "dimensionless", 0.01),
):
    for _name in _names:
        FAST_UNITS[_name] = (_canon, _factor)
_FAST_RE = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z_%/]+)")


def _fast_parse(text: str, unit: str) -> float | None:
    """``text`` in ``unit`` if it is a number and one of the common unit spellings that
    converts to ``unit``; None to fall back to pint."""
    m = _FAST_RE.fullmatch(text)
    if not m:
        return None
    known = FAST_UNITS.get(m.group(2))
    if known is None or known[0] != unit:
        return None
    return float(m.group(1)) * known[1]


def _check(value: float, *, text, unit, field, positive, allow_negative, maximum) -> float:
    """Refuse NaN, infinities, negatives, zero and values above ``maximum`` as asked."""
    if math.isnan(value) or math.isinf(value):
        raise UnitError(f"must be a finite number, got {text!r}", field)
    if positive and value <= 0:
        raise UnitError(f"must be greater than zero, got {text!r}", field)
    if value < 0 and not allow_negative:
        raise UnitError(f"must not be negative, got {text!r}", field)
    if maximum is not None and value > maximum:
        shown = f"{maximum:g}" if unit == "dimensionless" else f"{maximum:g} {unit}"
        raise UnitError(f"{text!r} is above the largest accepted value {shown}", field)
    return value


def parse_count(
    text: str | float | int,
    *,
    field: str,
    unit: str = "dimensionless",
    example: str = "7B",
    positive: bool = True,
) -> float:
    """Parse a count such as ``7B``, ``2T tokens`` or ``300k``; bare numbers allowed."""
    return parse_quantity(text, unit, field=field, example=example, bare=True, positive=positive)
