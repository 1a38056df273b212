"""What a scenario field holds: one public description per field type.

A :class:`FieldSpec` says what a field takes (a quantity in a unit, a compound rate, a
month, a retrain policy), an example, its bounds and whether it may be a range. The same
object parses the field (as a pydantic validator), and is read back by the walker
(:mod:`tunecost.scenario.walk`) for sensitivity and threshold, by ``--set``, and by the
generator of ``docs/scenarios.md``: :func:`spec_of` finds it on any model field.

Quantities are strings with units (``300k requests/month``, ``90 USD/hour``); a bare
number is accepted only where the unit is unambiguous (tokens per request, counts).
A mapping gives a distribution (see :mod:`tunecost.scenario.distributions`).
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator

from tunecost.errors import UnitError
from tunecost.scenario.distributions import Dist, parse_dist
from tunecost.units import parse_quantity

RATE_LOWER = -0.999999
"""Lowest compound rate: a fall of (almost) 100% per period."""


@dataclass(frozen=True)
class FieldSpec:
    """The type of one scenario field: ``kind`` is ``quantity``, ``rate``, ``month`` or
    ``retrain``; a quantity has a canonical ``unit``, an ``example`` and bounds."""

    kind: str
    unit: str = ""
    example: str = ""
    bare: bool = False
    positive: bool = False
    allow_negative: bool = False
    maximum: float | None = None
    minimum: float | None = None  # a floor above zero, e.g. a PUE of at least 1
    ranges: bool = True

    @property
    def numeric(self) -> bool:
        """A number an analysis may vary (latency targets and counts are settings)."""
        return self.kind == "rate" or (self.kind in ("quantity", "request-tokens") and self.ranges)

    def bounds_for(self, value: Any = None) -> tuple[float, float]:
        """(lowest, highest) value the field accepts; a rate's depend on its period (at
        most doubling every month)."""
        if self.kind == "rate":
            period = value[1] if isinstance(value, tuple) else 1.0
            return RATE_LOWER, 2**period - 1
        lower = -np.inf if self.allow_negative else 0.0
        lower = lower if self.minimum is None else max(lower, self.minimum)
        return lower, np.inf if self.maximum is None else self.maximum

    @property
    def doc(self) -> str:
        """How the field is written, for the scenario reference."""
        return {
            "month": "month, e.g. `2027-06`",
            "rate": "rate, e.g. `4 %/month`",
            "retrain": "`on-new-base-model` \\| `never` \\| `every N months`",
        }.get(self.kind, f"e.g. `{self.example}`")

    def parse(self, value: Any) -> Any:
        """The field's value from what the user wrote (a pydantic before-validator)."""
        return _PARSERS[self.kind](self, value)

    def scalar(self, value: Any, *, spread: bool = False) -> float:
        """One value in ``unit``; ``spread`` parses a standard deviation (no bounds)."""
        try:
            x = parse_quantity(
                value,
                self.unit,
                field="",
                example=self.example,
                bare=self.bare,
                # a floored field states its floor for zero and negatives too
                positive=self.positive and not spread and self.minimum is None,
                allow_negative=(self.allow_negative or self.minimum is not None) and not spread,
                maximum=None if spread else self.maximum,
            )
        except UnitError as exc:
            raise ValueError(str(exc).lstrip(": ")) from None
        if self.minimum is not None and not spread and x < self.minimum:
            raise ValueError(f"{x:g} is below {self.minimum:g}, the smallest accepted value")
        return x


def _parse_quantity(spec: FieldSpec, value: Any) -> float | Dist:
    if not isinstance(value, str | int | float | dict) or isinstance(value, bool):
        raise ValueError(f"expected a value like {spec.example!r}, got a {type(value).__name__}")
    if isinstance(value, dict):
        if not spec.ranges:
            raise ValueError("a range is not supported here; give one value")
        lower, upper = spec.bounds_for()
        dist = parse_dist(
            value, spec.scalar, lambda v: spec.scalar(v, spread=True), lower=lower, upper=upper
        )
        return _within_bounds(spec, dist)
    return spec.scalar(value)


TAIL_SD = 3.0
"""Standard deviations of a normal or lognormal range that must stay inside a bounded
field (99.7% of a normal's draws)."""


def _within_bounds(spec: FieldSpec, dist: Dist) -> Dist:
    """Refuse a normal or lognormal range whose tails leave the field's bounds where
    clipping would give wrong numbers: below zero for a field that must be above zero
    (a divisor), or outside ``minimum..maximum`` for a field with a floor (a factor).
    Other fields clip their draws at their bounds (a count cannot go negative)."""
    if dist.kind not in ("normal", "lognormal") or not (spec.positive or spec.minimum):
        return dist
    centre, spread = dist.params
    if dist.kind == "normal":
        lo, hi = centre - TAIL_SD * spread, centre + TAIL_SD * spread
    else:
        lo, hi = centre * np.exp(-TAIL_SD * spread), centre * np.exp(TAIL_SD * spread)
    floor = spec.minimum if spec.minimum is not None else 0.0
    if lo < floor or (lo == 0.0 and spec.positive):
        raise ValueError(
            f"the range reaches {lo:.3g} within 3 standard deviations, below "
            f"{'the smallest accepted value ' + format(floor, 'g') if floor else 'zero'}; "
            "narrow it or give low and high"
        )
    if spec.minimum is not None and spec.maximum is not None and hi > spec.maximum:
        raise ValueError(
            f"the range reaches {hi:.3g} within 3 standard deviations, above the largest "
            f"accepted value {spec.maximum:g}; narrow it or give low and high"
        )
    return dist


class TextAmount(float):
    """A prompt or answer length given in words or characters (``1,200 words``), turned
    into tokens by the reference tokenizer of the scenario when it is priced."""

    unit: str

    def __new__(cls, value: float, unit: str) -> TextAmount:
        obj = float.__new__(cls, value)
        obj.unit = unit
        return obj

    def __repr__(self) -> str:
        return f"{float(self):g} {self.unit}s"


_TEXT_RE = re.compile(
    r"^\s*(\d[\d,]*(?:\.\d+)?)\s*([kKM]?)\s*(words?|characters?|chars?)\s*$", re.I
)
_COUNT_SUFFIX = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6}


def _parse_text_or_tokens(spec: FieldSpec, value: Any) -> float | Dist:
    """Tokens (with ranges), or one length in words or characters."""
    m = _TEXT_RE.match(value) if isinstance(value, str) else None
    if m is None:
        return _parse_quantity(spec, value)
    amount = float(m.group(1).replace(",", "")) * _COUNT_SUFFIX[m.group(2)]
    if not 0 < amount <= 1e7:
        raise ValueError(f"{value!r}: give a length above zero and at most 10M")
    return TextAmount(amount, "word" if m.group(3).lower().startswith("w") else "character")


def quantity(unit: str, example: str, **options) -> Any:
    """An annotated float field in ``unit`` (a range allowed unless ``ranges=False``)."""
    spec = FieldSpec("quantity", unit, example, **options)
    return Annotated[float | Dist, BeforeValidator(spec.parse), spec]


# Upper bounds refuse values that are surely typos (a billion tokens per request, an
# engineer at 1M USD/hour) rather than plan for them.
Requests = quantity("request/month", "300k requests/month", maximum=1e11)
PositiveTokens = quantity("token", "1800", bare=True, positive=True, maximum=1e7)
_REQUEST_TOKENS = FieldSpec(
    "request-tokens", "token", "1800 or 1,200 words", bare=True, positive=True, maximum=1e7
)
RequestTokens = Annotated[
    float | Dist | TextAmount, BeforeValidator(_REQUEST_TOKENS.parse), _REQUEST_TOKENS
]
"""Tokens per request, or the same in words or characters."""
Examples = quantity("dimensionless", "4000", bare=True, positive=True, maximum=1e9)
Epochs = quantity("dimensionless", "3", bare=True, positive=True, maximum=100.0)
Fraction = quantity("dimensionless", "0.5 or 50%", bare=True, maximum=1.0)
PositiveFraction = quantity("dimensionless", "0.4", bare=True, positive=True, maximum=1.0)
USDPerHour = quantity("USD/hour", "90 USD/hour", bare=True, maximum=1e4)
USD = quantity("USD", "500 USD", bare=True, maximum=1e8)
USDPerMonth = quantity("USD/month", "400 USD/month", maximum=1e8)
USDPerExample = quantity("USD/example", "0.60 USD/example", bare=True, maximum=1e4)
Hours = quantity("hour", "40 engineer_hour", bare=True, maximum=1e5)
RunHours = quantity("hour", "4.5 hours", bare=True, positive=True, maximum=1e5)
HoursPerMonth = quantity("hour/month", "6 engineer_hour/month", maximum=1e5)
FTEHours = quantity("hour/month", "173 hour/month", bare=True, positive=True, maximum=744.0)
FTE = quantity("dimensionless", "0.2 FTE", bare=True, maximum=1000.0)
Months = quantity("month", "6 months", positive=True, maximum=240.0)
Seconds = quantity("s", "50 ms", positive=True, maximum=3600.0, ranges=False)
USDPerToken = quantity("USD/token", "2.5 USD/1M tokens", maximum=1.0)
Share = quantity("dimensionless", "0.1 or 10%", bare=True, maximum=100.0)
Tokens = quantity("token", "5M tokens", bare=True, maximum=1e13)
PriceFactor = quantity("dimensionless", "0.8", bare=True, positive=True, maximum=100.0)
Factor = quantity("dimensionless", "3", bare=True, positive=True, maximum=1000.0)
Scale = quantity("dimensionless", "0.8", bare=True, positive=True, minimum=0.1, maximum=10.0)

_RATE_RE = re.compile(
    r"^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(%|percent)?\s*(?:/|per)\s*"
    r"(day|week|month|quarter|year)s?\s*$",
    re.I,
)
_PERIOD_MONTHS = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "quarter": 3.0, "year": 12.0}


def parse_rate(value: Any) -> tuple[float | Dist, float]:
    """``"4 %/month"`` -> (0.04, 1); ``"-25 %/year"`` -> (-0.25, 12): a compound rate and
    the period it is stated over, in months. The period is kept so that -25 %/year means
    prices x 0.75 after 12 months, exactly. A mapping gives a distribution over the rate;
    all its values must be stated over the same period."""
    if isinstance(value, dict):
        periods = {parse_rate(v)[1] for k, v in value.items() if k not in ("dist", "sigma")}
        if len(periods) > 1:
            raise ValueError("state every value of the range over the same period, e.g. %/month")
        period = periods.pop() if periods else 1.0
        dist = parse_dist(
            value,
            lambda v: parse_rate(v)[0],
            lambda v: abs(parse_rate(v)[0]),
            lower=RATE_LOWER,
            upper=2**period - 1,
        )
        return dist, period
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return 0.0, 1.0
    m = _RATE_RE.match(str(value))
    if not m:
        raise ValueError(
            f"cannot read {value!r} as a rate; expected e.g. '4 %/month' or '-25 %/year'"
        )
    number = float(m.group(1)) / (100.0 if m.group(2) else 1.0)
    period = _PERIOD_MONTHS[m.group(3).lower()]
    if number <= -1:
        raise ValueError(f"{value!r} would make the value zero or negative")
    if (1 + number) ** (1 / period) > 2:
        raise ValueError(f"{value!r} is more than doubling every month; check the unit")
    return number, period


LATEST_MONTH = dt.date(9979, 12, 1)
"""The latest month a scenario may name: a plan of up to 240 months (20 years) that starts
then still ends within year 9999, the last the calendar (``datetime``) can count."""


def parse_month(value: Any) -> dt.date:
    """``2027-01`` (or a date, ``2027-01-15``) -> the first day of that month. A day that
    the month does not have (``2027-02-30``) or a month after :data:`LATEST_MONTH` is
    refused."""
    if isinstance(value, dt.date):
        day = value
    else:
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*", str(value))
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
            raise ValueError(f"{value!r} is not a month; write YYYY-MM, e.g. 2027-01")
        year, month = int(m.group(1)), int(m.group(2))
        try:
            day = dt.date(year, month, int(m.group(3) or 1))
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date: {dt.date(year, month, 1):%B %Y} has no day "
                f"{int(m.group(3))}; write YYYY-MM, e.g. {year}-{month:02d}"
            ) from None
    if day > LATEST_MONTH.replace(day=31):
        raise ValueError(
            f"{value!r} is too far ahead: months after {LATEST_MONTH:%Y-%m} are refused "
            "(a plan of up to 240 months must end by 9999-12)"
        )
    return day.replace(day=1)


_RETRAIN_RE = re.compile(r"^\s*every\s+(\d+(?:\.\d+)?)\s*months?\s*$", re.I)


def parse_retrain(value: Any) -> str | float:
    """``on-new-base-model``, ``never`` or ``every N months`` (-> N)."""
    text = str(value).strip().lower()
    if text in ("on-new-base-model", "never"):
        return text
    m = _RETRAIN_RE.match(text)
    if m and float(m.group(1)) > 0:
        return float(m.group(1))
    raise ValueError(f"{value!r}: write 'on-new-base-model', 'never' or 'every N months'")


_PARSERS = {
    "quantity": _parse_quantity,
    "request-tokens": _parse_text_or_tokens,
    "rate": lambda _spec, v: parse_rate(v),
    "month": lambda _spec, v: parse_month(v),
    "retrain": lambda _spec, v: parse_retrain(v),
}

_RATE, _MONTH, _RETRAIN = FieldSpec("rate", "rate"), FieldSpec("month"), FieldSpec("retrain")
Rate = Annotated[tuple[float | Dist, float], BeforeValidator(_RATE.parse), _RATE]
Month = Annotated[dt.date, BeforeValidator(_MONTH.parse), _MONTH]
Retrain = Annotated[str | float, BeforeValidator(_RETRAIN.parse), _RETRAIN]


@lru_cache(maxsize=512)
def spec_of(model: type[BaseModel], name: str) -> FieldSpec | None:
    """The :class:`FieldSpec` of field ``name`` of ``model`` (also inside ``X | None``),
    or None for plain fields (names, ids, counts, choices)."""
    info = model.model_fields[name]
    metas = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        metas += list(getattr(arg, "__metadata__", ()))
    return next((m for m in metas if isinstance(m, FieldSpec)), None)


def submodel(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model class a field holds (a section such as ``workload``), or None."""
    ann = model.model_fields[name].annotation
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    args = [a for a in typing.get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)]
    return args[0] if args else None
