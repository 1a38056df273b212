"""Training a fine-tune through a provider, billed the provider's way.

Per training token (``training``, ``training_lora``, ``training_full``, or a size band
``band:...`` for providers that price by model size): the training file's tokens times
epochs, plus validation tokens as the provider bills them (``providers.csv``:
not billed, billed once, or billed at every evaluation), never below a minimum charge.
Per training hour (``method: rft``, ``training_hour``): the run's hours, plus the grader
model's tokens at its own rates. Each run of the first campaign and of every retrain.
"""

from __future__ import annotations

import re

import numpy as np

from tunecost.costing.api_rates import Seller, seller
from tunecost.costing.context import Context, Cost, fmt
from tunecost.errors import InputError
from tunecost.scenario.model import FinetuneAPI


def training_cost(path: FinetuneAPI, ctx: Context, s: Seller, runs) -> Cost:
    """The training category of a fine-tuning path; ``runs`` per month."""
    if path.method == "rft":
        per_run, quantity, unit, note = _hourly(path, ctx, s)
    else:
        per_run, quantity, unit, note = _per_token(path, ctx, s)
    return Cost(ctx.full(runs * per_run), ctx.full(runs * quantity), unit, note)


def validation_tokens(path: FinetuneAPI, ctx: Context, provider: str | None):
    """Validation tokens billed per run, by the provider's rule, and a note on the rule."""
    d = path.data
    per_file = (
        d.validation_tokens
        if d.validation_tokens is not None
        else (d.validation_share * d.examples * d.tokens_per_example)
    )
    rule = (ctx.book.providers.get(provider) or {}).get("finetune_validation_tokens") or "unknown"
    if not np.any(per_file):
        return 0.0, ""
    if rule == "not-billed":
        return 0.0, f"validation tokens not billed ({provider})"
    if rule == "billed-per-evaluation":
        evals = d.evaluations if d.evaluations is not None else d.epochs
        if d.evaluations is None:
            ctx.assumptions.append(
                f"{path.name}: one evaluation of the validation set per epoch "
                f"({fmt(evals)}); set data.evaluations"
            )
        return evals * per_file, f"validation billed at each of {fmt(evals)} evaluations"
    if rule == "unknown":
        ctx.assumptions.append(
            f"{path.name}: {provider or 'the provider'} does not say how validation tokens "
            "are billed; counted once per run"
        )
    return per_file, "validation tokens billed once"


def _per_token(path: FinetuneAPI, ctx: Context, s: Seller):
    d = path.data
    model, kind = _training_price_row(path, ctx, s)
    priced = s if model == path.model else Seller(ctx, model, s.provider, s.overrides)
    p_train = priced.rate(kind)
    minimum = priced.rate("minimum_charge") if priced.has("minimum_charge") else 0.0
    train_tokens = d.examples * d.tokens_per_example * d.epochs
    extra, rule = validation_tokens(path, ctx, s.provider)
    billed = train_tokens + extra
    per_run = np.maximum(billed * p_train, minimum)
    note = f"{fmt(billed, ',.0f')} training tokens per run ({kind})"
    return per_run, billed, "token", note + (f"; {rule}" if rule else "")


def _hourly(path: FinetuneAPI, ctx: Context, s: Seller):
    if path.training_hours is None:
        raise InputError(
            "reinforcement fine-tuning is billed by the hour; give training_hours per run",
            "training_hours",
        )
    if not s.has("training_hour"):
        raise _no_training_price(path, ctx, s, ("training_hour",))
    hours = invoiced_hours(path.training_hours, ctx, s.provider)
    per_run = hours * s.rate("training_hour")
    note = f"{fmt(hours)} training hours per run"
    if path.grader is not None:
        g = path.grader
        grader = seller(ctx, g.model, g.provider)
        with_grader = g.input_tokens * grader.rate("input") + g.output_tokens * grader.rate(
            "output"
        )
        per_run = per_run + with_grader
        note += f" + grader {g.model}: {fmt(g.input_tokens)} in, {fmt(g.output_tokens)} out tokens"
    return per_run, hours, "training hour", note


def invoiced_hours(hours, ctx: Context, provider: str):
    """Training hours as the provider invoices them: rounded to its increment
    (``providers.csv`` ``finetune_hour_increment``; OpenAI and Azure: 0.01 h, "rounded
    to two decimal places on the invoice (e.g., 2.55 hours)"), else as given."""
    step = (ctx.book.providers.get(provider) or {}).get("finetune_hour_increment")
    if not step:
        return hours
    return np.round(np.asarray(hours, float) / step) * step


def _training_price_row(path: FinetuneAPI, ctx: Context, s: Seller) -> tuple[str, str]:
    """(model id in the book, kind) of the training price: the path's own price, the
    model's per-token price for the method, else the provider's size band covering
    ``base_model``."""
    kinds = (f"training_{path.method}", "training")
    if s.given("training") is not None:
        return path.model, "training"
    model = path.model
    if not any(s.has(k) for k in kinds):
        model = _band_model(ctx, path, s.provider, kinds)
        if model is None:
            raise _no_training_price(path, ctx, s, kinds)
    kind = next((k for k in kinds if ctx.has_price(model, k, s.provider)), None)
    if kind is None:  # the rows exist but none is in effect yet at the plan's start
        first = min(
            p.effective_from
            for p in ctx.book.prices
            if p.model == model and p.kind in kinds and p.provider == s.provider
        )
        raise InputError(
            f"no training price for {model} is in effect on {ctx.as_of}; the book's "
            f"prices start {first}: move start to {first:%Y-%m} or later",
            "start",
            absolute=True,
        )
    return model, kind


def _no_training_price(path: FinetuneAPI, ctx: Context, s: Seller, kinds) -> InputError:
    """One line: this provider sells no training for the model; who does."""
    what = "hourly (rft)" if "training_hour" in kinds else "per-token"
    others = sorted(
        {
            p.provider
            for p in ctx.book.prices
            if p.model.lower() == path.model.lower() and p.kind in kinds
        }
        - {s.provider}
    )
    banded = sorted({p.provider for p in ctx.book.prices if p.model.startswith("band:")})
    if others:
        hint = f"; {', '.join(others)} {'does' if len(others) == 1 else 'do'}"
    elif s.provider in banded and not path.base_model:
        hint = "; give base_model (a models.csv id) so its size band can be priced"
    else:
        hint = f"; providers that price by model size: {', '.join(banded)} (with base_model)"
    return InputError(
        f"{s.provider or 'no provider'} sells no {what} training for {path.model} in the "
        f"price book{hint}; or give prices.training",
        "model",
    )


def _band_model(ctx: Context, path: FinetuneAPI, provider, kinds) -> str | None:
    """A provider's size-band row (``band:up-to-16b``) that covers ``path.base_model``."""
    if not path.base_model:
        return None
    params = ctx.book.architecture(path.base_model, "base_model").params_total
    for p in ctx.book.prices:
        if p.provider != provider or not p.model.startswith("band:") or p.kind not in kinds:
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
