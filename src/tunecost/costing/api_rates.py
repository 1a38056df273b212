"""What one request costs on an API path: the provider that bills it, its rates (the
book's, or the path's own ``prices``), caching, batch and routes.

One provider per path: when a model is sold by several, the path must name one, and no
row of another provider is ever used for it. A price the scenario gives replaces the
book's for that path and appears under "prices used" as coming from the scenario.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tunecost.costing.context import Context
from tunecost.costing.price_series import price_series
from tunecost.errors import InputError

CACHE_WRITE_1H_MULTIPLIER = {"anthropic": 2.0}
"""Price of a one-hour cache write as a multiple of the input price, where the provider
sells one: Anthropic, "1-hour cache write tokens are 2 times the base input tokens
price" (platform.claude.com/docs/en/build-with-claude/prompt-caching, pricing table);
five-minute writes are the book's ``cache_write`` rows (1.25x)."""


@dataclass(frozen=True)
class ScenarioPrice:
    """A price the scenario gives, recorded beside the book's rows it replaces."""

    provider: str
    model: str
    kind: str
    usd: float
    effective_from: dt.date
    retrieved: dt.date
    table: str = "scenario"
    source_url: str = "scenario"
    context_over_tokens: int | None = None


@dataclass
class Seller:
    """A model as one provider sells it to one path, with the path's own prices."""

    ctx: Context
    model: str
    provider: str | None
    overrides: object | None = None  # scenario.billing.Prices

    def given(self, kind: str):
        return getattr(self.overrides, kind, None) if self.overrides is not None else None

    def has(self, kind: str) -> bool:
        if self.given(kind) is not None:
            return True
        return self.provider != "scenario" and self.ctx.has_price(self.model, kind, self.provider)

    def rate(self, kind: str, context_tokens=0, trend: bool = True) -> np.ndarray:
        """USD per unit of ``kind`` in each month (tokens: USD/token; hours: USD/hour)."""
        value = self.given(kind)
        if value is None:
            return self.ctx.usd(
                self.model, kind, provider=self.provider, context_tokens=context_tokens, trend=trend
            )
        start = self.ctx.as_of
        row = ScenarioPrice(self.provider or "scenario", self.model, kind, value, start, start)
        self.ctx.used.append(row)
        m = self.ctx.scenario.market
        kw = {"trend": m.api_price_change, "factor": m.api_price_factor} if trend else {}
        return price_series([row], self.ctx.dates, lambda r: r.usd, **kw)[0]


def seller(
    ctx: Context, model: str, provider: str | None, overrides=None, *, sized: bool = False
) -> Seller:
    """The provider that bills ``model`` for this path: the one named, or the only one
    the book has; a model sold by several needs a provider (field ``provider``).
    ``sized``: a fine-tune with a ``base_model``, which a provider pricing training by
    model size may tune although no row names the model."""
    if provider is not None:
        if overrides is None:  # the book must know the provider and that it sells the model
            provider = ctx.book.check_provider(provider)
            by_size = ctx.book.sizes_priced if sized else ctx.book.priced_by_size
            if provider not in by_size:  # those tune any base_model
                ctx.book.model_prices(model, provider=provider)
            elif not ctx.book.sellers(model) and model not in ctx.book.architectures.ids():
                ctx.book.model_prices(model)  # a name known nowhere: refused, close names
        return Seller(ctx, model, provider.strip().lower(), overrides)
    sellers = ctx.book.sellers(model)
    if len(sellers) > 1:
        raise InputError(
            f"{model} is sold by {', '.join(sellers)}; say which with a provider", "provider"
        )
    if not sellers:
        if overrides is None:
            ctx.book.model_prices(model)  # raises with close names
        return Seller(ctx, model, "scenario", overrides)
    return Seller(ctx, model, sellers[0], overrides)


def per_request(s: Seller, in_tok, out_tok, shares, *, tuned: bool = False) -> np.ndarray:
    """USD per request in each month on ``s``.

    ``in x ((1 - c - w) p_in + c p_cached + w p_write) + out x p_out`` for the share sent
    interactively, where ``c`` and ``w`` are the shares of each prompt read from and
    written to the provider's cache; ``in x p_batch_in + out x p_batch_out`` for the
    ``batch`` share. ``tuned`` bills a fine-tune's rates (``ft_*``).
    """
    pre = "ft_" if tuned else ""
    p_in = s.rate(f"{pre}input", in_tok)
    p_out = s.rate(f"{pre}output", in_tok)
    cached, written = shares["cached"], shares["written"]
    p_cached = _cache_read(s, pre, p_in, in_tok) if np.any(cached) else p_in
    p_write = _cache_write(s, pre, p_in, in_tok, shares["lifetime"]) if np.any(written) else p_in
    live = in_tok * ((1 - cached - written) * p_in + cached * p_cached + written * p_write)
    live = live + out_tok * p_out
    batch = shares["batch"]
    if not np.any(batch):
        return live
    bat = in_tok * _batch(s, pre, "input", p_in, in_tok) + out_tok * _batch(
        s, pre, "output", p_out, in_tok
    )
    return (1 - batch) * live + batch * bat


def _cache_read(s: Seller, pre: str, p_in, in_tok):
    if s.has(f"{pre}cached_input"):
        return s.rate(f"{pre}cached_input", in_tok)
    s.ctx.notes.append(
        f"{s.model}: no cached-input price in the book; cached tokens priced as input"
    )
    return p_in


def _cache_write(s: Seller, pre: str, p_in, in_tok, lifetime: str):
    if lifetime == "1h":
        multiple = CACHE_WRITE_1H_MULTIPLIER.get(s.provider)
        if multiple is None:
            raise InputError(
                f"{s.provider} sells no one-hour cache; use cache_lifetime 5m", "cache_lifetime"
            )
        return multiple * p_in
    if s.has(f"{pre}cache_write"):
        return s.rate(f"{pre}cache_write", in_tok)
    s.ctx.notes.append(f"{s.model}: no cache-write price in the book; writes priced as input")
    return p_in


def _batch(s: Seller, pre: str, side: str, live_price, in_tok):
    """A batch rate: the book's (or the path's), else the provider's stated discount."""
    if s.has(f"batch_{side}") and not pre:
        return s.rate(f"batch_{side}", in_tok)
    discount = (s.ctx.book.providers.get(s.provider) or {}).get("batch_discount")
    if discount is None:
        raise InputError(
            f"{s.provider} has no batch price for {s.model}"
            + (" (fine-tuned)" if pre else "")
            + "; give prices.batch_input and prices.batch_output or set batch_share to 0",
            "batch_share",
        )
    return (1 - discount) * live_price
