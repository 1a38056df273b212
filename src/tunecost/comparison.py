"""``compare(scenario)``: price every path month by month into one tidy ledger.

The ledger has one row per month, path and cost category, in USD, with the driver that
explains the row (``quantity``, ``unit``, ``unit_price_usd``, ``note``). Totals,
cumulative costs, break-even and charts are all computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from tunecost import breakeven, timeline
from tunecost.paths import CATEGORIES, Context, path_costs
from tunecost.scenario import Scenario, assumptions, load_scenario

LEDGER_COLUMNS = [
    "month",
    "date",
    "path",
    "category",
    "usd",
    "quantity",
    "unit",
    "unit_price_usd",
    "note",
]

VOLUME_GRID = np.logspace(1, 11, 201)
"""Monthly request volumes (10 to 1e11, 201 points) over which break-even volumes are
searched."""


@dataclass
class Result:
    """A comparison: the ledger and the views computed from it."""

    scenario: Scenario
    ledger: object  # pandas.DataFrame
    baseline: str
    breakeven_rows: list[dict]
    prices_used: list[dict]
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    monte_carlo: object | None = None  # uncertainty.MonteCarlo when draws were asked for
    ranges: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [p.name for p in self.scenario.paths]

    @cached_property
    def monthly(self):
        """USD per month: rows month 1..N, one column per path."""
        t = self.ledger.pivot_table(
            index="month", columns="path", values="usd", aggfunc="sum", sort=False
        )
        return t[self.paths]

    @cached_property
    def cumulative(self):
        return self.monthly.cumsum()

    @cached_property
    def totals(self):
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
    def breakeven(self):
        import pandas as pd

        return pd.DataFrame(self.breakeven_rows).set_index("path")

    def summary(self) -> list[dict]:
        """Per path: total, split by category, first and last month, cost per 1,000
        requests, break-even month and volume against the baseline."""
        traffic = timeline.traffic(
            self.scenario.workload.requests, *self.scenario.workload.growth, self.scenario.months
        )
        total_requests = float(np.sum(traffic))
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

    def plot(self, path: str | Path | None = None):
        """The report figure (cumulative cost with break-even points, stacked monthly
        costs); saved to ``path`` when given. Returns the matplotlib Figure."""
        from tunecost.charts import comparison_figure

        bands = None if self.monte_carlo is None else self.monte_carlo.cumulative_bands
        fig = comparison_figure(
            self.ledger, title=self.scenario.name, baseline=self.baseline, bands=bands
        )
        if path is not None:
            from tunecost.charts import save_figure

            save_figure(fig, path)
        return fig


def _none(value):
    import math

    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _build_ledger(scenario: Scenario, costs: dict[str, dict]):
    import pandas as pd

    n = scenario.months
    dates = timeline.month_dates(scenario.start, n)
    frames = []
    months = np.arange(1, n + 1)
    for name, cats in costs.items():
        for cat in CATEGORIES:
            if cat not in cats:
                continue
            c = cats[cat]
            usd = np.asarray(c.usd, float).reshape(n)
            qty = np.asarray(c.quantity, float).reshape(n)
            with np.errstate(divide="ignore", invalid="ignore"):
                unit_price = np.where(qty > 0, usd / np.where(qty > 0, qty, 1.0), np.nan)
            frames.append(
                pd.DataFrame(
                    {
                        "month": months,
                        "date": dates,
                        "path": name,
                        "category": cat,
                        "usd": usd,
                        "quantity": qty,
                        "unit": c.unit,
                        "unit_price_usd": unit_price,
                        "note": c.note,
                    }
                )
            )
    ledger = pd.concat(frames, ignore_index=True)
    return ledger[LEDGER_COLUMNS]


def _steady_costs(scenario: Scenario, book, volumes: np.ndarray) -> dict[str, np.ndarray]:
    """Steady-state monthly cost of every path at each flat traffic level in ``volumes``."""
    from tunecost.uncertainty import evaluate_rows

    names, monthly = evaluate_rows(scenario, volumes.size, book, traffic=volumes[:, None])
    return {name: breakeven.steady_state(monthly[j]) for j, name in enumerate(names)}


def compare(
    scenario: Scenario | str | Path,
    *,
    baseline: str | None = None,
    months: int | None = None,
    book=None,
) -> Result:
    """Price every path of ``scenario`` month by month; see :class:`Result`.

    ``scenario`` may be a :class:`Scenario` or a path to a YAML file. ``baseline`` and
    ``months`` override the scenario's.
    """
    from tunecost.pricebook import load

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    from tunecost.uncertainty import point

    scenario = point(scenario)  # ranges at their central values
    if months is not None:
        scenario = scenario.model_copy(update={"months": months})
    base = baseline or scenario.baseline or scenario.paths[0].name
    scenario.path(base)  # raises for an unknown name
    book = book or load()
    w = scenario.workload
    traffic = timeline.traffic(w.requests, *w.growth, scenario.months)
    ctx = Context(scenario, traffic, book)
    costs = {p.name: path_costs(p, ctx) for p in scenario.paths}
    ledger = _build_ledger(scenario, costs)

    monthly = {n: sum(c.usd for c in cats.values()) for n, cats in costs.items()}
    steady = _steady_costs(scenario, book, VOLUME_GRID)
    dates = timeline.month_dates(scenario.start, scenario.months)
    rows = []
    for name in costs:
        m = None if name == base else breakeven.breakeven_month(monthly[name], monthly[base])
        v = None if name == base else breakeven.crossing(VOLUME_GRID, steady[name], steady[base])
        rows.append(
            {
                "path": name,
                "month": m,
                "date": dates[m - 1].isoformat() if m else None,
                "volume": v[0] if v else None,
                "cheaper_at": v[1] if v else None,
            }
        )

    used = {}
    for r in ctx.used:
        key = (
            type(r).__name__,
            r.provider,
            getattr(r, "model", getattr(r, "instance", "")),
            getattr(r, "kind", "gpu"),
        )
        used[key] = r
    prices_used = [
        {
            "provider": r.provider,
            "item": getattr(r, "model", None) or getattr(r, "instance", ""),
            "kind": getattr(r, "kind", "gpu offer"),
            "effective_from": r.effective_from.isoformat(),
            "retrieved": r.retrieved.isoformat(),
            "source_url": r.source_url,
        }
        for r in used.values()
    ]
    warnings = book.stale_warnings(used.values(), scenario.start)
    return Result(
        scenario=scenario,
        ledger=ledger,
        baseline=base,
        breakeven_rows=rows,
        prices_used=prices_used,
        warnings=warnings,
        assumptions=assumptions(scenario),
        notes=sorted(set(ctx.notes)),
    )
