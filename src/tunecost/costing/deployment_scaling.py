"""A fine-tune's dedicated GPU deployments following the week's traffic, as the provider
autoscales them.

Only where the provider's page says its deployments autoscale (``providers.csv``,
``deployment_autoscaling``): Fireworks scales on-demand deployments between
``--min-replica-count`` (default 0: scale to zero) and ``--max-replica-count``, bills "by
GPU-second for each active instance" from when "the server begins accepting requests",
and stops a replica after its scale-down window (default 10 min) or, for the last one,
the scale-to-zero window (default 1 h) [1]_; Together autoscales dedicated endpoints
between ``min-replicas`` and ``max-replicas`` and bills "per-minute by hardware while the
endpoint is running" [2]_. Each step's deployments follow
:func:`tunecost.compute.autoscale.replica_steps` with the provider's step and windows;
a deployment of a GPU row costs its hourly price, so
``USD = deployment-hours x USD per deployment-hour``.

References
----------
.. [1] https://docs.fireworks.ai/deployments/autoscaling and
   https://docs.fireworks.ai/faq-new/deployment-infrastructure/how-does-billing-and-scaling-work-for-on-demand-gpu-deployments
   (read 2026-11-30).
.. [2] https://docs.together.ai/docs/dedicated-endpoints/settings and
   https://docs.together.ai/docs/dedicated-endpoints/overview (read 2026-11-30).
"""

from __future__ import annotations

import numpy as np

from tunecost.compute.autoscale import STEP_HOURS, check_max_replicas
from tunecost.costing import timeline
from tunecost.costing.autoscaled import autoscaled_fleet, weekly_demand
from tunecost.costing.context import Context, Cost, fmt
from tunecost.costing.instances import Shape
from tunecost.errors import InputError, within


def scaling_rule(path, ctx: Context, provider: str) -> dict:
    """The provider's autoscaling rule for this path's deployments (keywords of
    :func:`tunecost.compute.autoscale.replica_steps`), printed as an assumption; refuses
    ``autoscale`` where the provider does not autoscale and ``min_deployments: 0`` where it
    does not scale to zero."""
    rules = ctx.book.providers.get(provider) or {}
    kind = rules.get("deployment_autoscaling")
    where = f"paths.{path.name}"
    if not kind:
        raise InputError(
            f"{provider}'s dedicated deployments do not autoscale in the price book "
            "(providers.csv deployment_autoscaling); remove autoscale",
            f"{where}.autoscale",
            absolute=True,
        )
    floor = 0 if kind == "scale-to-zero" else 1
    low = floor if path.min_deployments is None else path.min_deployments
    if low < floor:
        raise InputError(
            f"{provider} keeps at least one deployment running; use min_deployments 1 or more",
            f"{where}.min_deployments",
            absolute=True,
        )
    step = rules.get("deployment_billing_step") or "hour"
    down = float(rules.get("deployment_scale_down_minutes") or 0.0)
    zero = float(rules.get("deployment_scale_to_zero_minutes") or down)
    ctx.assumptions.append(
        f"{path.name}: deployments autoscaled between {low} and "
        f"{path.max_deployments or 'any'}, billed per {step}, stopped {down:g} min after "
        f"they are no longer needed ({zero:g} min for the last one), {path.scale_up_delay:g} "
        f"min billed before a new one serves ({rules.get('deployment_scaling_source_url')}; "
        "set min_deployments, max_deployments, scale_up_delay)"
    )
    return {
        "min_replicas": low,
        "max_replicas": path.max_deployments,
        "spare": path.spare_deployments,
        "step_hours": STEP_HOURS[step],
        "delay_hours": path.scale_up_delay / 60.0,
        "down_delay_hours": down / 60.0,
        "zero_delay_hours": zero / 60.0,
    }


def autoscaled_hosting(path, ctx: Context, rule: dict, options: list, fees: list, out_tok):
    """(names chosen, hosting Cost) of GPU deployments that follow the week's demand:
    for each option ``(row, _, output tokens/s per deployment)`` with its hourly ``fees``,
    the fleet's month, and in each month (and draw) the cheapest option."""
    w, rate = weekly_demand(ctx, out_tok, f"paths.{path.name}.autoscale")
    hours = timeline.month_hours(ctx.as_of, ctx.months)
    fleets = []
    for (row, _, per), fee in zip(options, fees, strict=True):
        with within(f"paths.{path.name}"):
            check_max_replicas(rate, w, float(np.min(per)), path.max_deployments, "max_deployments")
        shape = Shape(row.model, 1, fee)  # one unit = one deployment
        fleets.append(autoscaled_fleet(rate, w, per, 1, [shape], hours, **rule))
    usd = np.stack(np.broadcast_arrays(*(f.usd for f in fleets)))
    pick = np.argmin(usd, axis=0)
    used = np.choose(pick, np.broadcast_arrays(*(f.replica_hours for f in fleets)))
    names = [options[k][0].model for k in sorted({int(k) for k in np.unique(pick)})]
    cost = Cost(
        np.min(usd, axis=0),
        used,
        "deployment-hour",
        f"{fmt(used)} deployment-hours of {' or '.join(names)}, following the week's "
        f"profile incl. {path.spare_deployments} spare",
    )
    return names, cost
