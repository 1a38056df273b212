"""The GPU fleets a self-hosted path buys: ``hardware`` and ``energy`` in place of
rented GPU-hours.

Serving buys the units that hold each month's replicas, sized as renting sizes them
(the peak hour's replicas plus spares, :func:`tunecost.costing.selfhost.serving_cost`);
training buys one job's units for the months with runs. The cash, depreciation and
energy rules are :mod:`tunecost.costing.purchase`; the defaults and their sources
:mod:`tunecost.scenario.purchase`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.costing import timeline
from tunecost.costing.context import Context, Cost, fmt, span
from tunecost.costing.instances import instances_for
from tunecost.costing.purchase import (
    business_hours,
    energy_kwh,
    energy_usd,
    fleet,
    hardware_amortised,
    hardware_cash,
    residual_usd,
)
from tunecost.errors import InputError, within
from tunecost.pricebook.hardware import HardwarePrice, hardware_table, rated_power_w
from tunecost.scenario.purchase import PUE, UTILISATION


@dataclass(frozen=True)
class Unit:
    """What one unit bought is: its GPUs, price (USD), average draw (W), the book's row
    (when the price came from it) and where the draw came from."""

    name: str
    gpus: int
    price: object
    watts: object
    row: HardwarePrice | None
    power_from: str


def unit_bought(buy, gpu_id: str, ctx: Context) -> Unit:
    """The unit of ``buy`` for GPUs ``gpu_id``: the named item or the GPU's card from
    ``hardware_prices.csv`` (recorded as used), unless a price is given (then one card,
    or the named item), with its draw: ``buy.power``, else rated power x utilisation."""
    row = None
    if buy.item is not None or buy.price is None:
        row = hardware_table(ctx.book).find(gpu_id, item=buy.item, as_of=ctx.as_of)
        if buy.price is None:
            ctx.used.append(row)
    gpus = row.gpus if row is not None else 1
    name = row.name if row is not None else f"{gpu_id} card"
    price = row.price_usd if buy.price is None else buy.price
    if buy.power is not None:
        return Unit(name, gpus, price, buy.power, row, "given")
    util = UTILISATION if buy.utilisation is None else buy.utilisation
    rated = row.system_power_w if row is not None and row.system_power_w else None
    source = "system_power_w (hardware_prices.csv)"
    if rated is None:
        tdp = rated_power_w(ctx.book, gpu_id)
        if tdp is None:
            raise InputError(f"gpus.csv has no tdp_w for {gpu_id}; give buy.power", "buy.power")
        rated, source = gpus * tdp, "tdp_w (gpus.csv)"
    return Unit(name, gpus, price, rated * util, row, f"{fmt(rated)} W {source} x {fmt(util)}")


def bought_serving(ctx: Context, path, s, est, replicas) -> dict[str, Cost]:
    """``hardware`` and ``energy`` of a serving fleet bought to hold ``replicas`` (per
    month, spares included) of ``est.gpus_per_replica`` GPUs, running every hour or
    business hours (``s.buy.hours``)."""
    buy = s.buy
    with within(f"paths.{path.name}.serving"):
        if getattr(path, "adapters", 1) > 1:
            raise InputError("buying the GPUs of several adapters is not modelled; rent", "buy")
        unit = unit_bought(buy, est.gpu, ctx)
    need = instances_for(replicas, est.gpus_per_replica, unit.gpus)
    if buy.hours == "business":
        hours = business_hours(ctx.as_of, ctx.months)
    else:
        hours = timeline.month_hours(ctx.as_of, ctx.months)
    note = f"{span(need)} x {unit.name} for {span(replicas)} replica(s) of {est.gpus_per_replica}"
    return _costs(ctx, path, (buy, unit, "serving"), need, need * hours, note)


def bought_training(ctx: Context, path, t, est, job_hours) -> dict[str, Cost]:
    """``hardware`` and ``energy`` of the units that hold one training job of
    ``est.gpus`` GPUs, bought for the months with runs and running ``job_hours``
    (wall-clock hours of the month's jobs)."""
    with within(f"paths.{path.name}.training"):
        unit = unit_bought(t.buy, est.gpu, ctx)
    per_job = float(instances_for(1, est.gpus, unit.gpus))
    need = np.where(np.asarray(job_hours) > 0, per_job, 0.0)
    note = f"{fmt(per_job)} x {unit.name} for a job of {est.gpus} GPUs"
    return _costs(ctx, path, (t.buy, unit, "training"), need, need * job_hours, note)


def _costs(ctx: Context, path, what, need, unit_hours, note: str) -> dict[str, Cost]:
    """The two categories of one bought fleet (cash with its amortised view, and
    energy), and the assumption that says how they were priced."""
    buy, unit, role = what
    life = max(round(float(buy.lifetime)), 1)
    bought, retired, owned = fleet(ctx.full(need), life)
    resid = residual_usd(buy.residual, unit.price)
    if np.any(np.asarray(resid) > np.asarray(unit.price)):
        raise InputError(
            f"a residual of {fmt(np.max(resid), ',.0f')} USD is above the price of "
            f"{fmt(np.min(unit.price), ',.0f')} USD; give a resale value at most the price",
            f"paths.{path.name}.{role}.buy.residual",
            absolute=True,
        )
    kwh = energy_kwh(unit_hours, unit.watts, buy.pue)
    hardware = Cost(
        ctx.full(hardware_cash(bought, retired, unit.price, resid)),
        ctx.full(bought * unit.gpus),
        "GPU bought",
        f"{note}; {fmt(unit.price, ',.0f')} USD each, kept {life} months, "
        f"sold for {fmt(resid, ',.0f')} USD at the end of its life",
        amortised=ctx.full(hardware_amortised(owned, unit.price, resid, life)),
    )
    energy = Cost(
        ctx.full(energy_usd(kwh, buy.electricity, owned, unit.watts, buy.colocation)),
        ctx.full(unit_hours * unit.gpus),
        "GPU-hour",
        f"{fmt(unit.watts, ',.0f')} W per unit x PUE {fmt(buy.pue)} at "
        f"{fmt(buy.electricity)} USD/kWh, {span(kwh)} kWh a month"
        + (f", colocation {fmt(buy.colocation)} USD/kW/month" if np.any(buy.colocation) else ""),
    )
    ctx.assumptions.append(_assumption(path.name, role, buy, unit, (life, resid)))
    return {"hardware": hardware, "energy": energy}


def _assumption(name: str, role: str, buy, unit: Unit, life_resid) -> str:
    life, resid = life_resid
    where = (
        "given"
        if unit.row is None or buy.price is not None
        else (f"{unit.row.id} in hardware_prices.csv from {unit.row.effective_from}")
    )
    default_pue = bool(np.all(np.asarray(buy.pue) == PUE))
    pue = " (Uptime Institute 2024 average; set buy.pue)" if default_pue else ""
    hours = "business hours (8 h each weekday)" if buy.hours == "business" else "every hour"
    return (
        f"{name}: {role} GPUs bought, not rented: {unit.name} at {fmt(unit.price, ',.0f')} "
        f"USD ({where}), kept {life} months, sold for {fmt(resid, ',.0f')} USD and replaced "
        f"if still needed; {fmt(unit.watts, ',.0f')} W per unit in service ({unit.power_from}"
        f"{'' if buy.power is not None or buy.utilisation is not None else ' (Epoch AI)'}"
        f"), PUE {fmt(buy.pue)}{pue}, {fmt(buy.electricity)} USD/kWh, running {hours} "
        "(set buy.power, buy.utilisation, buy.pue)"
    )


def categories(cost, category: str) -> dict[str, Cost]:
    """A path function's costs from a rented fleet's one ``category`` or a bought
    fleet's ``hardware`` and ``energy``."""
    return cost if isinstance(cost, dict) else {category: cost}


def add_costs(out: dict[str, Cost], more: dict[str, Cost]) -> dict[str, Cost]:
    """``out`` with ``more`` added: a category both have (the hardware of bought training
    and serving GPUs) is summed month by month, their notes joined."""
    for cat, c in more.items():
        a = out.get(cat)
        if a is None:
            out[cat] = c
            continue
        amortised = None
        if a.amortised is not None or c.amortised is not None:
            amortised = a.usd_as(True) + c.usd_as(True)
        note = "; ".join(n for n in (a.note, c.note) if n)
        out[cat] = Cost(a.usd + c.usd, a.quantity + c.quantity, a.unit, note, amortised)
    return out
