"""The one walker over a scenario: every field with its address, value and type.

Everything that looks at or changes the fields of a validated scenario goes through
:func:`rebuild`: the ranges it holds (:func:`ranges`), its central values
(:func:`point`), Monte Carlo draws (:func:`draw`), the numeric inputs an analysis can
vary (:func:`numeric_fields`) and the variants it evaluates (:func:`variants`). Fields
are visited depth first in the order the model declares them, so the same seed draws
the same values; paths are addressed by name (see :mod:`tunecost.scenario.address`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from tunecost.errors import InputError
from tunecost.scenario.address import Address, format_address, parse_address
from tunecost.scenario.defaults import engineering_hours, evaluation_hours
from tunecost.scenario.distributions import Dist
from tunecost.scenario.fields import FieldSpec, TextAmount, spec_of

KEEP = object()
"""Returned by a :func:`rebuild` callback to leave a field as it is."""


@dataclass(frozen=True)
class Leaf:
    """One field that is not a section: where it is, what it holds, and (looked up only
    when asked for) its type."""

    address: Address
    value: Any
    model: type[BaseModel]

    @property
    def name(self) -> str:
        return format_address(self.address)

    @property
    def spec(self) -> FieldSpec | None:
        return spec_of(self.model, self.address[-1])


def rebuild(obj: BaseModel, replace: Callable[[Leaf], Any], address: Address = ()) -> Any:
    """A copy of ``obj`` in which each field is ``replace(leaf)`` (or kept, when it
    returns :data:`KEEP`). Unchanged sections are shared, not copied."""
    updates = {}
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        here = (*address, name)
        if isinstance(value, BaseModel):
            new = rebuild(value, replace, here)
        elif isinstance(value, list):
            items = [
                rebuild(v, replace, (*here, getattr(v, "name", str(i))))
                if isinstance(v, BaseModel)
                else v
                for i, v in enumerate(value)
            ]
            changed = any(a is not b for a, b in zip(items, value, strict=True))
            new = items if changed else value
        else:
            new = replace(Leaf(here, value, type(obj)))
            new = value if new is KEEP else new
        if new is not value:
            updates[name] = new
    return obj.model_copy(update=updates) if updates else obj


def leaves(scenario: BaseModel) -> Iterator[Leaf]:
    """Every field of ``scenario`` that is not a section, in declaration order."""
    found: list[Leaf] = []

    def note(leaf: Leaf) -> Any:
        found.append(leaf)
        return KEEP

    rebuild(scenario, note)
    return iter(found)


def dist_of(value: Any) -> Dist | None:
    """The distribution a field holds (a rate holds it with its period), or None."""
    if isinstance(value, Dist):
        return value
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Dist):
        return value[0]
    return None


def map_ranges(scenario: BaseModel, fn: Callable[[Dist, str], Any]) -> Any:
    """The scenario with every distribution replaced by ``fn(dist, name)``."""

    def replace(leaf: Leaf) -> Any:
        dist = dist_of(leaf.value)
        if dist is None:
            return KEEP
        new = fn(dist, leaf.name)
        return (new, leaf.value[1]) if isinstance(leaf.value, tuple) else new

    return rebuild(scenario, replace)


def ranges(scenario: BaseModel) -> dict[str, Dist]:
    """Every field given as a distribution, by address."""
    return {leaf.name: d for leaf in leaves(scenario) if (d := dist_of(leaf.value)) is not None}


def point(scenario: BaseModel) -> Any:
    """The scenario with every distribution at its central value."""
    return map_ranges(scenario, lambda d, _name: d.point)


def point_notes(scenario: BaseModel) -> list[str]:
    """One line per field given as a range: the single value the comparison uses for it
    (the range's mode, midpoint, mean or median), so a reader knows it is not the low or
    the high end."""
    out = []
    for name, d in ranges(scenario).items():
        low, high = d.span
        what = "range" if d.kind in ("triangular", "uniform") else "range (P10 to P90)"
        out.append(
            f"{name}: the {d.kind} {what} {_num(low)} to {_num(high)} is taken at its "
            f"{d.point_name}, {_num(d.point)} (Monte Carlo with --draws samples it)"
        )
    return out


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def draw(scenario: BaseModel, rng: np.random.Generator, n: int) -> Any:
    """The scenario with every distribution replaced by ``n`` draws, shape (n, 1). Fields
    are drawn in the order they appear, so the same seed gives the same draws."""
    return map_ranges(scenario, lambda d, _name: d.sample(rng, n)[:, None])


@dataclass(frozen=True)
class NumericField:
    """One numeric input an analysis can vary: its central value, range and bounds. A
    rate is a fraction per ``period`` months; ``default`` marks a value the scenario
    left unset."""

    address: Address
    value: float
    unit: str
    bounds: tuple[float, float] = (-np.inf, np.inf)
    dist: Dist | None = None
    is_rate: bool = False
    period: float = 1.0
    default: bool = False
    positive: bool = False  # zero refused too (a divisor, a count of runs or examples)

    @property
    def name(self) -> str:
        return format_address(self.address)

    @property
    def ranged(self) -> bool:
        return self.dist is not None

    def span(self, swing: float) -> tuple[float, float]:
        """(low, high): the range's ends (P10/P90 for unbounded ones), or the value
        +-``swing`` of itself; clipped to the bounds."""
        if self.dist is not None:
            low, high = self.dist.span
        else:
            low, high = sorted((self.value * (1 - swing), self.value * (1 + swing)))
        return float(np.clip(low, *self.bounds)), float(np.clip(high, *self.bounds))

    @property
    def display_unit(self) -> str:
        if self.is_rate:
            return {1.0: "%/month", 12.0: "%/year"}.get(
                self.period, f"% per {self.period:g} months"
            )
        return "" if self.unit == "dimensionless" else self.unit

    def display(self, x: float) -> float:
        """A value in :attr:`display_unit` (rates as percent)."""
        return x * 100 if self.is_rate else x


def numeric_fields(scenario: BaseModel) -> dict[Address, NumericField]:
    """Every numeric input of the scenario that can be varied, by address, including
    the engineering and evaluation hours a path leaves at their defaults. Engine
    settings (latency targets, batch limits, GPU and run counts) are not inputs."""
    out: dict[Address, NumericField] = {}
    for leaf in leaves(scenario):
        if leaf.value is None or leaf.spec is None or not leaf.spec.numeric:
            continue
        if isinstance(leaf.value, TextAmount):  # a length in words: not swung in tokens
            continue
        value = leaf.value[0] if leaf.spec.kind == "rate" else leaf.value
        dist = dist_of(leaf.value)
        out[leaf.address] = NumericField(
            leaf.address,
            float(dist.point if dist is not None else value),
            "rate" if leaf.spec.kind == "rate" else leaf.spec.unit,
            tuple(map(float, leaf.spec.bounds_for(leaf.value))),
            dist,
            is_rate=leaf.spec.kind == "rate",
            period=float(leaf.value[1]) if leaf.spec.kind == "rate" else 1.0,
            positive=leaf.spec.positive,
        )
    for path in getattr(scenario, "paths", []):
        out.update(_default_hours(path))
    return out


def _default_hours(path: Any) -> dict[Address, NumericField]:
    """The engineering and evaluation hours ``path`` leaves to the defaults."""
    hours = dict(zip(("build", "upkeep", "per_release"), engineering_hours(path), strict=True))
    units = {"build": "hour", "upkeep": "hour/month", "per_release": "hour"}
    out = {}
    for key, unit in units.items():
        if getattr(path.engineering, key) is None:
            address = ("paths", path.name, "engineering", key)
            out[address] = NumericField(address, hours[key], unit, (0.0, 1e5), default=True)
    if path.evaluation.hours is None:
        address = ("paths", path.name, "evaluation", "hours")
        out[address] = NumericField(
            address, evaluation_hours(path), "hour", (0.0, 1e5), default=True
        )
    return out


def variants(scenario: BaseModel, assignments: dict[Address, np.ndarray], rows: int) -> Any:
    """The scenario as ``rows`` variants: each field in ``assignments`` takes its column
    of values; every other numeric field sits at its central value."""

    def replace(leaf: Leaf) -> Any:
        if leaf.address not in assignments:
            return KEEP
        col = np.asarray(assignments[leaf.address], float).reshape(rows, 1)
        return (col, leaf.value[1]) if isinstance(leaf.value, tuple) else col

    return rebuild(point(scenario), replace)


def find_field(scenario: BaseModel, text: str, field: str) -> tuple[Address, bool]:
    """The address ``text`` spells and whether the scenario has such a field or section."""
    names = [p.name for p in getattr(scenario, "paths", [])]
    try:
        address = parse_address(text, names, field)
    except InputError:
        return tuple(text.split(".")), False
    return address, any(leaf.address[: len(address)] == address for leaf in leaves(scenario))
