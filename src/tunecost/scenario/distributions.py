"""Ranges for uncertain inputs: a scenario field may be a distribution instead of a value.

In a scenario file::

    requests: {low: 200k requests/month, high: 600k requests/month}             # triangular
    requests: {low: 200k requests/month, mode: 250k requests/month, high: 600k requests/month}
    growth: {dist: uniform, low: 1 %/month, high: 5 %/month}
    input_tokens: {dist: normal, mean: 1800, sd: 300}
    engineer_rate: {dist: lognormal, median: 90 USD/hour, sigma: 0.3}

Each parameter carries the field's unit and is checked like a plain value. The
deterministic comparison uses the distribution's central value (the mode of a
triangular, the middle of a uniform, the mean of a normal, the median of a lognormal);
Monte Carlo draws from it. Normal draws are clipped at the field's bounds (a count
cannot go negative); a field that must be above zero or has a floor refuses a normal or
lognormal whose 3-sd tails leave its bounds (``fields._within_bounds``). A range whose
low equals its high is a point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

KINDS = {
    "triangular": ("low", "high", "mode"),
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
}


@dataclass(frozen=True)
class Dist:
    """A distribution over one scenario field, in the field's canonical unit."""

    kind: str
    params: tuple[float, ...]
    lower: float = -np.inf
    upper: float = np.inf

    @property
    def point(self) -> float:
        """The value the deterministic comparison uses."""
        p = self.params
        if self.kind == "triangular":
            return p[2]
        if self.kind == "uniform":
            return (p[0] + p[1]) / 2
        return p[0]  # mean of a normal, median of a lognormal

    @property
    def point_name(self) -> str:
        """What :attr:`point` is, in words: ``mode``, ``midpoint``, ``mean`` or ``median``."""
        return {"triangular": "mode", "uniform": "midpoint", "normal": "mean"}.get(
            self.kind, "median"
        )

    @property
    def span(self) -> tuple[float, float]:
        """(low, high) for a sensitivity swing: the range's ends, or P10 and P90 for the
        normal and lognormal (z = 1.2816)."""
        p = self.params
        if self.kind in ("triangular", "uniform"):
            return p[0], p[1]
        z = 1.2815515655446004
        if self.kind == "normal":
            return (max(p[0] - z * p[1], self.lower), min(p[0] + z * p[1], self.upper))
        return p[0] * np.exp(-z * p[1]), p[0] * np.exp(z * p[1])

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws, clipped to the field's bounds."""
        p = self.params
        if self.kind == "triangular":
            low, high, mode = p
            x = np.full(n, low) if high == low else rng.triangular(low, mode, high, n)
        elif self.kind == "uniform":
            x = rng.uniform(p[0], p[1], n)
        elif self.kind == "normal":
            x = rng.normal(p[0], p[1], n)
        else:
            x = p[0] * np.exp(rng.normal(0.0, p[1], n))
        return np.clip(x, self.lower, self.upper)


def parse_dist(
    spec: dict,
    scalar: Callable[[object], float],
    spread: Callable[[object], float],
    *,
    lower: float = -np.inf,
    upper: float = np.inf,
) -> Dist:
    """A :class:`Dist` from a mapping; ``scalar`` parses (and checks) one value with the
    field's unit, ``spread`` a standard deviation in that unit. Raises ``ValueError``
    with a one-line reason."""
    spec = dict(spec)
    kind = str(spec.pop("dist", "triangular")).strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown distribution {kind!r}; choose one of {', '.join(KINDS)}")
    names = KINDS[kind]
    required = names[:2]
    missing = [n for n in required if n not in spec]
    extra = [k for k in spec if k not in names]
    if extra:
        raise ValueError(f"{kind} takes {', '.join(names)}; unknown {', '.join(map(repr, extra))}")
    if missing:
        raise ValueError(f"{kind} needs {', '.join(required)}; missing {', '.join(missing)}")

    def point(key: str) -> float:  # an error names the range's key: "low: must be ..."
        try:
            return scalar(spec[key])
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None

    if kind == "triangular":
        low, high = point("low"), point("high")
        mode = point("mode") if "mode" in spec else (low + high) / 2
        if low > high:
            raise ValueError(f"low {spec['low']!r} is above high {spec['high']!r}")
        if not low <= mode <= high:
            raise ValueError(f"mode {spec['mode']!r} is outside low..high")
        return Dist(kind, (low, high, mode), lower, upper)
    if kind == "uniform":
        low, high = point("low"), point("high")
        if low > high:
            raise ValueError(f"low {spec['low']!r} is above high {spec['high']!r}")
        return Dist(kind, (low, high), lower, upper)
    if kind == "normal":
        mean = point("mean")
        sd = _spread(spec["sd"], spread, "sd")
        return Dist(kind, (mean, sd), lower, upper)
    median = point("median")
    if median <= 0:
        raise ValueError("a lognormal's median must be greater than zero")
    sigma = _number(spec["sigma"], "sigma")
    return Dist(kind, (median, sigma), lower, upper)


def _number(value, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return x


def _spread(value, scalar, name: str) -> float:
    """A standard deviation in the field's unit; a negative one is refused."""
    text = str(value).strip()
    if text.startswith("-"):
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return scalar(value)
