"""The words every layer shares: weight precisions, price tiers, training methods.

Each list is written once here; the scenario model, the estimators, the price book and
the command line all read it, so a new precision or tier is added in one place.
"""

from __future__ import annotations

PRECISIONS = ("bf16", "fp16", "fp8", "fp4", "int4")
"""Weight formats a model can be served in (see ``compute.serving.WEIGHT_BITS``)."""

WEIGHT_ONLY_PRECISIONS = ("int4",)
"""Formats that store weights in few bits but multiply in 16-bit (W4A16)."""

COMPUTE_PRECISIONS = tuple(p for p in PRECISIONS if p not in WEIGHT_ONLY_PRECISIONS)
"""Formats tensor cores multiply in."""

KV_PRECISIONS = ("bf16", "fp16", "fp8")
"""Formats of the KV cache (see ``compute.serving.KV_BYTES``)."""

TIERS = ("on-demand", "spot", "reserved-1y")
"""Price tiers of a GPU offer, as a user writes them."""


def tier_column(tier: str) -> str:
    """The price book's name for a tier: ``reserved-1y`` -> ``reserved_1y``."""
    return tier.replace("-", "_")


TRAINING_METHODS = ("pretrain", "full", "lora", "qlora")
"""What ``tunecost train`` estimates: pretraining, full fine-tuning, LoRA and QLoRA."""

SELFHOST_TUNING_METHODS = ("full", "lora", "qlora")
"""Fine-tuning methods of a ``finetune-selfhost`` path."""

API_TUNING_METHODS = ("lora", "full")
"""Fine-tuning methods providers price differently (``training_lora``/``training_full``)."""

CATEGORIES = ("data", "training", "inference", "hosting", "engineering", "evaluation", "monitoring")
"""Cost categories of the ledger, in the order tables and charts show them."""
