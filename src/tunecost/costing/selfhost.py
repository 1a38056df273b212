"""Paths that serve an open-weight model on rented GPUs, tuned or as it is.

Serving pays for enough replicas to carry the peak hour within the latency targets, plus
spares while there is traffic, for every hour of the month (idle capacity included), on
whole instances of the cheapest shape that holds them (:mod:`tunecost.costing.instances`);
fine-tuning pays whole instances for a tuning campaign and for every retrain. GPU prices
follow the market's GPU price trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.compute.autoscale import STEP_HOURS, check_max_replicas
from tunecost.compute.estimates import estimate_training
from tunecost.compute.serving import replicas_for_peak
from tunecost.costing import timeline
from tunecost.costing.adapters import per_adapter, served_selfhost
from tunecost.costing.autoscaled import autoscaled_fleet, peak_demand, weekly_demand
from tunecost.costing.bought_gpus import add_costs, bought_serving, bought_training, categories
from tunecost.costing.capacity import capacity, throughput_note
from tunecost.costing.common import common_costs, data_cost, releases
from tunecost.costing.context import Context, Cost, fmt, span
from tunecost.costing.gpu_price import instance_offers
from tunecost.costing.instances import Shape, cheapest
from tunecost.costing.price_series import price_series
from tunecost.costing.tokens import tokens
from tunecost.errors import within
from tunecost.scenario.defaults import GPU_MARKETS, SERVING_TPOT_SLO, SERVING_TTFT_SLO
from tunecost.scenario.model import FinetuneSelfhost, PromptSelfhost
from tunecost.vocabulary import tier_column

GIVEN = "given in the scenario"


def serving_cost(path, ctx: Context, model_id: str, in_tok, out_tok) -> Cost | dict[str, Cost]:
    """Whole instances holding the replicas that carry each month's peak hour, plus the
    spares, every hour of the month, at the cheapest instance shape's price; or, with
    ``serving.buy``, the same replicas on bought GPUs (hardware and energy)."""
    s = with_latency_targets(path.serving, ctx, path.name)
    with within(f"paths.{path.name}.serving"):
        per_replica, est = capacity(s, ctx.book, model_id, in_tok, out_tok)  # tokens/s
        per_replica = per_replica * np.asarray(s.throughput_scale, float)
        shapes = None if s.buy else _shapes(s, ctx, est.gpus_per_replica, path)
    spare = s.spare_replicas
    note = throughput_note(path.name, s, ctx.book, model_id)
    ctx.assumptions += [note] if note else []
    ctx.assumptions.append(
        f"{path.name}: {fmt(path.ops.oncall)} FTE on call, at least {s.min_replicas} "
        f"replica(s), and {spare} spare replica(s) beyond the peak's while there is traffic "
        "(set ops.oncall, serving.min_replicas, serving.spare_replicas)"
    )
    if s.autoscale:
        return _autoscaled(ctx, path, s, shapes, (est, per_replica), out_tok)
    peak = peak_demand(ctx, out_tok)
    replicas = replicas_for_peak(peak, per_replica, s.min_replicas)
    replicas = replicas + np.where(np.asarray(ctx.traffic) > 0, spare, 0)
    if s.buy is not None:  # bought, not rented (costing/bought_gpus.py)
        return bought_serving(ctx, path, s, est, replicas)
    # clouds bill the hours each calendar month has (672 to 744), not a 730-hour month
    hours = timeline.month_hours(ctx.as_of, ctx.months)
    placed = cheapest(replicas, est.gpus_per_replica, shapes.shapes, hours)
    _record(ctx, path, s, shapes, placed, "serving")
    note = (
        f"{span(placed.instances)} x {_named(placed, s)} for {span(replicas)} replica(s) "
        f"incl. {spare} spare; {est.gpus_per_replica} x {est.gpu} per replica ({est.layout}), "
        f"{fmt(per_replica, ',.0f')} output tokens/s each within SLO"
    )
    return Cost(placed.usd, placed.gpu_hours_per_hour * hours, "GPU-hour", note)


def _autoscaled(ctx: Context, path, s, shapes, sized, out_tok) -> Cost:
    """Replicas that follow the week's hourly demand (:mod:`tunecost.compute.autoscale`),
    each billing step's replicas on the cheapest whole instances that hold them
    (:mod:`tunecost.costing.autoscaled`), the week scaled to the calendar month's hours."""
    est, per_replica = sized
    w, rate = weekly_demand(ctx, out_tok, f"paths.{path.name}.serving.autoscale")
    capacity_ = float(np.min(per_replica))
    with within(f"paths.{path.name}.serving"):
        check_max_replicas(rate, w, capacity_, s.max_replicas)
    hours = timeline.month_hours(ctx.as_of, ctx.months)
    placed = autoscaled_fleet(
        rate,
        w,
        per_replica,
        est.gpus_per_replica,
        shapes.shapes,
        hours,
        min_replicas=s.min_replicas,
        max_replicas=s.max_replicas,
        spare=s.spare_replicas,
        step_hours=STEP_HOURS[s.scale_granularity],
        delay_hours=s.scale_up_delay / 60.0,
        down_delay_hours=s.scale_down_delay / 60.0,
    )
    _record(ctx, path, s, shapes, placed, "serving")
    ctx.assumptions.append(
        f"{path.name}: autoscaled between {s.min_replicas} and {s.max_replicas or 'any'} "
        f"replica(s), billed per {s.scale_granularity}, {s.scale_up_delay:g} min start-up per "
        f"replica added, {s.scale_down_delay:g} min before one is stopped (set "
        "serving.max_replicas, serving.scale_granularity, serving.scale_up_delay, "
        "serving.scale_down_delay)"
    )
    note = (
        f"{span(placed.replica_hours)} replica-hours on {_named(placed, s)}, "
        f"following the week's profile incl. {s.spare_replicas} spare; "
        f"{est.gpus_per_replica} x {est.gpu} per replica ({est.layout}), "
        f"{fmt(per_replica, ',.0f')} output tokens/s each within SLO"
    )
    return Cost(placed.usd, placed.gpu_hours, "GPU-hour", note)


@dataclass(frozen=True)
class _Shapes:
    """The instance shapes a GPU choice may rent and the rows of the book they follow."""

    shapes: list[Shape]
    used: dict  # instance name -> the book's rows its price series used
    chosen_by_book: bool  # the book's cheapest offers, not a provider, offer or price


def with_latency_targets(serving, ctx: Context, name: str):
    """The path's serving settings with its latency targets, the MLPerf server-scenario
    ones where it gives none (``scenario.defaults``), printed as an assumption."""
    tpot = SERVING_TPOT_SLO if serving.tpot_slo is None else serving.tpot_slo
    ttft = SERVING_TTFT_SLO if serving.ttft_slo is None else serving.ttft_slo
    defaulted = [k for k in ("tpot_slo", "ttft_slo") if getattr(serving, k) is None]
    ctx.assumptions.append(
        f"{name}: served with {serving.engine}, sized for {fmt(np.asarray(tpot) * 1000)} ms "
        f"per output token and {fmt(ttft)} s to the first token"
        + (
            f" ({' and '.join(defaulted)} from the MLPerf Inference server targets; set "
            f"{', '.join('serving.' + k for k in defaulted)})"
            if defaulted
            else ""
        )
    )
    return serving.model_copy(update={"tpot_slo": tpot, "ttft_slo": ttft})


def _markets(choice, ctx: Context) -> tuple[str, ...]:
    return tuple(choice.markets or ctx.scenario.market.gpu_markets or GPU_MARKETS)


def _shapes(choice, ctx: Context, min_gpus: int, path) -> _Shapes:
    """The instances a GPU choice may rent, each with its USD per GPU-hour in each month:
    a given price (the scenario's, else the path's ``prices.gpu_hour``) is one GPU per
    unit, an instance of exactly ``min_gpus``; otherwise the book's cheapest offer of
    each instance size that holds ``min_gpus`` GPUs at the plan's start, followed through
    its dated rows; then the GPU price trend and level."""
    m = ctx.scenario.market
    trend = {"trend": m.gpu_price_change, "factor": m.gpu_price_factor}
    given = choice.usd_per_gpu_hour
    if given is None and path.prices is not None:
        given = path.prices.gpu_hour
    if given is not None:  # given in the scenario: the trend from the start
        series, _ = price_series([_Given(ctx.as_of, given)], ctx.dates, lambda r: r.usd, **trend)
        return _Shapes([Shape(GIVEN, min_gpus, series)], {}, False)
    offers = instance_offers(
        ctx.book,
        choice.gpu,
        as_of=ctx.as_of,
        min_gpus=min_gpus,
        provider=choice.provider,
        offer=choice.offer,
        tier=choice.tier,
        markets=_markets(choice, ctx),
    )
    column = tier_column(choice.tier)
    shapes, used = [], {}
    for o in offers:
        history = [r for r in ctx.book.history(o) if r.price(column) is not None]
        series, rows = price_series(history, ctx.dates, lambda r: r.price(column), **trend)
        name = f"{o.provider} {o.instance}"
        shapes.append(Shape(name, o.gpu_count, series, o))
        used[name] = rows
    return _Shapes(shapes, used, not (choice.provider or choice.offer))


def _named(placed, choice) -> str:
    """The chosen instances for a note: ``1-GPU aws g6e.xlarge (us-east-1), on-demand,
    retrieved ...``, or the given price's GPUs."""
    tier = tier_column(choice.tier)
    return " or ".join(
        f"{s.gpus}-GPU instance(s) at the price {GIVEN}"
        if s.offer is None
        else f"{s.gpus}-GPU {s.offer.describe(tier)}"
        for s in placed.shapes
    )


def _record(ctx: Context, path, choice, shapes: _Shapes, placed, role: str) -> None:
    """Record the book's rows behind the chosen instances and say where they came from."""
    for shape in placed.shapes:
        ctx.used += shapes.used.get(shape.name, [])
    if not shapes.chosen_by_book:
        return
    tier = tier_column(choice.tier)
    sources = "; ".join(s.offer.describe(tier) for s in placed.shapes if s.offer is not None)
    ctx.assumptions.append(
        f"{path.name}: {role} GPUs at {sources}, the cheapest "
        f"{' or '.join(_markets(choice, ctx))} offer of each instance size, whole instances "
        f"holding the {'replicas' if role == 'serving' else 'job'} "
        f"(set {role}.offer, {role}.provider, {role}.markets or {role}.usd_per_gpu_hour)"
    )


@dataclass(frozen=True)
class _Given:
    effective_from: object
    usd: float


def prompt_selfhost(path: PromptSelfhost, ctx: Context) -> dict[str, Cost]:
    """An open-weight model served as is on rented GPUs: replicas for the peak hour with
    idle capacity paid for, serving engineering and on-call, evaluation, monitoring."""
    ctx.book.architecture(path.model)
    in_tok, out_tok = tokens(path, ctx)
    events = releases(path, ctx, "on-new-base-model" if path.follow_new_models else "never")
    out = categories(serving_cost(path, ctx, path.model, in_tok, out_tok), "inference")
    out.update(common_costs(path, ctx, events, path.ops.oncall))
    return out


def finetune_selfhost(path: FinetuneSelfhost, ctx: Context) -> dict[str, Cost]:
    """Fine-tune an open-weight model on rented GPUs and serve it: data, a tuning campaign
    of GPU-hours, re-training at every release, serving as for prompt-selfhost."""
    ctx.book.architecture(path.base_model, "base_model")
    events = releases(path, ctx, path.retrain)
    first = ctx.first_month()
    in_tok, out_tok = tokens(path, ctx)
    out = {"data": data_cost(path.data, ctx, first, events)}
    add_costs(out, categories(_training_cost(path, ctx, first, events), "training"))
    served = served_selfhost(path, ctx, in_tok, out_tok, serving_cost)
    add_costs(out, categories(served, "inference"))  # bought GPUs: hardware and energy
    out.update(common_costs(path, ctx, events, path.ops.oncall))
    return per_adapter(path, ctx, out)  # data and evaluation of each adapter


def _training_cost(path: FinetuneSelfhost, ctx: Context, first, events) -> Cost | dict:
    """Whole instances for the first campaign's runs and for each retrain's: a job of
    ``g`` GPUs on the cheapest instance that holds ``g`` (8-GPU nodes beyond 8)."""
    d, t = path.data, path.training
    train_tokens = d.examples * d.tokens_per_example * d.epochs
    # GPU-hours are linear in tokens and inverse in MFU, so Monte Carlo draws scale one
    # estimate at the largest sequence (which sets the GPU count) instead of re-running it.
    mfu = None if t.mfu is None else float(np.max(t.mfu))
    with within(f"paths.{path.name}.training"):
        est = estimate_training(
            model=path.base_model,
            tokens=float(np.max(train_tokens)),
            method=path.method,
            gpu=t.gpu,
            gpus=t.gpus,
            mfu=mfu,
            seq_len=round(float(np.max(d.tokens_per_example))),
            book=ctx.book,
        )
        shapes = None if t.buy else _shapes(t, ctx, est.gpus, path)
    runs = (t.runs * first + t.retrain_runs * events) * path.adapters  # each adapter's runs
    per_run = (
        est.gpu_hours
        * (train_tokens / np.max(train_tokens))
        * (est.mfu / (est.mfu if t.mfu is None else t.mfu))
    )
    # one job at a time; the instances run for the job's wall-clock hours
    hours = ctx.full(runs * per_run / est.gpus)
    if t.buy is not None:  # bought, not rented (costing/bought_gpus.py)
        return bought_training(ctx, path, t, est, hours)
    placed = cheapest(np.where(hours > 0, 1.0, 0.0), est.gpus, shapes.shapes, hours)
    _record(ctx, path, t, shapes, placed, "training")
    return Cost(
        ctx.full(placed.usd),
        ctx.full(placed.gpu_hours_per_hour * hours),
        "GPU-hour",
        f"{fmt(per_run, ',.1f')} GPU-hours per run on {est.gpus} x {est.gpu} at MFU "
        f"{est.mfu:.2f}, billed as {span(np.max(placed.instances))} x {_named(placed, t)} per run",
    )
