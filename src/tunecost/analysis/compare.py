"""``compare(scenario)``: price every path month by month into one tidy ledger.

The :class:`Result` holds the ledger and everything computed from it: totals, monthly
and cumulative cost, break-even month and volume against the baseline, the price-book
rows used, and, when draws are asked for, the Monte Carlo run over the scenario's
ranges. It is complete when :func:`compare` returns it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tunecost.analysis import breakeven
from tunecost.analysis.ledger import breakeven_by_path, build_ledger
from tunecost.analysis.montecarlo import MonteCarlo, monte_carlo
from tunecost.costing import timeline
from tunecost.costing.evaluate import evaluate, monthly_costs
from tunecost.errors import TunecostError
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.scenario.defaults import assumptions
from tunecost.scenario.loading import load_scenario
from tunecost.scenario.model import Scenario
from tunecost.scenario.walk import point, point_notes, ranges
from tunecost.vocabulary import CATEGORIES

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from tunecost.analysis.threshold import Threshold

VOLUME_GRID = np.logspace(1, 11, 201)
"""Monthly request volumes (10 to 1e11, 201 points) over which break-even volumes are
searched."""

NO_RANGES = "the scenario has no ranges: every draw is the same"

AMORTISED = (
    "amortised view (--amortise): bought hardware is (price - residual) / lifetime in each "
    "month a unit is owned, not its cash; the ledger (--csv, --format csv) stays cash"
)


@dataclass
class Result:
    """A comparison: the ledger and the views computed from it."""

    scenario: Scenario  # at the central values of its ranges
    ledger: pd.DataFrame
    baseline: str
    requests: np.ndarray  # requests in each month of the plan
    breakeven_rows: list[dict]
    prices_used: list[dict]
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)  # fields the scenario gives as ranges
    monte_carlo: MonteCarlo | None = None  # when draws were asked for
    book: PriceBook | None = field(default=None, repr=False)  # the book it was priced with
    amortised_ledger: pd.DataFrame | None = field(default=None, repr=False)  # a path buys
    amortised_view: bool = False  # the ledger shows bought hardware as depreciation

    def amortised(self) -> Result:
        """The comparison with bought hardware as straight-line depreciation, (price -
        residual) / lifetime each month a unit is owned, in place of its cash: totals,
        monthly costs and break-even months follow; break-even volumes already count
        hardware so. The same result when no path buys; files keep the cash ledger."""
        if self.amortised_ledger is None:
            return self
        months = breakeven_by_path(self.amortised_ledger, self.baseline)
        dates = timeline.month_dates(self.scenario.start, self.scenario.months)
        rows = [
            {
                **r,
                "month": months[r["path"]],
                "date": dates[months[r["path"]] - 1].isoformat() if months[r["path"]] else None,
            }
            for r in self.breakeven_rows
        ]
        return dataclasses.replace(
            self,
            ledger=self.amortised_ledger,
            amortised_ledger=None,
            breakeven_rows=rows,
            notes=[*self.notes, AMORTISED],
            amortised_view=True,
        )

    @property
    def paths(self) -> list[str]:
        return [p.name for p in self.scenario.paths]

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """USD per month: rows month 1..N, one column per path."""
        t = self.ledger.pivot_table(
            index="month", columns="path", values="usd", aggfunc="sum", sort=False
        )
        return t[self.paths]

    @cached_property
    def cumulative(self) -> pd.DataFrame:
        return self.monthly.cumsum()

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Total USD per path (rows) and category (columns), with a ``total`` column."""
        t = self.ledger.pivot_table(
            index="path",
            columns="category",
            values="usd",
            aggfunc="sum",
            fill_value=0.0,
            sort=False,
        )
        t = t.reindex(
            index=self.paths, columns=[c for c in CATEGORIES if c in t.columns], fill_value=0.0
        )
        t["total"] = t.sum(axis=1)
        return t

    @cached_property
    def breakeven(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.breakeven_rows).set_index("path")

    def summary(self) -> list[dict]:
        """Per path, from the ledger: total, split by category, first and last month,
        cost per 1,000 requests, break-even month and volume against the baseline."""
        total_requests = float(np.sum(self.requests))
        out = []
        for name in self.paths:
            row = {"path": name, "kind": self.scenario.path(name).kind}
            row.update(
                {f"{c}_usd": float(v) for c, v in self.totals.loc[name].items() if c != "total"}
            )
            row["total_usd"] = float(self.totals.loc[name, "total"])
            row["first_month_usd"] = float(self.monthly[name].iloc[0])
            row["last_month_usd"] = float(self.monthly[name].iloc[-1])
            row["usd_per_1k_requests"] = (
                row["total_usd"] / total_requests * 1000 if total_requests else None
            )
            be = self.breakeven.loc[name]
            month = _none(be["month"])
            row["breakeven_month"] = None if month is None else int(month)
            row["breakeven_date"] = _none(be["date"])
            row["breakeven_volume_requests_per_month"] = _none(be["volume"])
            row["cheaper_at"] = _none(be["cheaper_at"])
            out.append(row)
        return out

    @cached_property
    def plan_volume(self) -> Threshold | None:
        """The plan volume where the cheapest path changes: the month-1 volume at which
        the path with the lowest total cost over the plan changes, searched from a tenth
        to ten times the scenario's (what ``tunecost threshold --vary workload.requests``
        finds). None with one path, or when the search cannot run."""
        from tunecost.analysis.threshold import threshold

        if len(self.paths) < 2:
            return None
        try:
            return threshold(self.scenario, "workload.requests", book=self.book)
        except TunecostError:
            return None

    def _repr_html_(self) -> str:
        """The comparison in a notebook: its tables and the report figure."""
        from tunecost.output.notebook import result_html

        return result_html(self, self.plot())

    def plot(self, path: str | Path | None = None) -> Figure:
        """The report figure (cumulative cost with break-even points, stacked monthly
        costs); saved to ``path`` when given. Returns the matplotlib Figure."""
        from tunecost.output.charts import comparison_figure, save_figure

        fig = comparison_figure(
            self.ledger,
            title=self.scenario.name
            + (" (bought hardware amortised)" if self.amortised_view else ""),
            baseline=self.baseline,
            breakeven=breakeven_by_path(self.ledger, self.baseline),
            bands=None if self.monte_carlo is None else self.monte_carlo.cumulative_bands,
        )
        if path is not None:
            save_figure(fig, path)
        return fig


def _none(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def compare(
    scenario: Scenario | str | Path,
    *,
    baseline: str | None = None,
    months: int | None = None,
    draws: int | None = None,
    seed: int | None = 0,
    book: PriceBook | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Price every path of ``scenario`` month by month; see :class:`Result`.

    ``scenario`` may be a :class:`Scenario` or a path to a YAML file. ``baseline`` and
    ``months`` override the scenario's. With ``draws``, the ranges in the scenario are
    drawn that many times (``seed`` for repeatability) and the result carries the
    Monte Carlo summary; the ledger is always at the ranges' central values.
    ``progress(done, total)`` is called as the draws are evaluated.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if months is not None:
        scenario = scenario.model_copy(update={"months": months})
    central = point(scenario)
    base = baseline or central.baseline or central.paths[0].name
    central.path(base)  # raises for an unknown name
    book = book or open_book()
    run = evaluate(central, book)
    monthly = dict(zip(run.costs, run.monthly(), strict=True))
    result = Result(
        scenario=central,
        ledger=build_ledger(central, run.costs),
        amortised_ledger=_amortised_ledger(central, run.costs),
        baseline=base,
        requests=np.asarray(run.traffic, float),
        breakeven_rows=_breakeven_rows(central, book, monthly, base),
        prices_used=_prices_used(run.used),
        warnings=book.stale_warnings(_unique(run.used).values(), central.start),
        assumptions=assumptions(central) + run.assumptions + point_notes(scenario),
        notes=sorted(set(run.notes)),
        ranges=list(ranges(scenario)),
        book=book,
    )
    if draws:
        result.monte_carlo = monte_carlo(
            scenario, draws=draws, seed=seed, baseline=base, book=book, progress=progress
        )
        if not result.ranges:
            result.notes.append(NO_RANGES)
    return result


def _breakeven_rows(scenario: Scenario, book, monthly: dict, base: str) -> list[dict]:
    """Per path: break-even month and date of the plan, and the steady-state volume at
    which its monthly cost crosses the baseline's (and on which side it is cheaper)."""
    # a steady state has no month of purchase: bought hardware counts as depreciation
    names, swept = monthly_costs(
        _uncapped(scenario), book, VOLUME_GRID.size, VOLUME_GRID[:, None], amortise=True
    )
    steady = {name: breakeven.steady_state(swept[j]) for j, name in enumerate(names)}
    dates = timeline.month_dates(scenario.start, scenario.months)
    rows = []
    for name in monthly:
        m = None if name == base else breakeven.breakeven_month(monthly[name], monthly[base])
        v = None if name == base else breakeven.crossing(VOLUME_GRID, steady[name], steady[base])
        rows.append(
            {
                "path": name,
                "month": m,
                "date": dates[m - 1].isoformat() if m else None,
                "volume": v[0] if v else None,
                "cheaper_at": v[1] if v else _no_crossing(name, base, steady),
            }
        )
    return rows


def _uncapped(scenario: Scenario) -> Scenario:
    """The scenario without caps on replicas or deployments: the break-even volume asks
    what serving each volume of the sweep (up to 1e11 requests a month) would cost, and
    a cap sized for the plan's traffic cannot carry the sweep's larger volumes."""
    paths = []
    for p in scenario.paths:
        serving = getattr(p, "serving", None)
        if serving is not None and serving.max_replicas is not None:
            p = p.model_copy(update={"serving": serving.model_copy(update={"max_replicas": None})})
        if getattr(p, "max_deployments", None) is not None:
            p = p.model_copy(update={"max_deployments": None})
        paths.append(p)
    return scenario.model_copy(update={"paths": paths})


def _amortised_ledger(scenario: Scenario, costs: dict):
    """The ledger with bought hardware as depreciation, or None when no path buys."""
    if all(c.amortised is None for cats in costs.values() for c in cats.values()):
        return None
    return build_ledger(scenario, costs, amortise=True)


def _no_crossing(name: str, base: str, steady: dict) -> str | None:
    """Without a crossing on the grid the path is cheaper at every volume searched
    (``every volume``) or at none (``never``); None for the baseline."""
    if name == base:
        return None
    return "every volume" if bool(np.all(steady[name] < steady[base])) else "never"


def _unique(used: list) -> dict:
    """The price rows consulted, once each, in first-use order (a price that changes
    inside the plan lists each dated row it used)."""
    out: dict = {}
    for r in used:
        key = (
            type(r).__name__,
            r.provider,
            getattr(r, "model", getattr(r, "instance", "")),
            getattr(r, "kind", "gpu"),
            getattr(r, "region", None),
            r.effective_from,
        )
        out[key] = r
    return out


def _prices_used(used: list) -> list[dict]:
    return [
        {
            "provider": r.provider,
            "item": getattr(r, "model", None) or getattr(r, "instance", ""),
            "kind": getattr(r, "kind", "gpu offer"),
            "effective_from": r.effective_from.isoformat(),
            "retrieved": r.retrieved.isoformat(),
            "source_url": r.source_url,
        }
        for r in _unique(used).values()
    ]
