"""Monte Carlo over the ranges in a scenario, vectorised over draws.

Every field given as a distribution is drawn ``n`` times at once
(:func:`tunecost.scenario.walk.draw`); the draws ride through the one evaluator
(:mod:`tunecost.costing.evaluate`) as arrays of shape (draws, 1), broadcasting against
the month axis, so there is no Python loop per draw or per month. A scenario with no
ranges (or ranges collapsed to a point) gives the deterministic ledger's totals exactly
in every draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.analysis.breakeven import breakeven_months
from tunecost.costing.evaluate import monthly_costs
from tunecost.errors import InputError
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.scenario.model import Scenario
from tunecost.scenario.walk import draw

MAX_DRAWS = 100_000
"""Largest draw count accepted."""

MAX_CELLS = 20_000_000
"""Largest draws x months x paths evaluated at once (160 MB per float64 array; the run
holds a few): 10,000 draws of 4 paths over 240 months fit, 100,000 over 60 months do not."""


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


def monte_carlo(
    scenario: Scenario,
    *,
    draws: int,
    seed: int | None = None,
    baseline: str | None = None,
    book: PriceBook | None = None,
) -> MonteCarlo:
    """Evaluate every path for ``draws`` draws of the scenario's ranges at once."""
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
    base = baseline or scenario.baseline or scenario.paths[0].name
    scenario.path(base)
    rng = np.random.default_rng(seed)
    names, monthly = monthly_costs(draw(scenario, rng, draws), book or open_book(), draws)
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
