"""Many LoRA adapters of one base model on a fine-tuning path (``adapters: N``).

Each adapter is its own fine-tune: its data set (``data:`` describes each one's) is
collected and labelled, it is trained in every campaign and retrain, and evaluated at
every release, so data, training runs and evaluation are N times one adapter's; the
pipeline, the serving stack and on-call are built and run once. Traffic is split
between the adapters by ``adapter_shares`` (default equal).

Self-hosted, the adapters are served the cheaper of two ways, chosen over the plan
(for each draw or volume on its own): one fleet of the base model holding every
adapter in GPU memory (:mod:`tunecost.compute.adapters`: the adapters' bytes leave
less room for the KV cache, so the batch may shrink, and mixed-adapter batches run at
``MIXED_ADAPTER_THROUGHPUT`` of the base model's speed), or each adapter merged into
its own deployment sized for its share of the traffic, as N separate paths would be.
A slower fleet is priced as the same fleet carrying proportionally more traffic:
``replicas = ceil(peak / (f x capacity)) = ceil((peak / f) / capacity)``.

Through a provider (``finetune-api``): serverless fine-tunes bill tokens as before
(storage per fine-tuned model, N times); dedicated hosting puts every adapter on one
deployment of the base model where the provider documents multi-LoRA deployments
(``MULTI_LORA_DEPLOYMENTS``), else rents one deployment per adapter.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np

from tunecost.compute.adapters import (
    adapter_bytes,
    batch_with_adapters,
    kv_batch,
    mixed_batch_factor,
)
from tunecost.compute.engines import get_engine
from tunecost.costing.capacity import capacity
from tunecost.costing.context import Context, Cost, fmt
from tunecost.costing.finetune_hosting import default_hosting, serving_costs
from tunecost.errors import InputError, within

MULTI_LORA_DEPLOYMENTS = {
    "fireworks": "https://docs.fireworks.ai/fine-tuning/deploying-loras (Multi-LoRA: "
    "share a single base model deployment across LoRA models; retrieved 2026-11-30)",
    "together": "https://docs.together.ai/docs/post-training/multi-lora-deployment "
    "(attach adapters to one dedicated deployment of their base model; retrieved "
    "2026-11-30)",
}
"""Providers whose dedicated deployments of a base model serve many LoRA adapters, with
the page that says so; every other provider's dedicated hosting is one deployment per
fine-tuned model."""


def scaled(cost: Cost, n: float, note: str = "") -> Cost:
    """``cost`` for ``n`` adapters: USD and quantity times ``n``."""
    if n == 1:
        return cost
    extra = f"; x {fmt(n)} adapters" + (f" ({note})" if note else "")
    return Cost(cost.usd * n, cost.quantity * n, cost.unit, cost.note + extra)


def per_adapter(path, ctx: Context, out: dict[str, Cost]) -> dict[str, Cost]:
    """Data and evaluation of N adapters (training runs are counted where they are
    priced), and the assumption that says so."""
    n = path.adapters
    if n == 1:
        return out
    for key in ("data", "evaluation"):
        if key in out:
            out[key] = scaled(out[key], n)
    ctx.assumptions.append(
        f"{path.name}: {n} adapters of one base model, each with its own data set like "
        "data:, its own training runs and its own evaluation at every release; "
        "engineering, serving operations and monitoring once for all "
        "(set adapters, adapter_shares)"
    )
    return out


def _scratch(ctx: Context, traffic) -> Context:
    """A copy of ``ctx`` with other traffic and empty records (merged by :func:`_keep`)."""
    return dataclasses.replace(ctx, traffic=traffic, used=[], notes=[], assumptions=[])


def _keep(ctx: Context, scratch: Context) -> None:
    """Merge what a scratch context recorded into ``ctx``, without repeated lines."""
    ctx.used += scratch.used
    for name in ("notes", "assumptions"):
        mine = getattr(ctx, name)
        mine += [line for line in getattr(scratch, name) if line not in mine]


def _groups(path) -> list[tuple[float, int]]:
    """(share, adapters with that share): equal shares are priced once."""
    return sorted(Counter(path.traffic_shares()).items())


def _dedicated(path, ctx: Context, price) -> tuple[Cost, Context]:
    """One deployment per adapter, each sized for its share of the traffic:
    ``price(path, ctx)`` at ``share x traffic``, times the adapters with that share."""
    record = _scratch(ctx, ctx.traffic)
    each = _each_share(path, ctx, lambda p, c: {"inference": price(p, c)}, record)
    cost = each["inference"]
    note = f"each of {path.adapters} adapters merged into its own deployment: {cost.note}"
    return Cost(cost.usd, cost.quantity, cost.unit, note), record


def _each_share(path, ctx: Context, price, into: Context) -> dict[str, Cost]:
    """``price(path, part)`` (categories of costs) with ``part`` carrying one share of
    the traffic, times the adapters with that share, summed per category (the first
    share's note and unit); what the parts recorded is merged into ``into``."""
    totals: dict[str, list] = {}
    for share, count in _groups(path):
        part = _scratch(ctx, ctx.traffic * share)
        for key, cost in price(path, part).items():
            usd, quantity, first = totals.get(key, (0.0, 0.0, cost))
            totals[key] = [usd + count * cost.usd, quantity + count * cost.quantity, first]
        _keep(into, part)
    return {
        key: Cost(usd, quantity, first.unit, first.note)
        for key, (usd, quantity, first) in totals.items()
    }


def _pick(ctx: Context, options: list[tuple[Cost, Context]], names: list[str]) -> Cost:
    """The cheaper option over the plan, chosen for each row (draw or volume) on its own;
    the records of the options chosen are kept."""
    totals = np.stack([np.sum(np.broadcast_to(c.usd, ctx.zeros().shape), -1) for c, _ in options])
    pick = np.argmin(totals, axis=0)
    chosen = sorted({int(k) for k in np.unique(pick)})
    for k in chosen:
        _keep(ctx, options[k][1])
    if len(chosen) == 1:
        return options[chosen[0]][0]
    index = np.asarray(pick)[..., None]

    def take(field):
        shape = ctx.zeros().shape
        stack = np.stack([np.broadcast_to(getattr(c, field), shape) for c, _ in options])
        return np.take_along_axis(stack, index[None], axis=0)[0]

    note = " or ".join(names[k] for k in chosen) + ", whichever is cheaper in each draw"
    return Cost(take("usd"), take("quantity"), options[0][0].unit, note)


def served_selfhost(path, ctx: Context, in_tok, out_tok, serve) -> Cost:
    """The inference category of a self-hosted path with ``path.adapters`` adapters;
    ``serve(path, ctx, model_id, in_tok, out_tok)`` prices one fleet (the caller's
    serving rule, :func:`tunecost.costing.selfhost.serving_cost`)."""
    if path.adapters == 1:
        return serve(path, ctx, path.base_model, in_tok, out_tok)
    shared = _shared(path, ctx, in_tok, out_tok, serve)
    dedicated = _dedicated(path, ctx, lambda p, c: serve(p, c, p.base_model, in_tok, out_tok))
    return _pick(ctx, [shared, dedicated], ["one multi-LoRA fleet", "one deployment each"])


def _shared(path, ctx: Context, in_tok, out_tok, serve) -> tuple[Cost, Context]:
    """One fleet of the base model holding the adapters, at the batch their memory
    leaves and the mixed-batch throughput factor."""
    lora = path.lora
    resident = min(path.adapters, lora.resident or path.adapters)
    arch = ctx.book.architecture(path.base_model, "base_model")
    one = adapter_bytes(arch, lora.rank, lora.target_modules, lora.precision)
    f = mixed_batch_factor(path.adapters, lora.throughput)
    capped = _batch_cap(path, ctx, one * resident, in_tok, out_tok)
    served = path.model_copy(update={"serving": capped})
    scratch = _scratch(ctx, ctx.traffic / f)
    cost = serve(served, scratch, path.base_model, in_tok, out_tok)
    scratch.assumptions.append(
        f"{path.name}: {resident} of {path.adapters} adapters in GPU memory, "
        f"{one / 1e6:,.1f} MB each (rank {lora.rank}, {_targets(lora.target_modules)}, "
        f"{lora.precision}); mixed-adapter batches at {f:.3g} of the base model's "
        "throughput (vLLM PR #11267; set lora.rank, lora.target_modules, lora.resident, "
        "lora.throughput)"
    )
    note = (
        f"one fleet for {path.adapters} adapters ({one * resident / 1e9:,.2f} GB of adapter "
        f"weights per replica, {f:.3g} x the base model's throughput): {cost.note}"
    )
    return Cost(cost.usd, cost.quantity, cost.unit, note), scratch


def _targets(targets) -> str:
    return targets if isinstance(targets, str) else ", ".join(targets)


def _batch_cap(path, ctx: Context, resident_bytes: float, in_tok, out_tok):
    """The path's serving settings with ``max_batch`` capped at what the KV cache holds
    once the adapters take ``resident_bytes`` of it (unchanged when the engine's batch
    limit binds first); the longest prompt and output of a range set the cap."""
    s = path.serving
    n_in, n_out = float(np.max(in_tok)), float(np.max(out_tok))
    with within(f"paths.{path.name}.serving"):
        _, est = capacity(s, ctx.book, path.base_model, n_in, n_out)
    arch = ctx.book.architecture(path.base_model, "base_model")
    held = n_in + (n_out if get_engine(s.engine).reserve_full else n_out / 2.0)
    room = est.kv_cache_gb * 1e9
    cap = batch_with_adapters(kv_batch(est.kv_cache_tokens, arch, held), room, resident_bytes)
    if cap < 1:
        raise InputError(
            f"{resident_bytes / 1e9:,.2f} GB of adapter weights leave no KV-cache room on "
            f"{est.gpus_per_replica} x {est.gpu} (it has {room / 1e9:,.2f} GB); hold fewer "
            "adapters in memory (lora.resident), lower lora.rank, or add GPUs (serving.gpus)",
            f"paths.{path.name}.lora",
            absolute=True,
        )
    if cap >= est.max_batch:
        return s
    return s.model_copy(update={"max_batch": cap})


def served_api(path, ctx: Context, s, tokens_) -> dict[str, Cost]:
    """The inference and hosting categories of a ``finetune-api`` path with
    ``path.adapters`` fine-tunes, each priced as
    :func:`tunecost.costing.finetune_hosting.serving_costs` prices one; ``tokens_`` is
    (in_tok, out_tok, billing shares)."""
    serve = serving_costs
    if path.adapters == 1:
        return serve(path, ctx, s, *tokens_)
    n = path.adapters
    fixed = path.model_copy(update={"hosting": path.hosting or default_hosting(path, ctx, s)})
    if fixed.hosting == "none":
        return serve(fixed, ctx, s, *tokens_)
    if fixed.hosting == "serverless":
        out = serve(fixed, ctx, s, *tokens_)
        if "hosting" in out:
            out["hosting"] = scaled(out["hosting"], n, "storage per fine-tuned model")
        ctx.assumptions.append(
            f"{path.name}: {n} serverless fine-tunes of one base model, their tokens billed "
            "at the same rates as one's (set adapters, hosting)"
        )
        return out
    if s.provider in MULTI_LORA_DEPLOYMENTS:
        return _one_deployment(fixed, ctx, s, tokens_)
    ctx.assumptions.append(
        f"{path.name}: {s.provider} does not say one dedicated deployment serves several "
        f"fine-tunes; {n} deployments, each sized for its adapter's share of the traffic"
    )
    return _per_adapter_deployments(fixed, ctx, s, tokens_)


def _one_deployment(path, ctx: Context, s, tokens_) -> dict[str, Cost]:
    """Every adapter on one dedicated deployment of the base model (the provider's
    multi-LoRA), its deployments sized at the mixed-batch throughput factor; tokens, if
    billed, at the real traffic."""
    f = mixed_batch_factor(path.adapters)
    scratch = _scratch(ctx, ctx.traffic / f)
    slower = serving_costs(path, scratch, s, *tokens_)
    out = serving_costs(path, ctx, s, *tokens_)
    _keep(ctx, scratch)
    h = slower["hosting"]
    out["hosting"] = Cost(
        h.usd,
        h.quantity,
        h.unit,
        f"{path.adapters} adapters on one deployment of the base model at {f:.3g} x its "
        f"throughput: {h.note}",
    )
    ctx.assumptions.append(
        f"{path.name}: {path.adapters} adapters share one {s.provider} deployment of the "
        f"base model ({MULTI_LORA_DEPLOYMENTS[s.provider]}), sized at {f:.3g} x the base "
        "model's throughput for mixed-adapter batches (vLLM PR #11267)"
    )
    return out


def _per_adapter_deployments(path, ctx: Context, s, tokens_) -> dict[str, Cost]:
    """One dedicated deployment per adapter, each sized for its share of the traffic."""
    each = _each_share(path, ctx, lambda p, c: serving_costs(p, c, s, *tokens_), ctx)
    return {
        key: Cost(c.usd, c.quantity, c.unit, _deployments_note(path, key, c.note))
        for key, c in each.items()
    }


def _deployments_note(path, key: str, note: str) -> str:
    return f"{path.adapters} deployments, one per adapter: {note}" if key == "hosting" else note
