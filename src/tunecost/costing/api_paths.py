"""Paths priced by a provider's API: prompting a hosted model, fine-tuning through it.

Prices come from the price book in effect at the plan's start and follow the market's
API price trend; every array broadcasts to the traffic's shape (months, with leading
axes for draws or volume sweeps).
"""

from __future__ import annotations

import re

import numpy as np

from tunecost.costing.common import common_costs, data_cost, releases, tokens
from tunecost.costing.context import Context, Cost, fmt
from tunecost.errors import InputError
from tunecost.scenario.model import FinetuneAPI, PromptAPI
from tunecost.units import HOURS_PER_MONTH


def api_cost_per_request(
    ctx: Context, model, provider, in_tok, out_tok, *, cached=0.0, batch=0.0, prefix=""
) -> float:
    """USD per request in each month of the plan (prices follow the book and the trend).

    ``in x ((1 - c) p_in + c p_cached) + out x p_out`` for the share sent interactively,
    ``in x p_batch_in + out x p_batch_out`` for the share ``batch`` sent through batch
    APIs. ``prefix`` selects fine-tuned prices (``ft_``).
    """
    kw = {"provider": provider, "context_tokens": in_tok}
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
    in_tok, out_tok = tokens(path, ctx)
    per_req = api_cost_per_request(
        ctx,
        path.model,
        path.provider,
        in_tok,
        out_tok,
        cached=path.cached_input_share,
        batch=path.batch_share,
    )
    events = releases(path, ctx, "on-new-base-model" if path.follow_new_models else "never")
    out = {
        "inference": Cost(
            ctx.traffic * per_req,
            ctx.full(ctx.traffic),
            "request",
            f"{fmt(in_tok)} in + {fmt(out_tok)} out tokens per request",
        )
    }
    out.update(common_costs(path, ctx, events))
    return out


def finetune_api(path: FinetuneAPI, ctx: Context) -> dict[str, Cost]:
    """Fine-tuning through a provider: data, training tokens x epochs per run, fine-tuned
    inference (often at a premium), hosting and storage fees where the provider charges
    them, and a retrain at every release."""
    d = path.data
    train_model, kind = _training_price_row(path, ctx)
    p_train = ctx.usd(train_model, kind, provider=path.provider)
    minimum = (
        ctx.usd(train_model, "minimum_charge", provider=path.provider)
        if ctx.has_price(train_model, "minimum_charge", path.provider)
        else 0.0
    )
    train_tokens = d.examples * d.tokens_per_example * d.epochs * (1 + d.validation_share)
    per_run = np.maximum(train_tokens * p_train, minimum)
    events = releases(path, ctx, path.retrain)
    first = ctx.first_month()
    runs = path.runs * first + path.retrain_runs * events
    out = {
        "data": data_cost(d, ctx, first, events),
        "training": Cost(
            ctx.full(runs * per_run),
            ctx.full(runs * train_tokens),
            "token",
            f"{fmt(train_tokens, ',.0f')} training tokens per run ({kind})",
        ),
        "inference": _tuned_inference(path, ctx),
    }
    hosting = _hosting(path, ctx)
    if hosting is not None:
        out["hosting"] = hosting
    out.update(common_costs(path, ctx, events))
    return out


def _tuned_inference(path: FinetuneAPI, ctx: Context) -> Cost:
    """Requests at the fine-tuned model's prices, or the base model's where the book has
    none (with a note)."""
    in_tok, out_tok = tokens(path, ctx)
    tuned_rates = ctx.has_price(path.model, "ft_input", path.provider)
    per_req = api_cost_per_request(
        ctx,
        path.model,
        path.provider,
        in_tok,
        out_tok,
        cached=path.cached_input_share,
        prefix="ft_" if tuned_rates else "",
    )
    if tuned_rates:
        note = "fine-tuned model prices"
    else:
        note = "served at the base model's prices (no fine-tuned price in the book)"
        ctx.notes.append(f"{path.name}: fine-tuned model {note}")
    return Cost(
        ctx.traffic * per_req,
        ctx.full(ctx.traffic),
        "request",
        f"{fmt(in_tok)} in + {fmt(out_tok)} out tokens; {note}",
    )


def _hosting(path: FinetuneAPI, ctx: Context) -> Cost | None:
    """The hourly fee and storage of a deployed fine-tuned model, where the book has one
    (as the book dates them; the API price trend does not apply to fees)."""
    hourly = (
        ctx.usd(path.model, "hosting", provider=path.provider, trend=False)
        if ctx.has_price(path.model, "hosting", path.provider)
        else 0.0
    )
    storage = (
        ctx.usd(path.model, "storage", provider=path.provider, trend=False)
        if ctx.has_price(path.model, "storage", path.provider)
        else 0.0
    )
    if not (np.any(hourly) or np.any(storage)):
        return None
    return Cost(
        ctx.full(hourly * HOURS_PER_MONTH + storage),
        ctx.full(np.full(ctx.months, HOURS_PER_MONTH if np.any(hourly) else 1.0)),
        "hour" if np.any(hourly) else "month",
        "deployed fine-tuned model fee",
    )


def _training_price_row(path: FinetuneAPI, ctx: Context) -> tuple[str, str]:
    """(model id in the book, kind) of the training price: the model's own per-token
    price for the method, else the provider's size band covering ``base_model``."""
    kinds = (f"training_{path.method}", "training")
    train_model = path.model
    if not any(ctx.has_price(path.model, k, path.provider) for k in kinds):
        train_model = _band_model(ctx, path, kinds)
        if train_model is None:
            raise _no_training_price(path, ctx)
    kind = next((k for k in kinds if ctx.has_price(train_model, k, path.provider)), None)
    if kind is None:  # the rows exist but none is in effect yet at the plan's start
        first = min(
            p.effective_from
            for p in ctx.book.prices
            if p.model == train_model and p.kind in kinds and path.provider in (None, p.provider)
        )
        raise InputError(
            f"no training price for {train_model} is in effect on {ctx.as_of}; the book's "
            f"prices start {first}: move start to {first:%Y-%m} or later",
            "start",
            absolute=True,
        )
    return train_model, kind


def _no_training_price(path: FinetuneAPI, ctx: Context) -> InputError:
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
    return InputError(
        f"the price book has no per-token training price for "
        f"{path.model} from {path.provider or 'any provider'}{hint}",
        "model",
    )


def _band_model(ctx: Context, path: FinetuneAPI, kinds) -> str | None:
    """A provider's size-band row (``band:up-to-16b``) that covers ``path.base_model``."""
    if not path.base_model:
        return None
    params = ctx.book.architecture(path.base_model, "base_model").params_total
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
