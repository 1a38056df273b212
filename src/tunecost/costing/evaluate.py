"""The one evaluator: every path of a scenario priced month by month.

The same code prices one plan, a sweep of flat traffic levels (break-even volume) or an
array of Monte Carlo draws: scenario fields may be (rows, 1) columns and traffic may
have a leading axis, and every cost array broadcasts against the month axis, so there
is no Python loop per row or per month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.costing import timeline
from tunecost.costing.api_paths import finetune_api, prompt_api
from tunecost.costing.context import Context, Cost
from tunecost.costing.selfhost import finetune_selfhost, prompt_selfhost
from tunecost.errors import within
from tunecost.pricebook.book import PriceBook
from tunecost.scenario.model import AnyPath, Scenario

PATH_FUNCTIONS = {
    "prompt-api": prompt_api,
    "finetune-api": finetune_api,
    "prompt-selfhost": prompt_selfhost,
    "finetune-selfhost": finetune_selfhost,
}


def path_costs(path: AnyPath, ctx: Context) -> dict[str, Cost]:
    """Cost arrays per category for one path; input errors from the estimators and the
    price book are reported against the path's fields (``paths.NAME.gpu``)."""
    with within(f"paths.{path.name}"):
        return PATH_FUNCTIONS[path.kind](path, ctx)


@dataclass
class Evaluation:
    """Every path's costs by category, the traffic they were priced for, and the price
    rows and notes collected on the way."""

    costs: dict[str, dict[str, Cost]]
    traffic: np.ndarray
    used: list
    notes: list
    assumptions: list

    def monthly(self) -> np.ndarray:
        """USD per month of every path: (paths, ..., months)."""
        months = [sum(c.usd for c in cats.values()) for cats in self.costs.values()]
        shape = np.broadcast_shapes(self.traffic.shape, *(np.shape(m) for m in months))
        out = np.empty((len(months), *shape))
        for j, m in enumerate(months):
            out[j] = m
        return out


def evaluate(
    scenario: Scenario, book: PriceBook, *, traffic=None, rows: int | None = None
) -> Evaluation:
    """Price every path of ``scenario``.

    ``traffic`` (requests per month, broadcasting to (rows, months)) replaces the
    workload's requests and growth, e.g. flat volumes for the break-even volume.
    ``rows`` is the number of variants the scenario's (rows, 1) fields hold.
    """
    n = scenario.months
    if traffic is None:
        w = scenario.workload
        traffic = timeline.traffic(w.requests, *w.growth, n)
    if rows is not None:
        traffic = np.broadcast_to(traffic, (rows, n))
    ctx = Context(scenario, traffic, book)
    costs = {p.name: path_costs(p, ctx) for p in scenario.paths}
    return Evaluation(costs, traffic, ctx.used, ctx.notes, list(dict.fromkeys(ctx.assumptions)))


def monthly_costs(
    scenario: Scenario, book: PriceBook, rows: int, traffic=None, *, amortise: bool = False
):
    """``(path names, USD per month as (paths, rows, months))`` for a scenario whose
    fields are (rows, 1) columns. Each path's category arrays are summed and dropped
    before the next path is priced, so a large sweep holds one path's arrays at a time.
    ``amortise`` counts bought hardware as its depreciation rather than its cash."""
    n = scenario.months
    if traffic is None:
        w = scenario.workload
        traffic = timeline.traffic(w.requests, *w.growth, n)
    ctx = Context(scenario, np.broadcast_to(traffic, (rows, n)), book)
    out = np.empty((len(scenario.paths), rows, n))
    for j, path in enumerate(scenario.paths):
        out[j] = sum(c.usd_as(amortise) for c in path_costs(path, ctx).values())
    return [p.name for p in scenario.paths], out
