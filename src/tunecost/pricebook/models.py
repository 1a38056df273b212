"""Open-weight model architectures from ``pricing/models.csv``.

Each row is copied from the model's published ``config.json`` and model card; this
module turns it into the sizes the compute models need: parameters that do work per
token, weight bytes, and KV-cache bytes per sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from tunecost.errors import UnknownNameError


@dataclass(frozen=True)
class Architecture:
    """Transformer shape. Counts are plain numbers; ``params_*`` in parameters.

    ``sliding_window`` and ``full_attention_layers`` describe models whose other layers
    attend only to the last ``sliding_window`` tokens (Gemma 2/3, gpt-oss, Llama 4).
    ``kv_lora_rank`` and ``qk_rope_head_dim`` describe multi-head latent attention
    (DeepSeek-V3), which caches one compressed vector per token and layer.
    """

    id: str
    params_total: float
    params_active: float
    layers: int
    hidden_size: int
    intermediate_size: int | None = None
    attention_heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    vocab_size: int | None = None
    max_context: int | None = None
    num_experts: int | None = None
    experts_per_token: int | None = None
    attention: str = "gqa"
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    sliding_window: int | None = None
    full_attention_layers: int | None = None
    source_url: str = ""
    generic: bool = False  # a shape stood in for a bare parameter count (no real heads)

    @property
    def is_moe(self) -> bool:
        """A mixture of experts: fewer parameters act on each token than exist."""
        return self.params_active < self.params_total

    @property
    def head_size(self) -> int:
        return self.head_dim or self.hidden_size // (self.attention_heads or 1)

    def kv_elements_per_token_layer(self) -> float:
        """Cached elements per token per layer: 2 x kv_heads x head_dim (K and V), or
        kv_lora_rank + qk_rope_head_dim for MLA (DeepSeek-V3 report, sec. 2.1.1)."""
        if self.attention == "mla" and self.kv_lora_rank:
            return float(self.kv_lora_rank + (self.qk_rope_head_dim or 0))
        return 2.0 * (self.kv_heads or self.attention_heads or 1) * self.head_size

    def kv_token_layers(self, context_tokens):
        """Token-layers held in the KV cache for a sequence of ``context_tokens``.

        Full-attention layers hold every token; sliding-window layers hold at most the
        window. Works on numpy arrays.
        """
        import numpy as np

        ctx = np.asarray(context_tokens, dtype=float)
        full = self.full_attention_layers if self.sliding_window else self.layers
        full = self.layers if full is None else full
        local = self.layers - full
        window = self.sliding_window or 0
        return full * ctx + local * np.minimum(ctx, window)

    def expert_split(self) -> tuple[float, float]:
        """(always-active parameters, parameters of one routed expert) for MoE models.

        From total = shared + E x expert and active = shared + k x expert.
        """
        if not (self.is_moe and self.num_experts and self.experts_per_token):
            return self.params_total, 0.0
        e, k = self.num_experts, self.experts_per_token
        expert = (self.params_total - self.params_active) / (e - k)
        return self.params_active - k * expert, expert


class ArchitectureTable:
    """The rows of ``models.csv`` as :class:`Architecture` objects, found by id."""

    def __init__(self, rows):
        self._by_id = {r["id"].lower(): _architecture(r) for r in rows}

    def ids(self) -> list[str]:
        """Ids of every model in the table."""
        return [a.id for a in self._by_id.values()]

    def get(self, name: str, field: str = "model") -> Architecture:
        """Look up a model by id, case-insensitively; unknown ids get close suggestions."""
        arch = self._by_id.get(name.strip().lower())
        if arch is None:
            raise UnknownNameError(
                "model", name, self.ids(), field, "`tunecost pricing list --kind model`"
            )
        return arch


def _architecture(r: dict) -> Architecture:
    return Architecture(
        id=r["id"],
        params_total=r["params_total"],
        params_active=r["params_active"] or r["params_total"],
        layers=r["layers"],
        hidden_size=r["hidden_size"],
        intermediate_size=r["intermediate_size"],
        attention_heads=r["attention_heads"],
        kv_heads=r["kv_heads"],
        head_dim=r["head_dim"],
        vocab_size=r["vocab_size"],
        max_context=r["max_context"],
        num_experts=r["num_experts"],
        experts_per_token=r["experts_per_token"],
        attention=r["attention"] or "gqa",
        kv_lora_rank=r["kv_lora_rank"],
        qk_rope_head_dim=r["qk_rope_head_dim"],
        sliding_window=r["sliding_window"],
        full_attention_layers=r["full_attention_layers"],
        source_url=r["source_url"],
    )


def generic_architecture(params: float, active: float | None = None) -> Architecture:
    """A dense-transformer shape for a bare parameter count (``--params 7B``).

    Uses N = 12 L h^2 (attention 4h^2 + MLP 8h^2 per layer, Kaplan et al. 2020, eq. 2.1
    without embeddings) with an aspect ratio h / L = 128, the ratio of GPT-3 6.7B
    (h 4096, 32 layers; Brown et al. 2020, table 2.1) and Llama 2 7B. Only the
    activation-memory and adapter-size terms use this shape; FLOPs use ``params``.
    """
    hidden = (params * 128 / 12) ** (1 / 3)
    layers = max(1, round(hidden / 128))
    hidden_i = int(round(hidden / 128) * 128) or 128
    return Architecture(
        id=f"{params / 1e9:g}B-params",
        params_total=params,
        params_active=active or params,
        layers=layers,
        hidden_size=hidden_i,
        intermediate_size=4 * hidden_i,
        attention_heads=hidden_i // 128,
        kv_heads=hidden_i // 128,
        head_dim=128,
        generic=True,
    )
