"""Monte Carlo over the ranges in a scenario, vectorised over draws.

Every field given as a distribution is drawn ``n`` times at once
(:func:`tunecost.scenario.walk.draw`); the draws ride through the one evaluator
(:mod:`tunecost.costing.evaluate`) as arrays of shape (chunk, 1), broadcasting against
the month axis, so there is no Python loop per draw or per month. The draws are priced
in chunks (:data:`CHUNK_CELLS`), so 100,000 draws need little more memory than 10,000.
A scenario with no ranges (or ranges collapsed to a point) gives the deterministic
ledger's totals exactly in every draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tunecost.analysis.breakeven import breakeven_months
from tunecost.costing.evaluate import monthly_costs
from tunecost.errors import InputError
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.scenario.model import Scenario
from tunecost.scenario.walk import KEEP, Leaf, draw, rebuild

MAX_DRAWS = 100_000
"""Largest draw count accepted."""

MAX_CELLS = 30_000_000
"""Largest draws x months x paths accepted: the cumulative costs kept for the P10-P90
bands take 4 bytes a cell (120 MB at the limit). 100,000 draws of 4 paths over 60 months
fit; over 240 months they do not."""

CHUNK_CELLS = 1_000_000
"""Draws x months x paths evaluated at once: the draws are priced in chunks of this
many cells (8 MB per cost array), so the peak memory of a run does not grow with the
number of draws beyond the per-draw results and the bands' 4 bytes a cell."""


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


def _check(scenario: Scenario, draws: int) -> None:
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(f"must be between 1 and {MAX_DRAWS:,}, got {draws}", "draws")
    cells = draws * scenario.months * len(scenario.paths)
    if cells > MAX_CELLS:
        most = MAX_CELLS // (scenario.months * len(scenario.paths))
        raise InputError(
            f"{draws:,} draws x {scenario.months} months x {len(scenario.paths)} paths is "
            f"{cells:,} cells, over the limit of {MAX_CELLS:,} that keeps memory bounded; "
            f"use at most {most:,} draws",
            "draws",
        )


def _rows(drawn: Scenario, start: int, stop: int, draws: int) -> Scenario:
    """Draws ``start:stop`` of a scenario whose ranges hold (draws, 1) columns."""

    def part(value):
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == draws:
            return value[start:stop]
        return None

    def replace(leaf: Leaf):
        v = leaf.value
        if isinstance(v, tuple) and len(v) == 2 and part(v[0]) is not None:
            return (part(v[0]), v[1])
        new = part(v)
        return KEEP if new is None else new

    return rebuild(drawn, replace)


def _percentiles(cumulative: np.ndarray) -> np.ndarray:
    """P10, P50, P90 over draws of (paths, draws, months) cumulative costs, one path
    at a time: (3, months, paths)."""
    out = np.empty((3, cumulative.shape[2], cumulative.shape[0]))
    for j in range(cumulative.shape[0]):
        out[:, :, j] = np.percentile(cumulative[j], [10, 50, 90], axis=0)
    return out


def monte_carlo(
    scenario: Scenario,
    *,
    draws: int,
    seed: int | None = None,
    baseline: str | None = None,
    book: PriceBook | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarlo:
    """Evaluate every path for ``draws`` draws of the scenario's ranges.

    Every range is drawn ``draws`` times at once (so a seed gives the same draws however
    they are chunked); the draws are then priced in chunks of :data:`CHUNK_CELLS`, and
    ``progress(done, draws)`` is called after each chunk."""
    _check(scenario, draws)
    base = baseline or scenario.baseline or scenario.paths[0].name
    scenario.path(base)
    book = book or open_book()
    drawn = draw(scenario, np.random.default_rng(seed), draws)
    n, p = scenario.months, len(scenario.paths)
    step = max(1, CHUNK_CELLS // (n * p))
    totals, last, be = np.empty((draws, p)), np.empty((draws, p)), np.zeros((draws, p), int)
    cumulative = np.empty((p, draws, n), np.float32)
    names: list[str] = []
    for start in range(0, draws, step):
        stop = min(draws, start + step)
        names, monthly = monthly_costs(_rows(drawn, start, stop, draws), book, stop - start)
        b = names.index(base)
        totals[start:stop] = monthly.sum(axis=2).T
        last[start:stop] = monthly[:, :, -1].T
        cumulative[:, start:stop] = np.cumsum(monthly, axis=2)
        for j in range(p):
            if j != b:
                be[start:stop, j] = breakeven_months(monthly[j], monthly[b])
        if progress is not None:
            progress(stop, draws)
    return MonteCarlo(
        paths=names,
        baseline=base,
        draws=draws,
        seed=seed,
        totals=totals,
        last_month=last,
        cumulative_bands=_percentiles(cumulative),
        breakeven=be,
        months=n,
    )
