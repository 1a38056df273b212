"""The four ways of building the feature, each priced month by month.

One function per path kind turns a scenario path into cost arrays per category
(``data``, ``training``, ``inference``, ``hosting``, ``engineering``, ``evaluation``,
``monitoring``), in USD per month. Traffic may carry leading axes (a sweep of volumes,
Monte Carlo draws); every array broadcasts to ``traffic.shape``.

Prices come from the price book in effect at the plan's start and follow the market's
price trends; compute comes from :mod:`tunecost.compute`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from tunecost import timeline
from tunecost.errors import InputError
from tunecost.scenario import (
    AnyPath,
    FinetuneAPI,
    FinetuneSelfhost,
    GPUChoice,
    PromptAPI,
    PromptSelfhost,
    Scenario,
    engineering_hours,
    evaluation_hours,
)
from tunecost.units import HOURS_PER_MONTH

CATEGORIES = ("data", "training", "inference", "hosting", "engineering", "evaluation", "monitoring")


def _fmt(x, spec: str = "g") -> str:
    """A number for a note; a column of Monte Carlo draws shows its range."""
    a = np.asarray(x, float)
    if a.ndim == 0 or a.size == 1:
        return format(float(a.reshape(-1)[0]) if a.ndim else float(a), spec)
    return f"{format(float(a.min()), spec)} to {format(float(a.max()), spec)}"


@dataclass
class Cost:
    """One category of one path: USD per month and the quantity that drives it."""

    usd: np.ndarray
    quantity: np.ndarray
    unit: str
    note: str = ""


@dataclass
class Context:
    """What every path needs besides its own fields: the plan's months, traffic, price
    trends and the price book. ``used`` collects the price rows consulted."""

    scenario: Scenario
    traffic: np.ndarray  # requests per month, shape (..., N)
    book: object
    api_factor: np.ndarray = field(init=False)
    gpu_factor: np.ndarray = field(init=False)
    used: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def __post_init__(self):
        s = self.scenario
        m = s.market
        self.api_factor = timeline.compound(*m.api_price_change, s.months) * timeline._col(
            m.api_price_factor
        )
        self.gpu_factor = timeline.compound(*m.gpu_price_change, s.months) * timeline._col(
            m.gpu_price_factor
        )

    @property
    def months(self) -> int:
        return self.scenario.months

    @property
    def as_of(self) -> dt.date:
        return self.scenario.start

    @property
    def rate(self) -> float:
        return self.scenario.team.engineer_rate

    def first_month(self) -> np.ndarray:
        out = np.zeros(self.months)
        out[0] = 1.0
        return out

    def zeros(self) -> np.ndarray:
        return np.zeros(np.broadcast_shapes(self.traffic.shape, (self.months,)))

    def full(self, values) -> np.ndarray:
        return np.broadcast_to(np.asarray(values, float), self.zeros().shape).copy()

    def price(self, model, kind, *, provider=None, context_tokens=0, field="model"):
        p = self.book.price(
            model,
            kind,
            provider=provider,
            as_of=self.as_of,
            context_tokens=context_tokens,
            field=field,
        )
        self.used.append(p)
        return p

    def usd(self, model, kind, *, provider=None, context_tokens=0, field="model"):
        """Canonical price of ``kind``; with a column of context lengths (Monte Carlo),
        each draw gets the long-context tier its own prompt length falls in."""
        if np.ndim(context_tokens) == 0:
            return self.price(
                model, kind, provider=provider, context_tokens=context_tokens, field=field
            ).usd
        out = np.full(
            np.shape(context_tokens), self.price(model, kind, provider=provider, field=field).usd
        )
        tiers = [
            p
            for p in self.book.model_prices(model, provider=provider, as_of=self.as_of)
            if p.kind == kind and p.context_over_tokens
        ]
        for p in sorted(tiers, key=lambda p: p.context_over_tokens):
            over = np.asarray(context_tokens) > p.context_over_tokens
            if over.any():
                self.used.append(p)
            out = np.where(over, p.usd, out)
        return out

    def has_price(self, model, kind, provider=None) -> bool:
        try:
            rows = self.book.model_prices(model, provider=provider, as_of=self.as_of)
        except InputError:
            return False
        return any(r.kind == kind for r in rows)


# ---- costs every path carries -------------------------------------------------------------
def _releases(path: AnyPath, ctx: Context, policy) -> np.ndarray:
    dep = timeline.month_of(path.deprecated, ctx.as_of) if path.deprecated else None
    return timeline.release_events(
        policy, ctx.scenario.market.new_base_model_every, ctx.months, dep
    )


def _common(
    path: AnyPath, ctx: Context, releases: np.ndarray, oncall_fte: float = 0.0
) -> dict[str, Cost]:
    build, upkeep, per_release = engineering_hours(path)
    first = ctx.first_month()
    hours = (
        build * first
        + upkeep * (1 - first)
        + per_release * releases
        + oncall_fte * ctx.scenario.team.hours_per_fte_month
    )
    note = (
        f"build {_fmt(build)} h, upkeep {_fmt(upkeep)} h/month, {_fmt(per_release)} h per release"
    )
    if np.any(oncall_fte):
        note += f", on-call {_fmt(oncall_fte)} FTE"
    evals = first + releases
    per_eval = path.evaluation.per_release + evaluation_hours(path) * ctx.rate
    return {
        "engineering": Cost(ctx.full(hours * ctx.rate), ctx.full(hours), "engineer-hour", note),
        "evaluation": Cost(
            ctx.full(evals * per_eval),
            ctx.full(evals),
            "release",
            f"{_fmt(path.evaluation.per_release)} USD + "
            f"{_fmt(evaluation_hours(path))} engineer-hours per release",
        ),
        "monitoring": Cost(ctx.full(path.monitoring), ctx.full(np.ones(ctx.months)), "month"),
    }


def _data_cost(d, ctx: Context, first: np.ndarray, releases: np.ndarray) -> Cost:
    """Labelling every example in month 1 and a share of them at every release, plus the
    engineer-hours to build the data set."""
    labelled = d.examples * (first + d.refresh_share * releases)
    usd = labelled * d.labelling + d.collection_hours * ctx.rate * first
    return Cost(
        ctx.full(usd), ctx.full(labelled), "example", f"{_fmt(d.labelling)} USD per example"
    )


def _tokens(path: AnyPath, ctx: Context) -> tuple[float, float]:
    w = ctx.scenario.workload
    return (
        w.input_tokens if path.input_tokens is None else path.input_tokens,
        w.output_tokens if path.output_tokens is None else path.output_tokens,
    )


# ---- prompt-api ---------------------------------------------------------------------------
def api_cost_per_request(
    ctx: Context,
    model,
    provider,
    in_tok,
    out_tok,
    *,
    cached=0.0,
    batch=0.0,
    prefix="",
    field="model",
) -> float:
    """USD per request at the plan's start prices.

    ``in x ((1 - c) p_in + c p_cached) + out x p_out`` for the share sent interactively,
    ``in x p_batch_in + out x p_batch_out`` for the share ``batch`` sent through batch
    APIs. ``prefix`` selects fine-tuned prices (``ft_``).
    """
    kw = {"provider": provider, "context_tokens": in_tok, "field": field}
    p_in = ctx.usd(model, f"{prefix}input", **kw)
    p_out = ctx.usd(model, f"{prefix}output", **kw)
    p_cached = p_in
    if np.any(cached):
        if ctx.has_price(model, f"{prefix}cached_input", provider):
            p_cached = ctx.usd(model, f"{prefix}cached_input", **kw)
        else:
            ctx.notes.append(
                f"{model}: no cached-input price in the book; cached tokens priced as input"
            )
    live = in_tok * ((1 - cached) * p_in + cached * p_cached) + out_tok * p_out
    if not np.any(batch):
        return live
    bat = in_tok * ctx.usd(model, "batch_input", **kw) + out_tok * ctx.usd(
        model, "batch_output", **kw
    )
    return (1 - batch) * live + batch * bat


def prompt_api(path: PromptAPI, ctx: Context) -> dict[str, Cost]:
    """Prompting a hosted model: tokens x prices, plus prompt engineering, evaluation at
    every release of a better base model, and monitoring."""
    in_tok, out_tok = _tokens(path, ctx)
    per_req = api_cost_per_request(
        ctx,
        path.model,
        path.provider,
        in_tok,
        out_tok,
        cached=path.cached_input_share,
        batch=path.batch_share,
        field=f"paths.{path.name}.model",
    )
    releases = _releases(path, ctx, "on-new-base-model" if path.follow_new_models else "never")
    out = {
        "inference": Cost(
            ctx.traffic * per_req * ctx.api_factor,
            ctx.full(ctx.traffic),
            "request",
            f"{_fmt(in_tok)} in + {_fmt(out_tok)} out tokens per request",
        )
    }
    out.update(_common(path, ctx, releases))
    return out


# ---- finetune-api -------------------------------------------------------------------------
def _band_model(ctx: Context, path: FinetuneAPI, kinds) -> str | None:
    """A provider's size-band row (``band:up-to-16b``) that covers ``path.base_model``."""
    import re

    from tunecost.architectures import get_model

    if not path.base_model:
        return None
    params = get_model(path.base_model, field=f"paths.{path.name}.base_model").params_total
    for p in ctx.book.prices:
        if p.provider != path.provider or not p.model.startswith("band:") or p.kind not in kinds:
            continue
        spec = p.model.split(":")[1]
        if p.model.count(":") > 1:  # e.g. band:...:dpo
            continue
        nums = [float(x) * 1e9 for x in re.findall(r"(\d+(?:\.\d+)?)b", spec)]
        if spec.startswith("up-to") and params <= nums[0]:
            return p.model
        if spec.startswith("over") and params > nums[0]:
            return p.model
        if len(nums) == 2 and nums[0] <= params <= nums[1] + 0.999e9:
            return p.model
    return None


def finetune_api(path: FinetuneAPI, ctx: Context) -> dict[str, Cost]:
    """Fine-tuning through a provider: data, training tokens x epochs per run, fine-tuned
    inference (often at a premium), hosting and storage fees where the provider charges
    them, and a retrain at every release."""
    d = path.data
    field = f"paths.{path.name}.model"
    kinds = (f"training_{path.method}", "training")
    train_model = path.model
    if not any(ctx.has_price(path.model, k, path.provider) for k in kinds):
        train_model = _band_model(ctx, path, kinds)
        if train_model is None:
            tunable = sorted(
                {
                    f"{p.model} ({p.provider})"
                    for p in ctx.book.prices
                    if p.kind.startswith("training") and not p.model.startswith(("band:", "hard"))
                }
            )
            banded = sorted({p.provider for p in ctx.book.prices if p.model.startswith("band:")})
            hint = (
                "; give base_model (a models.csv id) so its size band can be priced"
                if path.provider in banded
                else f"; fine-tunable: {', '.join(tunable)}; or a provider that prices by "
                f"model size ({', '.join(banded)}) with base_model"
            )
            raise InputError(
                f"the price book has no per-token training price for "
                f"{path.model} from {path.provider or 'any provider'}{hint}",
                field,
            )
    kind = next((k for k in kinds if ctx.has_price(train_model, k, path.provider)), None)
    if kind is None:  # the rows exist but none is in effect yet at the plan's start
        first = min(
            p.effective_from for p in ctx.book.prices if p.model == train_model and p.kind in kinds
        )
        raise InputError(
            f"no training price for {train_model} is in effect on {ctx.as_of}; the book's "
            f"prices start {first}: move start to {first:%Y-%m} or later",
            "start",
        )
    p_train = ctx.price(train_model, kind, provider=path.provider, field=field)
    minimum = (
        ctx.price(train_model, "minimum_charge", provider=path.provider).usd
        if ctx.has_price(train_model, "minimum_charge", path.provider)
        else 0.0
    )
    tokens = d.examples * d.tokens_per_example * d.epochs * (1 + d.validation_share)
    per_run = np.maximum(tokens * p_train.usd, minimum)
    releases = _releases(path, ctx, path.retrain)
    first = ctx.first_month()
    runs = path.runs * first + path.retrain_runs * releases
    in_tok, out_tok = _tokens(path, ctx)
    tuned_rates = ctx.has_price(path.model, "ft_input", path.provider)
    per_req = api_cost_per_request(
        ctx,
        path.model,
        path.provider,
        in_tok,
        out_tok,
        cached=path.cached_input_share,
        prefix="ft_" if tuned_rates else "",
        field=field,
    )
    if tuned_rates:
        inf_note = "fine-tuned model prices"
    else:
        inf_note = "served at the base model's prices (no fine-tuned price in the book)"
        ctx.notes.append(f"{path.name}: fine-tuned model {inf_note}")
    out = {
        "data": _data_cost(d, ctx, first, releases),
        "training": Cost(
            ctx.full(runs * per_run * ctx.api_factor),
            ctx.full(runs * tokens),
            "token",
            f"{_fmt(tokens, ',.0f')} training tokens per run ({kind})",
        ),
        "inference": Cost(
            ctx.traffic * per_req * ctx.api_factor,
            ctx.full(ctx.traffic),
            "request",
            f"{_fmt(in_tok)} in + {_fmt(out_tok)} out tokens; {inf_note}",
        ),
    }
    hourly = (
        ctx.price(path.model, "hosting", provider=path.provider).usd
        if ctx.has_price(path.model, "hosting", path.provider)
        else 0.0
    )
    storage = (
        ctx.price(path.model, "storage", provider=path.provider).usd
        if ctx.has_price(path.model, "storage", path.provider)
        else 0.0
    )
    if hourly or storage:
        out["hosting"] = Cost(
            ctx.full(hourly * HOURS_PER_MONTH + storage),
            ctx.full(np.full(ctx.months, HOURS_PER_MONTH if hourly else 1.0)),
            "hour" if hourly else "month",
            "deployed fine-tuned model fee",
        )
    out.update(_common(path, ctx, releases))
    return out


# ---- self-hosting -------------------------------------------------------------------------
def gpu_price(choice: GPUChoice, ctx: Context, field: str, min_gpus: int = 1) -> tuple[float, str]:
    """USD per GPU-hour at the start of the plan: given, or the book's cheapest offer whose
    instances hold ``min_gpus`` GPUs (a replica or training job cannot span rentals)."""
    from tunecost.hardware import get_gpu

    if choice.usd_per_gpu_hour is not None:
        return choice.usd_per_gpu_hour, "given in the scenario"
    gid = get_gpu(choice.gpu, field=f"{field}.gpu").id
    tier = choice.tier.replace("-", "_")
    try:
        offer = ctx.book.gpu_offer(
            gid,
            provider=choice.provider,
            offer=choice.offer,
            tier=tier,
            as_of=ctx.as_of,
            min_gpus=min_gpus,
        )
    except InputError as exc:
        raise exc.relabel(field) from None
    ctx.used.append(offer)
    return offer.price(tier), offer.describe(tier)


def _estimate_serving(s, model_id: str, in_tok: float, out_tok: float):
    from tunecost.api import estimate_serving

    return estimate_serving(
        model=model_id,
        gpu=s.gpu,
        gpus=s.gpus,
        precision=s.precision,
        input_tokens=in_tok,
        output_tokens=out_tok,
        tpot_slo=s.tpot_slo,
        ttft_slo=s.ttft_slo,
        max_batch=s.max_batch,
    )


SERVING_GRID = 9
"""Points per token axis at which Monte Carlo draws of prompt and output length evaluate
the serving estimator; capacity is interpolated bilinearly between them (exact at the
grid points, and exact when a range collapses to one value)."""


SERVING_EXACT_PAIRS = 16
"""Up to this many distinct (prompt, output) lengths are estimated one by one."""


def _capacity(s, model_id: str, in_tok, out_tok):
    """(output tokens/s per replica within the SLOs, a representative estimate).

    For scalar lengths this is the serving estimator's figure; for columns of draws the
    estimator runs on a grid spanning the draws and the capacity is interpolated.
    """
    if np.size(in_tok) == 1 and np.size(out_tok) == 1:
        est = _estimate_serving(
            s, model_id, float(np.ravel(in_tok)[0]), float(np.ravel(out_tok)[0])
        )
        return est.slo_output_tokens_per_s, est
    ins, outs = np.broadcast_arrays(np.asarray(in_tok, float), np.asarray(out_tok, float))
    pairs, inverse = np.unique(
        np.stack([ins.ravel(), outs.ravel()], axis=1), axis=0, return_inverse=True
    )
    if len(pairs) <= SERVING_EXACT_PAIRS:  # few distinct lengths (sensitivity): exact
        ests = [_estimate_serving(s, model_id, float(i), float(o)) for i, o in pairs]
        caps = np.array([e.slo_output_tokens_per_s for e in ests])
        widest = max(ests, key=lambda e: e.gpus_per_replica)
        return caps[inverse.ravel()].reshape(ins.shape), widest
    axes = []
    for x in (in_tok, out_tok):
        lo, hi = float(np.min(x)), float(np.max(x))
        axes.append(np.linspace(lo, hi, SERVING_GRID) if hi > lo else np.array([lo]))
    ests = [[_estimate_serving(s, model_id, i, o) for o in axes[1]] for i in axes[0]]
    grid = np.array([[e.slo_output_tokens_per_s for e in row] for row in ests])
    widest = max((e for row in ests for e in row), key=lambda e: e.gpus_per_replica)
    return _bilinear(
        axes[0], axes[1], grid, np.asarray(in_tok, float), np.asarray(out_tok, float)
    ), widest


def _bilinear(xs, ys, grid, x, y):
    """Interpolate ``grid[i, j]`` (on ``xs`` x ``ys``) at points ``x``, ``y``."""

    def locate(axis, v):
        if axis.size == 1:
            return np.zeros_like(v, dtype=int), np.zeros_like(v, dtype=float)
        i = np.clip(np.searchsorted(axis, v) - 1, 0, axis.size - 2)
        return i, (v - axis[i]) / (axis[i + 1] - axis[i])

    x, y = np.broadcast_arrays(x, y)
    i, tx = locate(xs, x)
    j, ty = locate(ys, y)
    i1 = np.minimum(i + 1, xs.size - 1)
    j1 = np.minimum(j + 1, ys.size - 1)
    return (
        (1 - tx) * (1 - ty) * grid[i, j]
        + tx * (1 - ty) * grid[i1, j]
        + (1 - tx) * ty * grid[i, j1]
        + tx * ty * grid[i1, j1]
    )


def _serving(path, ctx: Context, model_id: str, in_tok: float, out_tok: float) -> Cost:
    s = path.serving
    field = f"paths.{path.name}.serving"
    try:
        capacity, est = _capacity(s, model_id, in_tok, out_tok)  # output tokens/s per replica
    except InputError as exc:
        raise exc.relabel(field) from None
    price, source = gpu_price(s, ctx, field, est.gpus_per_replica)
    peak = (
        ctx.traffic * out_tok / (HOURS_PER_MONTH * 3600.0) * ctx.scenario.workload.peak_to_average
    )
    need = np.ceil(peak / capacity - 1e-9)
    floor = np.where(ctx.traffic > 0, max(s.min_replicas, 1), s.min_replicas)
    replicas = np.maximum(need, floor)
    gpu_hours = replicas * est.gpus_per_replica * HOURS_PER_MONTH
    note = (
        f"{est.gpus_per_replica} x {est.gpu} per replica, {_fmt(capacity, ',.0f')} output tokens/s "
        f"each within SLO; {source}"
    )
    return Cost(gpu_hours * price * ctx.gpu_factor, gpu_hours, "GPU-hour", note)


def prompt_selfhost(path: PromptSelfhost, ctx: Context) -> dict[str, Cost]:
    """An open-weight model served as is on rented GPUs: replicas for the peak hour with
    idle capacity paid for, serving engineering and on-call, evaluation, monitoring."""
    from tunecost.architectures import get_model

    get_model(path.model, field=f"paths.{path.name}.model")
    in_tok, out_tok = _tokens(path, ctx)
    releases = _releases(path, ctx, "on-new-base-model" if path.follow_new_models else "never")
    out = {"inference": _serving(path, ctx, path.model, in_tok, out_tok)}
    out.update(_common(path, ctx, releases, path.ops.oncall))
    return out


def finetune_selfhost(path: FinetuneSelfhost, ctx: Context) -> dict[str, Cost]:
    """Fine-tune an open-weight model on rented GPUs and serve it: data, a tuning campaign
    of GPU-hours, re-training at every release, serving as for prompt-selfhost."""
    from tunecost.api import estimate_training
    from tunecost.architectures import get_model

    d, t = path.data, path.training
    field = f"paths.{path.name}"
    tokens = d.examples * d.tokens_per_example * d.epochs
    get_model(path.base_model, field=f"{field}.base_model")
    # GPU-hours are linear in tokens and inverse in MFU, so Monte Carlo draws scale one
    # estimate at the largest sequence (which sets the GPU count) instead of re-running it.
    mfu = None if t.mfu is None else float(np.max(t.mfu))
    try:
        est = estimate_training(
            model=path.base_model,
            tokens=float(np.max(tokens)),
            method=path.method,
            gpu=t.gpu,
            gpus=t.gpus,
            mfu=mfu,
            seq_len=round(float(np.max(d.tokens_per_example))),
        )
    except InputError as exc:
        raise exc.relabel(f"{field}.training") from None
    price, source = gpu_price(t, ctx, f"{field}.training", est.gpus)
    releases = _releases(path, ctx, path.retrain)
    first = ctx.first_month()
    runs = t.runs * first + t.retrain_runs * releases
    per_run = (
        est.gpu_hours
        * (tokens / np.max(tokens))
        * (est.mfu / (est.mfu if t.mfu is None else t.mfu))
    )
    gpu_hours = runs * per_run
    in_tok, out_tok = _tokens(path, ctx)
    out = {
        "data": _data_cost(d, ctx, first, releases),
        "training": Cost(
            ctx.full(gpu_hours * price * ctx.gpu_factor),
            ctx.full(gpu_hours),
            "GPU-hour",
            f"{_fmt(per_run, ',.1f')} GPU-hours per run on {est.gpus} x "
            f"{est.gpu} at MFU {est.mfu:.2f}; {source}",
        ),
        "inference": _serving(path, ctx, path.base_model, in_tok, out_tok),
    }
    out.update(_common(path, ctx, releases, path.ops.oncall))
    return out


PATH_FUNCTIONS = {
    "prompt-api": prompt_api,
    "finetune-api": finetune_api,
    "prompt-selfhost": prompt_selfhost,
    "finetune-selfhost": finetune_selfhost,
}


def path_costs(path: AnyPath, ctx: Context) -> dict[str, Cost]:
    """Cost arrays per category for one path. Errors from the estimators and the price
    book, which name command-line options, are reported against the path's fields."""
    try:
        return PATH_FUNCTIONS[path.kind](path, ctx)
    except InputError as exc:
        raise exc.relabel(f"paths.{path.name}") from None
