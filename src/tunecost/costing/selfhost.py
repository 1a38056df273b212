"""Paths that serve an open-weight model on rented GPUs, tuned or as it is.

Serving pays for enough replicas to carry the peak hour within the latency targets, for
every hour of the month (idle capacity included); fine-tuning pays GPU-hours for a tuning
campaign and for every retrain. GPU prices follow the market's GPU price trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunecost.compute.estimates import estimate_training
from tunecost.compute.serving import peak_output_tokens_per_s, replicas_for_peak
from tunecost.costing import timeline
from tunecost.costing.capacity import capacity
from tunecost.costing.common import common_costs, data_cost, releases
from tunecost.costing.context import Context, Cost, fmt
from tunecost.costing.gpu_price import gpu_price
from tunecost.costing.price_series import price_series
from tunecost.costing.tokens import tokens
from tunecost.errors import within
from tunecost.scenario.defaults import GPU_MARKETS, SERVING_TPOT_SLO, SERVING_TTFT_SLO
from tunecost.scenario.model import FinetuneSelfhost, PromptSelfhost
from tunecost.vocabulary import tier_column

GIVEN = "given in the scenario"


def serving_cost(path, ctx: Context, model_id: str, in_tok, out_tok) -> Cost:
    """GPU-hours of the replicas that carry each month's peak hour, at the GPU price."""
    s = with_latency_targets(path.serving, ctx, path.name)
    with within(f"paths.{path.name}.serving"):
        per_replica, est = capacity(s, ctx.book, model_id, in_tok, out_tok)  # tokens/s
        price = _price(s, ctx, est.gpus_per_replica, path, "serving")
    oncall = path.ops.oncall
    ctx.assumptions.append(
        f"{path.name}: {fmt(oncall)} FTE on call, at least {s.min_replicas} replica(s) and "
        "no spare beyond the peak's (set ops.oncall, serving.min_replicas)"
    )
    peak = peak_output_tokens_per_s(ctx.traffic, out_tok, ctx.scenario.workload.peak_to_average)
    replicas = replicas_for_peak(peak, per_replica, s.min_replicas)
    # clouds bill the hours each calendar month has (672 to 744), not a 730-hour month
    gpu_hours = replicas * est.gpus_per_replica * timeline.month_hours(ctx.as_of, ctx.months)
    note = (
        f"{est.gpus_per_replica} x {est.gpu} per replica, {fmt(per_replica, ',.0f')} output "
        f"tokens/s each within SLO; {price.source}"
    )
    return Cost(gpu_hours * price.series, gpu_hours, "GPU-hour", note)


@dataclass(frozen=True)
class _Priced:
    """A GPU price over the plan and where its first month's price came from."""

    series: np.ndarray  # USD per GPU-hour in each month
    source: str


def with_latency_targets(serving, ctx: Context, name: str):
    """The path's serving settings with its latency targets, the MLPerf server-scenario
    ones where it gives none (``scenario.defaults``), printed as an assumption."""
    tpot = SERVING_TPOT_SLO if serving.tpot_slo is None else serving.tpot_slo
    ttft = SERVING_TTFT_SLO if serving.ttft_slo is None else serving.ttft_slo
    given = serving.tpot_slo is not None and serving.ttft_slo is not None
    ctx.assumptions.append(
        f"{name}: served with {serving.engine}, sized for {fmt(np.asarray(tpot) * 1000)} ms "
        f"per output token and {fmt(ttft)} s to the first token"
        + (
            ""
            if given
            else " (MLPerf Inference server targets; set serving.tpot_slo, serving.ttft_slo)"
        )
    )
    return serving.model_copy(update={"tpot_slo": tpot, "ttft_slo": ttft})


def _markets(choice, ctx: Context) -> tuple[str, ...]:
    return tuple(choice.markets or ctx.scenario.market.gpu_markets or GPU_MARKETS)


def _price(choice, ctx: Context, min_gpus: int, path, role: str) -> _Priced:
    """USD per GPU-hour in each month for a scenario's GPU choice (its own price, else the
    path's ``prices.gpu_hour``, else the book's offer chosen at the plan's start, followed
    through its dated rows), then the GPU price trend and level."""
    given = choice.usd_per_gpu_hour
    if given is None and path.prices is not None:
        given = path.prices.gpu_hour
    found = gpu_price(
        ctx.book,
        choice.gpu,
        as_of=ctx.as_of,
        min_gpus=min_gpus,
        usd_per_gpu_hour=given,
        given=GIVEN,
        provider=choice.provider,
        offer=choice.offer,
        tier=choice.tier,
        markets=_markets(choice, ctx),
    )
    if found.offer is not None and not (choice.provider or choice.offer):
        ctx.assumptions.append(
            f"{path.name}: {role} GPUs at {found.source}, the cheapest "
            f"{' or '.join(_markets(choice, ctx))} offer (set {role}.offer, {role}.provider, "
            f"{role}.markets or {role}.usd_per_gpu_hour)"
        )
    m = ctx.scenario.market
    trend = {"trend": m.gpu_price_change, "factor": m.gpu_price_factor}
    if found.offer is None:  # given in the scenario: the trend from the start
        fixed = [_Given(ctx.as_of, found.usd_per_gpu_hour)]
        series, _ = price_series(fixed, ctx.dates, lambda r: r.usd, **trend)
        return _Priced(series, found.source)
    column = tier_column(choice.tier)
    history = [o for o in ctx.book.history(found.offer) if o.price(column) is not None]
    series, used = price_series(history, ctx.dates, lambda o: o.price(column), **trend)
    ctx.used += used
    return _Priced(series, found.source)


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
    out = {"inference": serving_cost(path, ctx, path.model, in_tok, out_tok)}
    out.update(common_costs(path, ctx, events, path.ops.oncall))
    return out


def finetune_selfhost(path: FinetuneSelfhost, ctx: Context) -> dict[str, Cost]:
    """Fine-tune an open-weight model on rented GPUs and serve it: data, a tuning campaign
    of GPU-hours, re-training at every release, serving as for prompt-selfhost."""
    ctx.book.architecture(path.base_model, "base_model")
    events = releases(path, ctx, path.retrain)
    first = ctx.first_month()
    in_tok, out_tok = tokens(path, ctx)
    out = {
        "data": data_cost(path.data, ctx, first, events),
        "training": _training_cost(path, ctx, first, events),
        "inference": serving_cost(path, ctx, path.base_model, in_tok, out_tok),
    }
    out.update(common_costs(path, ctx, events, path.ops.oncall))
    return out


def _training_cost(path: FinetuneSelfhost, ctx: Context, first, events) -> Cost:
    """GPU-hours of the first campaign's runs and of each retrain's, at the GPU price."""
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
        price = _price(t, ctx, est.gpus, path, "training")
    runs = t.runs * first + t.retrain_runs * events
    per_run = (
        est.gpu_hours
        * (train_tokens / np.max(train_tokens))
        * (est.mfu / (est.mfu if t.mfu is None else t.mfu))
    )
    gpu_hours = runs * per_run
    return Cost(
        ctx.full(gpu_hours * price.series),
        ctx.full(gpu_hours),
        "GPU-hour",
        f"{fmt(per_run, ',.1f')} GPU-hours per run on {est.gpus} x "
        f"{est.gpu} at MFU {est.mfu:.2f}; {price.source}",
    )
