"""Monte Carlo over the ranges in a scenario, vectorised over draws.

Every field given as a distribution is drawn ``n`` times at once; the draws ride through
the same path functions as the deterministic comparison as arrays of shape (draws, 1),
broadcasting against the month axis, so there is no Python loop per draw or per month.
A scenario with no ranges (or ranges collapsed to a point) gives the deterministic
ledger's totals exactly in every draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from tunecost.distributions import Dist
from tunecost.errors import InputError

MAX_DRAWS = 100_000
"""Largest draw count accepted."""

MAX_CELLS = 20_000_000
"""Largest draws x months x paths evaluated at once (160 MB per float64 array; the run
holds a few): 10,000 draws of 4 paths over 240 months fit, 100,000 over 60 months do not."""


def _walk(obj, replace):
    """A copy of a scenario model with every Dist (and rate tuple holding one) replaced by
    ``replace(dist, name)``; ``name`` is the dotted field path."""

    def visit(value, name):
        if isinstance(value, Dist):
            return replace(value, name)
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Dist):
            return (replace(value[0], name), value[1])
        if isinstance(value, BaseModel):
            updates = {}
            for field in type(value).model_fields:
                old = getattr(value, field)
                new = visit(old, f"{name}.{field}" if name else field)
                if new is not old:
                    updates[field] = new
            return value.model_copy(update=updates) if updates else value
        if isinstance(value, list):
            items = [visit(v, f"{name}.{getattr(v, 'name', i)}") for i, v in enumerate(value)]
            return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
        return value

    return visit(obj, "")


def ranges(scenario) -> dict[str, Dist]:
    """Every field given as a distribution, by dotted name (paths by name)."""
    found: dict[str, Dist] = {}

    def note(dist, name):
        found[name] = dist
        return dist

    _walk(scenario, note)
    return found


def point(scenario):
    """The scenario with every distribution at its central value."""
    return _walk(scenario, lambda d, _name: d.point)


def draw(scenario, rng: np.random.Generator, n: int):
    """The scenario with every distribution replaced by ``n`` draws, shape (n, 1). Fields
    are drawn in the order they appear, so the same seed gives the same draws."""
    return _walk(scenario, lambda d, _name: d.sample(rng, n)[:, None])


@dataclass
class MonteCarlo:
    """Draws of the comparison: per path, total cost and the cost of the last month."""

    paths: list[str]
    baseline: str
    draws: int
    seed: int | None
    totals: np.ndarray  # (draws, paths) USD over the plan
    last_month: np.ndarray  # (draws, paths) USD in month N
    cumulative_bands: np.ndarray  # (3, months, paths): P10, P50, P90 of cumulative cost
    breakeven: np.ndarray  # (draws, paths) break-even month, 0 = none
    months: int

    def summary(self) -> list[dict]:
        """P10/P50/P90 of total and last-month cost, probability of being the cheapest
        path, and the break-even month's P10/P50/P90 and share of draws with none."""
        cheapest = np.argmin(self.totals, axis=1)
        qs = (10, 50, 90)
        out = []
        for j, name in enumerate(self.paths):
            t = np.percentile(self.totals[:, j], qs)
            m = np.percentile(self.last_month[:, j], qs)
            row = {"path": name}
            row.update({f"total_p{q}_usd": float(v) for q, v in zip(qs, t, strict=True)})
            row.update({f"last_month_p{q}_usd": float(v) for q, v in zip(qs, m, strict=True)})
            row["p_cheapest"] = float(np.mean(cheapest == j))
            if name != self.baseline:
                be = self.breakeven[:, j]
                row["breakeven_none_share"] = float(np.mean(be == 0))
                # a draw with no break-even counts as later than the horizon
                later = np.where(be > 0, be, self.months + 1)
                for q in qs:
                    v = float(np.percentile(later, q, method="inverted_cdf"))
                    row[f"breakeven_month_p{q}"] = None if v > self.months else int(v)
            out.append(row)
        return out


def breakeven_months(path_monthly: np.ndarray, base_monthly: np.ndarray) -> np.ndarray:
    """Break-even month per draw (0 = none): the first month from which the path's
    cumulative cost stays below the baseline's. Arrays (draws, months)."""
    gap = np.cumsum(path_monthly, axis=-1) - np.cumsum(base_monthly, axis=-1)
    below = gap < -1e-9
    n = below.shape[-1]
    # index of the last month not below; break-even is the month after it
    not_below = ~below
    last_bad = np.where(
        not_below.any(axis=-1), n - 1 - np.argmax(not_below[..., ::-1], axis=-1), -1
    )
    month = last_bad + 2
    return np.where(below[..., -1], month, 0)


def evaluate_rows(scenario, rows: int, book=None, traffic=None) -> tuple[list[str], np.ndarray]:
    """Monthly cost of every path for a scenario whose fields are (rows, 1) columns:
    ``(path names, array (paths, rows, months))``. ``traffic`` (rows, months) replaces the
    workload's requests and growth (flat volumes for break-even volume)."""
    from tunecost import timeline
    from tunecost.paths import Context, path_costs
    from tunecost.pricebook import load

    w = scenario.workload
    n = scenario.months
    if traffic is None:
        traffic = timeline.traffic(w.requests, *w.growth, n)
    traffic = np.broadcast_to(traffic, (rows, n))
    ctx = Context(scenario, traffic, book or load())
    names = [p.name for p in scenario.paths]
    monthly = np.empty((len(names), rows, n))
    for j, p in enumerate(scenario.paths):
        costs = path_costs(p, ctx)
        monthly[j] = sum(np.broadcast_to(c.usd, (rows, n)) for c in costs.values())
    return names, monthly


def monte_carlo(
    scenario, *, draws: int, seed: int | None = None, baseline: str | None = None, book=None
) -> MonteCarlo:
    """Evaluate every path for ``draws`` draws of the scenario's ranges at once."""
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(f"must be between 1 and {MAX_DRAWS:,}, got {draws}", "--draws")
    cells = draws * scenario.months * len(scenario.paths)
    if cells > MAX_CELLS:
        most = MAX_CELLS // (scenario.months * len(scenario.paths))
        raise InputError(
            f"{draws:,} draws x {scenario.months} months x {len(scenario.paths)} paths is "
            f"{cells:,} cells, over the limit of {MAX_CELLS:,} that keeps memory bounded; "
            f"use at most {most:,} draws",
            "--draws",
        )
    base = baseline or scenario.baseline or scenario.paths[0].name
    scenario.path(base)
    rng = np.random.default_rng(seed)
    names, monthly = evaluate_rows(draw(scenario, rng, draws), draws, book)
    totals = monthly.sum(axis=2).T
    cumulative = np.cumsum(monthly, axis=2)  # (paths, draws, months)
    bands = np.percentile(cumulative, [10, 50, 90], axis=1).transpose(0, 2, 1)
    b = names.index(base)
    be = np.stack(
        [
            breakeven_months(monthly[j], monthly[b]) if j != b else np.zeros(draws, int)
            for j in range(len(names))
        ],
        axis=1,
    )
    return MonteCarlo(
        paths=names,
        baseline=base,
        draws=draws,
        seed=seed,
        totals=totals,
        last_month=monthly[:, :, -1].T,
        cumulative_bands=bands,
        breakeven=be,
        months=scenario.months,
    )
