"""Costs every path carries: engineering, evaluation, monitoring, and data for tuning.

Engineering is build hours in month 1, upkeep hours after, hours per release and on-call
FTE; evaluation is spent in month 1 and at every release; data is labelling every
example in month 1 and a share of them at every release.
"""

from __future__ import annotations

import numpy as np

from tunecost.costing import timeline
from tunecost.costing.context import Context, Cost, fmt
from tunecost.costing.lifecycle import cadence, retirement_month
from tunecost.scenario.defaults import engineering_hours, evaluation_hours
from tunecost.scenario.model import AnyPath


def releases(path: AnyPath, ctx: Context, policy) -> np.ndarray:
    """Months in which ``path`` ships a release under ``policy`` (0/1 per month): at the
    cadence of better base models, and when its model is retired
    (:mod:`tunecost.costing.lifecycle`)."""
    every = cadence(path, ctx) if policy == "on-new-base-model" else None
    return timeline.release_events(policy, every, ctx.months, retirement_month(path, ctx))


def common_costs(
    path: AnyPath, ctx: Context, release_months: np.ndarray, oncall_fte: float = 0.0
) -> dict[str, Cost]:
    """Engineering, evaluation and monitoring of ``path``."""
    build, upkeep, per_release = engineering_hours(path)
    first = ctx.first_month()
    hours = (
        build * first
        + upkeep * (1 - first)
        + per_release * release_months
        + oncall_fte * ctx.scenario.team.hours_per_fte_month
    )
    note = f"build {fmt(build)} h, upkeep {fmt(upkeep)} h/month, {fmt(per_release)} h per release"
    if np.any(oncall_fte):
        note += f", on-call {fmt(oncall_fte)} FTE"
    evals = first + release_months
    per_eval = path.evaluation.per_release + evaluation_hours(path) * ctx.rate
    return {
        "engineering": Cost(ctx.full(hours * ctx.rate), ctx.full(hours), "engineer-hour", note),
        "evaluation": Cost(
            ctx.full(evals * per_eval),
            ctx.full(evals),
            "release",
            f"{fmt(path.evaluation.per_release)} USD + "
            f"{fmt(evaluation_hours(path))} engineer-hours per release",
        ),
        "monitoring": Cost(ctx.full(path.monitoring), ctx.full(np.ones(ctx.months)), "month"),
    }


def data_cost(d, ctx: Context, first: np.ndarray, release_months: np.ndarray) -> Cost:
    """Labelling every example in month 1 and a share of them at every release, plus the
    engineer-hours to build the data set."""
    labelled = d.examples * (first + d.refresh_share * release_months)
    usd = labelled * d.labelling + d.collection_hours * ctx.rate * first
    return Cost(ctx.full(usd), ctx.full(labelled), "example", f"{fmt(d.labelling)} USD per example")
