"""Many fine-tunes of one base model: ``adapters: N`` on a fine-tuning path.

Sections of :class:`tunecost.scenario.model.FinetuneSelfhost` and ``FinetuneAPI``. A
path with ``adapters: N`` trains N LoRA adapters (one campaign each, on data like its
``data:``) and serves them on one base model; ``adapter_shares`` splits the traffic
between them (default equal). ``lora:`` says what one adapter holds in GPU memory on a
self-hosted fleet. Sources of the defaults are in :mod:`tunecost.compute.adapters`.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from tunecost.scenario.base import Strict

MAX_ADAPTERS = 100_000
"""More adapters than any published multi-LoRA system serves (S-LoRA: 2,000 on one GPU)."""

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""The linear layers of a decoder block a LoRA adapter may target (Hugging Face names)."""

TARGET_SETS = ("q-v", "attention", "all-linear")
"""Named sets: q-v (PEFT's default for Llama, Mistral and Qwen), attention (q, k, v, o)
and all-linear (attention and the MLP: QLoRA's choice)."""


class LoRA(Strict):
    rank: int = Field(8, ge=1, le=1024, description="LoRA rank r; default 8 (PEFT's r).")
    target_modules: Literal[TARGET_SETS] | list[Literal[TARGET_MODULES]] = Field(
        "q-v",
        description="Layers each adapter adapts: q-v (default, PEFT's for Llama-family "
        "models and the LoRA paper's W_q, W_v), attention, all-linear, or a list such as "
        "[q_proj, k_proj, v_proj, o_proj].",
    )
    precision: Literal["bf16", "fp16", "fp32"] = Field(
        "bf16",
        description="Adapter weight format in GPU memory; default bf16 (vLLM's lora_dtype "
        "auto: the model's 16-bit activation dtype).",
    )
    resident: int | None = Field(
        None,
        ge=1,
        description="Adapters held in GPU memory at once (vLLM --max-loras); default all of them.",
    )
    throughput: float | None = Field(
        None,
        gt=0.0,
        le=1.0,
        description="A replica's throughput with mixed-adapter batches as a share of the "
        "base model's; default 0.665 (vLLM, docs/method.md).",
    )


class Adapters(Strict):
    adapters: int = Field(
        1,
        ge=1,
        le=MAX_ADAPTERS,
        description="LoRA adapters (task fine-tunes) of one base model, each trained on "
        "data like data: and served from one deployment where it can be; default 1.",
    )
    adapter_shares: list[float] | None = Field(
        None,
        description="Each adapter's share of the requests, one per adapter, summing to 1 "
        "(within 1 %, then scaled); default equal shares.",
    )

    @field_validator("adapter_shares")
    @classmethod
    def _shares(cls, v, info: ValidationInfo):
        if "adapters" in info.data:  # else adapters itself is refused
            check_shares(info.data["adapters"], v)
        return v

    def traffic_shares(self) -> list[float]:
        """Each adapter's share of the requests."""
        shares = self.adapter_shares or [1.0] * self.adapters
        total = math.fsum(shares)
        return [s / total for s in shares]  # shares written to 3 decimals sum to 0.999


class SelfhostAdapters(Adapters):
    lora: LoRA = Field(LoRA(), description="What one adapter holds in GPU memory; see below.")

    @model_validator(mode="after")
    def _lora_only(self):
        if self.adapters > 1 and getattr(self, "method", "lora") not in ("lora", "qlora"):
            raise ValueError(
                f"adapters: {self.adapters} share one base model only as LoRA adapters; "
                "use method: lora (or qlora), or one path per full fine-tune"
            )
        return self


def check_shares(adapters: int, shares: list[float] | None) -> None:
    """One share per adapter, each above zero, summing to 1 within 1 % (shares written
    with rounding, ``[0.333, 0.333, 0.333]``, are scaled to sum to 1)."""
    if shares is None:
        return
    if len(shares) != adapters:
        raise ValueError(
            f"{len(shares)} share(s) for {adapters} adapter(s); give one share per adapter"
        )
    if any(not math.isfinite(s) or s <= 0 for s in shares):
        raise ValueError("every share must be above zero; drop an adapter with no traffic")
    total = math.fsum(shares)
    if abs(total - 1.0) > 0.01:
        raise ValueError(f"the shares sum to {total:g}; they must sum to 1")
