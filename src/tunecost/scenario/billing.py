"""How an API path is billed, as a scenario states it: its provider, caching and batch
shares, prices that replace the book's, routes to several models, and the grader of a
reinforcement fine-tune.

The billing rules themselves (what a provider charges for validation tokens, how it
serves a fine-tune) come from the price book; these fields say what this path does.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from tunecost.scenario.base import Strict
from tunecost.scenario.distributions import Dist
from tunecost.scenario.fields import (
    Fraction,
    RequestTokens,
    Tokens,
    USDPerHour,
    USDPerToken,
)
from tunecost.vocabulary import API_PRICE_KINDS

PRICE_KEYS = (
    *API_PRICE_KINDS,
    "training",
    "training_hour",
    "ft_input",
    "ft_cached_input",
    "ft_output",
    "hosting",
    "gpu_hour",
)
"""The price book's kinds a path may price itself (``prices:``)."""


class Prices(Strict):
    """Prices that replace the book's for this path (a negotiated rate, a provider or
    model the book lacks); each takes a range like any number."""

    input: USDPerToken | None = Field(None, description="Input tokens, e.g. 2.5 USD/1M tokens.")
    cached_input: USDPerToken | None = Field(None, description="Input tokens read from cache.")
    cache_write: USDPerToken | None = Field(None, description="Input tokens written to cache.")
    output: USDPerToken | None = Field(None, description="Output tokens.")
    batch_input: USDPerToken | None = Field(None, description="Input tokens sent in batch.")
    batch_output: USDPerToken | None = Field(None, description="Output tokens in batch.")
    training: USDPerToken | None = Field(None, description="Training tokens (x epochs).")
    training_hour: USDPerHour | None = Field(None, description="Training hours (rft).")
    ft_input: USDPerToken | None = Field(None, description="Fine-tuned model input tokens.")
    ft_cached_input: USDPerToken | None = Field(None, description="Fine-tuned cached input.")
    ft_output: USDPerToken | None = Field(None, description="Fine-tuned model output tokens.")
    hosting: USDPerHour | None = Field(None, description="Deployment of a fine-tune, per hour.")
    gpu_hour: USDPerHour | None = Field(None, description="GPU-hour (self-hosted paths).")


USABLE_PRICES = {
    "prompt-api": API_PRICE_KINDS,
    "finetune-api": tuple(k for k in PRICE_KEYS if k != "gpu_hour"),
    "prompt-selfhost": ("gpu_hour",),
    "finetune-selfhost": ("gpu_hour",),
}
"""The prices each path kind is billed in, so a price it cannot use is refused."""


def check_prices(kind: str, prices: Prices | None) -> None:
    """Refuse a price a path of ``kind`` is never billed in (a likely mistake)."""
    if prices is None:
        return
    given = [k for k in PRICE_KEYS if getattr(prices, k) is not None]
    unusable = [k for k in given if k not in USABLE_PRICES[kind]]
    if unusable:
        raise ValueError(
            f"prices.{unusable[0]}: a {kind} path is not billed in it; it uses "
            f"{', '.join(USABLE_PRICES[kind])}"
        )


class Grader(Strict):
    """The model that scores a reinforcement fine-tune's samples, billed at its token
    rates in the training category."""

    model: str = Field(description="API model id of the grader.")
    provider: str | None = Field(None, description="Needed when several providers sell it.")
    input_tokens: Tokens = Field(description="Grader input tokens per training run.")
    output_tokens: Tokens = Field(description="Grader output tokens per training run.")


class Route(Strict):
    """One share of a path's requests sent to one model (e.g. 98% to a fine-tune, 2%
    escalated to a frontier model)."""

    model: str = Field(description="API model id; the path's own model is its fine-tune.")
    provider: str | None = Field(None, description="Needed when several providers sell it.")
    share: Fraction = Field(description="Share of the path's requests, e.g. 0.98.")
    input_tokens: RequestTokens | None = Field(None, description="Default: the path's.")
    output_tokens: RequestTokens | None = Field(None, description="Default: the path's.")
    prices: Prices | None = Field(None, description="Prices replacing the book's.")


class APIBilling(Strict):
    """Fields every API path shares: who bills it and how its tokens are billed."""

    provider: str | None = Field(None, description="Needed when several providers sell the model.")
    cached_input_share: Fraction = Field(
        0.0, description="Share of each prompt read from the provider's cache."
    )
    cache_write_share: Fraction = Field(
        0.0, description="Share of each prompt written to the provider's cache."
    )
    cache_lifetime: Literal["5m", "1h"] = Field(
        "5m", description="How long a cache write lives, where the price depends on it."
    )
    batch_share: Fraction = Field(0.0, description="Share of requests sent via batch APIs.")
    routes: list[Route] | None = Field(
        None, description="Split the requests between models; shares sum to 1."
    )

    @model_validator(mode="after")
    def _shares(self):
        def point(x):
            return x.point if isinstance(x, Dist) else float(x)

        if point(self.cached_input_share) + point(self.cache_write_share) > 1 + 1e-9:
            raise ValueError("cached_input_share + cache_write_share exceed 1 (all of the prompt)")
        if self.routes is not None:
            total = sum(point(r.share) for r in self.routes)
            if not self.routes or not math.isclose(total, 1.0, abs_tol=1e-6):
                raise ValueError(f"routes: shares sum to {total:g}; they must sum to 1")
        return self
