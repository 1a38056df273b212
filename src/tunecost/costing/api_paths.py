"""Paths priced by a provider's API: prompting a hosted model, fine-tuning through it.

Each path is billed by one provider (:mod:`tunecost.costing.api_rates`) at the price in
effect each month; requests may be split between models (``routes``); a fine-tune is
trained (:mod:`.finetune_training`) and served (:mod:`.finetune_hosting`) as that
provider sells it. Every array broadcasts to the traffic's shape (months, with leading
axes for draws or volume sweeps).
"""

from __future__ import annotations

from tunecost.costing.adapters import per_adapter, served_api
from tunecost.costing.api_rates import per_request, seller
from tunecost.costing.common import common_costs, data_cost, releases
from tunecost.costing.context import Context, Cost, fmt
from tunecost.costing.finetune_training import training_cost
from tunecost.costing.tokens import route_tokens, tokens
from tunecost.scenario.model import FinetuneAPI, PromptAPI


def shares(path) -> dict:
    """How the path's prompts are billed: cached and written shares, lifetime, batch."""
    return {
        "cached": path.cached_input_share,
        "written": path.cache_write_share,
        "lifetime": path.cache_lifetime,
        "batch": path.batch_share,
    }


def prompt_api(path: PromptAPI, ctx: Context) -> dict[str, Cost]:
    """Prompting a hosted model: tokens x prices, plus prompt engineering, evaluation at
    every release of a better base model, and monitoring."""
    in_tok, out_tok = tokens(path, ctx)
    s = seller(ctx, path.model, path.provider, path.prices)
    if path.routes:
        per_req, note = routed(path, ctx, own=None)
    else:
        per_req = per_request(s, in_tok, out_tok, shares(path))
        note = f"{fmt(in_tok)} in + {fmt(out_tok)} out tokens per request"
    events = releases(path, ctx, "on-new-base-model" if path.follow_new_models else "never")
    out = {"inference": Cost(ctx.traffic * per_req, ctx.full(ctx.traffic), "request", note)}
    out.update(common_costs(path, ctx, events))
    return out


def routed(path, ctx: Context, own):
    """USD per request of a path whose requests are split between routes: the
    share-weighted sum of each route's cost at its own model's prices (``own``: the
    path's fine-tune, billed at fine-tuned rates on a route to the path's model)."""
    total = 0.0
    parts = []
    for r in path.routes:
        tuned = own is not None and r.model.lower() == path.model.lower()
        route_in, route_out = route_tokens(path, r, ctx, tuned)
        s = own if tuned else seller(ctx, r.model, r.provider, r.prices)
        ft_rates = tuned and s.has("ft_input")
        cost = per_request(s, route_in, route_out, shares(path), tuned=ft_rates)
        total = total + r.share * cost
        parts.append(f"{fmt(r.share)} to {r.model}{' (fine-tuned)' if tuned else ''}")
    return total, "routed: " + ", ".join(parts)


def finetune_api(path: FinetuneAPI, ctx: Context) -> dict[str, Cost]:
    """Fine-tuning through a provider: data, training billed the provider's way,
    the fine-tune served as the provider sells it, and a retrain at every release."""
    s = seller(ctx, path.model, path.provider, path.prices, sized=path.base_model is not None)
    events = releases(path, ctx, path.retrain)
    first = ctx.first_month()
    runs = (path.runs * first + path.retrain_runs * events) * path.adapters  # each adapter's
    in_tok, out_tok = tokens(path, ctx)
    out = {
        "data": data_cost(path.data, ctx, first, events),
        "training": training_cost(path, ctx, s, runs),
    }
    served = served_api(path, ctx, s, (in_tok, out_tok, shares(path)))
    if path.routes and "inference" in served:
        per_req, note = routed(path, ctx, own=s)
        served["inference"] = Cost(ctx.traffic * per_req, ctx.full(ctx.traffic), "request", note)
    out.update(served)
    out.update(common_costs(path, ctx, events))
    return per_adapter(path, ctx, out)  # data and evaluation of each adapter
