"""Serving a fine-tune where it was tuned, as the provider sells it.

``serverless``: per-token rates of the fine-tuned model (or of the base model, where the
provider bills a fine-tune at its base model's rates), no deployment fee. ``dedicated``:
the provider's deployment price for every hour of each calendar month, whether used or
not, times the deployments the peak hour needs plus spares; a GPU deployment
(``hardware:...``) is sized with tunecost's serving estimator for the base model on that
hardware and bills no tokens; a per-model deployment fee (Azure OpenAI, Bedrock
provisioned throughput) is one deployment and bills tokens too where the book has the
fine-tune's token rates, plus the deployment's monthly storage where the book prices it.
A Bedrock Custom Model Import copy (``cmi:...``, named with ``deployment``) is such a
per-model deployment billed per Custom Model Unit-minute, and never per token. ``none``:
the fine-tune is not served by this provider. The default is the provider's documented
policy (``providers.csv``), printed as an assumption; naming a deployment means
``dedicated``.
"""

from __future__ import annotations

import re

import numpy as np

from tunecost.costing import timeline
from tunecost.costing.api_rates import Seller, per_request
from tunecost.costing.autoscaled import peak_demand
from tunecost.costing.capacity import capacity
from tunecost.costing.context import Context, Cost, fmt
from tunecost.costing.deployment_scaling import autoscaled_hosting, scaling_rule
from tunecost.costing.price_series import price_series
from tunecost.costing.provisioned import PTU, provisioned_hosting
from tunecost.costing.tokens import tokens
from tunecost.errors import InputError, within
from tunecost.pricebook.prices import in_effect
from tunecost.scenario.defaults import SERVING_TPOT_SLO, SERVING_TTFT_SLO
from tunecost.scenario.model import FinetuneAPI

_HARDWARE = re.compile(r"^hardware:(?:(\d+)x-)?(.+)$")
"""A GPU deployment's id: ``hardware:1x-h100-80gb`` (Together) or ``hardware:h100-80gb``
(Fireworks, one GPU)."""

_IMPORTED = "cmi:"
"""A Bedrock Custom Model Import deployment: ``cmi:llama-3.1-8b`` is one model copy of an
imported model, its hourly price = Custom Model Units per copy x USD per CMU-minute x 60
and its storage a price per CMU-month (``finetune_prices.csv``)."""


def default_hosting(path: FinetuneAPI, ctx: Context, s: Seller) -> str:
    """The provider's policy for serving this fine-tune, printed as an assumption."""
    rules = ctx.book.providers.get(s.provider) or {}
    policy = rules.get("finetune_hosting") or "unknown"
    deployments = _deployments(ctx, s, path)
    tuned_rates = s.has("ft_input")
    if path.deployment or (policy == "dedicated" and deployments):
        mode = "dedicated"  # a deployment named is a deployment to rent
    elif policy == "both" and any(not d.model.startswith("hardware:") for d in deployments):
        mode = "dedicated"  # a per-model deployment (Azure Standard, Bedrock provisioned)
    elif tuned_rates or policy in ("serverless", "both", "unknown"):
        mode = "serverless"
    else:
        mode = "dedicated" if deployments else "serverless"
    source = rules.get("finetune_hosting_source_url") or "providers.csv"
    ctx.assumptions.append(
        f"{path.name}: served {mode} ({s.provider}'s policy for fine-tunes: {policy}, "
        f"{source}); set hosting: serverless, dedicated or none"
    )
    return mode


def serving_costs(path: FinetuneAPI, ctx: Context, s: Seller, in_tok, out_tok, shares) -> dict:
    """The inference and hosting categories of a fine-tuning path."""
    mode = path.hosting or default_hosting(path, ctx, s)
    if path.autoscale and mode != "dedicated":
        raise InputError(
            f"autoscale applies to dedicated deployments, not to hosting: {mode}; "
            "set hosting: dedicated or remove autoscale",
            f"paths.{path.name}.autoscale",
            absolute=True,
        )
    if mode == "none":
        ctx.notes.append(
            f"{path.name}: the fine-tune is not served by {s.provider} (hosting: none)"
        )
        return {}
    if mode == "serverless":
        out = {"inference": _tokens(path, ctx, s, in_tok, out_tok, shares)}
        storage = _storage(ctx, s)
        return {**out, "hosting": storage} if storage is not None else out
    return _dedicated(path, ctx, s, in_tok, out_tok, shares)


def _tokens(path, ctx: Context, s: Seller, in_tok, out_tok, shares) -> Cost:
    tuned = s.has("ft_input")
    if tuned:
        note = "fine-tuned model prices"
    else:
        note = "served at the base model's prices (no fine-tuned price in the book)"
        ctx.notes.append(f"{path.name}: fine-tuned model {note}")
    per_req = per_request(s, in_tok, out_tok, shares, tuned=tuned)
    return Cost(
        ctx.traffic * per_req,
        ctx.full(ctx.traffic),
        "request",
        f"{fmt(in_tok)} in + {fmt(out_tok)} out tokens; {note}",
    )


def _storage(ctx: Context, s: Seller) -> Cost | None:
    if not s.has("storage"):
        return None
    usd = s.rate("storage", trend=False)
    return Cost(ctx.full(usd), ctx.full(np.ones(ctx.months)), "month", "fine-tuned model storage")


def _deployments(ctx: Context, s: Seller, path: FinetuneAPI) -> list:
    """The provider's hosting rows this fine-tune could rent: its own per-model rows, a
    per-model deployment the path names (a Custom Model Import copy), or GPU rows."""
    if s.provider == "scenario":
        return []
    rows = _hosting_rows(ctx, s.provider)
    own = [p for p in rows if p.model.lower() == path.model.lower()]
    named = [p for p in rows if p.model == path.deployment and not _HARDWARE.match(p.model)]
    return named or own or [p for p in rows if p.model.startswith("hardware:")]


def _hosting_rows(ctx: Context, provider: str) -> list:
    """The provider's hosting prices in effect at the plan's start, one per deployment."""
    rows = [p for p in ctx.book.prices if p.provider == provider and p.kind == "hosting"]
    return in_effect(rows, lambda p: p.model.lower(), ctx.as_of)


def _dedicated(path: FinetuneAPI, ctx: Context, s: Seller, in_tok, out_tok, shares) -> dict:
    tokens_shares = (in_tok, out_tok, shares["cached"])
    choices = _deployments(ctx, s, path)
    if path.deployment:
        choices = [p for p in choices if p.model == path.deployment]
        if not choices and s.given("hosting") is None:
            _unknown_deployment(ctx, s, path.deployment)
    if path.deployment and PTU.match(path.deployment) and choices:
        if path.autoscale:
            raise InputError(
                "provisioned throughput is a fixed number of PTUs, it does not autoscale; "
                "remove autoscale",
                f"paths.{path.name}.autoscale",
                absolute=True,
            )
        given = s.given("hosting")
        fee = _fee(ctx, choices[0]) if given is None else s.rate("hosting", trend=False)
        return {"hosting": provisioned_hosting(path, ctx, s.provider, fee, tokens_shares)}
    if not choices and s.given("hosting") is None:
        raise InputError(
            f"{s.provider} has no dedicated deployment for {path.model} in the price book"
            + (f" named {path.deployment}" if path.deployment else "")
            + "; use hosting: serverless, or give prices.hosting",
            "hosting",
        )
    if path.autoscale:
        return _autoscaled(path, ctx, s, choices, out_tok)
    if (ctx.book.providers.get(s.provider) or {}).get("deployment_autoscaling"):
        ctx.assumptions.append(
            f"{path.name}: {s.provider} can autoscale its deployments; they run every hour "
            "at the peak's count here (set autoscale: true with workload.profile)"
        )
    hours = timeline.month_hours(ctx.as_of, ctx.months)
    peak = peak_demand(ctx, out_tok)
    names, count, rate, per_deployment = _size(path, ctx, s, choices, peak, hours)
    deployments = count + path.spare_deployments
    storage = _deployment_storage(ctx, s, path, names)
    out = {
        "hosting": Cost(
            deployments * rate * hours + (0.0 if storage is None else storage),
            ctx.full(deployments * hours),
            "deployment-hour",
            f"{fmt(deployments)} x {' or '.join(names)} deployments, every hour of the month"
            + (
                f" ({fmt(per_deployment, ',.0f')} output tokens/s each)"
                if per_deployment is not None
                else ""
            )
            + ("" if storage is None else f"; + {fmt(storage, ',.2f')} USD/month storage"),
        )
    }
    imported = any(n.startswith(_IMPORTED) for n in [*names, path.deployment or ""])
    if imported:
        _imported_note(path, ctx)
    per_token_fee = not imported and not any(n.startswith("hardware:") for n in names)
    if s.has("ft_input") and per_token_fee:
        out["inference"] = _tokens(path, ctx, s, in_tok, out_tok, shares)
    return out


def _autoscaled(path: FinetuneAPI, ctx: Context, s: Seller, choices: list, out_tok) -> dict:
    """GPU deployments that follow the week's demand where the provider autoscales them
    (:mod:`tunecost.costing.deployment_scaling`); they bill no tokens."""
    rule = scaling_rule(path, ctx, s.provider)
    per_model = [p.model for p in choices if not p.model.startswith("hardware:")]
    if s.given("hosting") is not None or per_model:
        raise InputError(
            "autoscale applies to the provider's GPU deployments, whose capacity tunecost "
            "can estimate; remove prices.hosting or autoscale",
            f"paths.{path.name}.autoscale",
            absolute=True,
        )
    peak = peak_demand(ctx, out_tok)
    options = _gpu_options(path, ctx, s, choices, peak)
    fees = [_fee(ctx, row, record=False) for row, _, _ in options]
    names, cost = autoscaled_hosting(path, ctx, rule, options, fees, out_tok)
    for row, _, _ in options:
        if row.model in names:
            _fee(ctx, row)  # the rows behind the deployments chosen, in "prices used"
    return {"hosting": cost}


def _unknown_deployment(ctx: Context, s: Seller, deployment: str) -> None:
    """Refuse a deployment the provider's book rows do not name, listing those it has."""
    rows = [] if s.provider == "scenario" else _hosting_rows(ctx, s.provider)
    have = sorted({p.model for p in rows})
    raise InputError(
        f"{s.provider} has no dedicated deployment named {deployment} in the price book"
        + (f" (it has {', '.join(have)})" if have else "")
        + "; name one of those, use hosting: serverless, or give prices.hosting",
        "deployment",
    )


def _deployment_storage(ctx: Context, s: Seller, path: FinetuneAPI, names: list):
    """USD per month to keep a per-model deployment's model, where the book prices it
    (Bedrock: a custom model's storage; Custom Model Import per CMU-month), billed every
    month whether used or not; None where it has no such row."""
    keys = {n.lower() for n in [*names, path.deployment or ""] if n}
    rows = [
        p
        for p in ctx.book.prices
        if p.provider == s.provider and p.kind == "storage" and p.model.lower() in keys
    ]
    rows = in_effect(rows, lambda p: p.model.lower(), ctx.as_of)
    if not rows:
        return None
    return ctx.full(sum(_fee(ctx, row) for row in rows))


def _imported_note(path: FinetuneAPI, ctx: Context) -> None:
    ctx.notes.append(
        f"{path.name}: Bedrock Custom Model Import bills each active model copy per Custom "
        "Model Unit-minute in 5-minute windows and scales to zero after 5 minutes without "
        "invocations; tunecost keeps the copies the peak hour needs active every hour of "
        "the month (no copy in a month without traffic), so idle windows of a model that "
        "scales to zero within a month are not modelled; storage is billed per CMU-month"
    )


def _fee(ctx: Context, row, record: bool = True) -> np.ndarray:
    """The deployment's hourly price in each month, as the book dates it (no trend)."""
    series, used = price_series(ctx.book.history(row), ctx.dates, lambda r: r.usd)
    if record:
        ctx.used += [row, *used[1:]]
    return series


def _size(path: FinetuneAPI, ctx: Context, s: Seller, choices: list, peak, hours):
    """(deployments chosen, how many for the peak, USD per deployment-hour, output
    tokens/s per deployment or None): for GPU deployments, the one cheapest over the
    plan, chosen for each row of a sweep or Monte Carlo run on its own."""
    per_model = [p for p in choices if not p.model.startswith("hardware:")]
    one = np.where(ctx.traffic > 0, 1.0, 0.0)
    if s.given("hosting") is not None:
        return ["given in the scenario"], one, s.rate("hosting", trend=False), None
    if per_model:
        return [per_model[0].model], one, _fee(ctx, per_model[0]), None
    options = _gpu_options(path, ctx, s, choices, peak)
    needs = np.broadcast_arrays(*(need for _, need, _ in options))
    fees = [np.broadcast_to(_fee(ctx, row, record=False), needs[0].shape) for row, _, _ in options]
    totals = np.stack([np.sum(n * f * hours, axis=-1) for n, f in zip(needs, fees, strict=True)])
    pick = np.argmin(totals, axis=0)
    index = np.asarray(pick)[None, ..., None]

    def chosen(stack):
        return np.take_along_axis(np.stack(stack), index, axis=0)[0]

    picked = sorted({int(k) for k in np.unique(pick)})
    for k in picked:
        _fee(ctx, options[k][0])
    pers = [np.broadcast_to(np.asarray(per, float), needs[0].shape) for _, _, per in options]
    return [options[k][0].model for k in picked], chosen(needs), chosen(fees), chosen(pers)


def _gpu_options(path: FinetuneAPI, ctx: Context, s: Seller, choices: list, peak) -> list:
    """(hosting row, deployments for the peak, tokens/s each) of every GPU deployment
    that holds ``path.base_model``."""
    if not path.base_model:
        raise InputError(
            f"{s.provider} serves fine-tunes on GPU deployments; give base_model (a "
            "models.csv id) so tunecost can size them",
            "base_model",
        )
    options = []
    for row in choices:
        m = _HARDWARE.match(row.model)
        gpu = ctx.book.gpus.resolve(m.group(2)) if m else None
        if gpu is None:
            continue
        settings = _Serving(gpu, int(m.group(1) or 1))
        try:
            with within(f"paths.{path.name}.deployment"):
                per, _ = capacity(settings, ctx.book, path.base_model, *tokens(path, ctx))
        except InputError:
            continue  # the model does not fit this hardware
        floor = np.where(ctx.traffic > 0, 1.0, 0.0)
        options.append((row, np.maximum(np.ceil(peak / per - 1e-9), floor), per))
    if not options:
        raise InputError(
            f"no {s.provider} deployment in the price book holds {path.base_model}", "deployment"
        )
    return options


class _Serving:
    """Serving settings of a provider's GPU deployment (the engine's defaults)."""

    def __init__(self, gpu: str, gpus: int):
        self.gpu, self.gpus, self.precision = gpu, gpus, "bf16"
        # sized to the same latency targets as a self-hosted path without its own
        self.tpot_slo, self.ttft_slo = SERVING_TPOT_SLO, SERVING_TTFT_SLO
        self.max_batch = self.pp = self.expert_parallel = None
        self.engine = "vllm"  # providers do not say; the default engine and its layout
