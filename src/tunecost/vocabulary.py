"""The words every layer shares: weight precisions, price tiers, training methods, and
the names of the two break-even volumes.

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

API_TUNING_METHODS = ("lora", "full", "rft")
"""Fine-tuning through a provider: LoRA or full (priced per training token, where prices
differ: ``training_lora``/``training_full``), or reinforcement fine-tuning (``rft``,
priced per training hour)."""

CATEGORIES = (
    "data",
    "training",
    "inference",
    "hardware",
    "energy",
    "hosting",
    "engineering",
    "evaluation",
    "monitoring",
)
"""Cost categories of the ledger, in the order tables and charts show them. ``hardware``
(GPUs bought, as cash: purchases less resales) and ``energy`` (their electricity and
colocation) take the place of rented GPU-hours on a path that buys its GPUs."""

BREAKEVEN_VOLUME = "steady-state volume where monthly costs cross"
"""The break-even volume of ``compare``, in words: the monthly volume at which a path's
monthly cost, from month 2 on (build costs left out), equals the baseline's."""

PLAN_VOLUME = "plan volume where the cheapest path changes"
"""What ``threshold --vary workload.requests`` finds, in words: the month-1 volume at
which the path with the lowest total cost over the whole plan (build costs in) changes."""

BREAKEVEN_MONTH = "month from which cumulative cost stays below the baseline's"
"""The break-even month of ``compare``, in words."""

GPU_MARKET_NAMES = ("hyperscaler", "cloud", "marketplace")
"""Where a GPU offer is sold: the three big clouds, GPU clouds, and peer marketplaces
(hosts of varying reliability, priced lowest)."""

SERVING_ENGINES = ("vllm", "sglang", "trtllm", "lmdeploy")
"""Serving engines the capacity model knows (``compute.engines``)."""
DEFAULT_SERVING_ENGINE = "vllm"
"""vLLM: the engine most self-hosters run (Ray Serve LLM and KServe's Hugging Face
runtime are built on it); a judgement call, printed with every estimate."""

API_PRICE_KINDS = ("input", "cached_input", "cache_write", "output", "batch_input", "batch_output")
"""The price book's kinds of an API model's token prices (``api_models.csv``)."""

MAX_BATCH = 65_536
"""Largest batch cap accepted (``serve --max-batch``, ``max_batch``): 16 x the largest
engine default (4,096, SGLang and TensorRT-LLM); beyond it the activation workspace
sized for the cap crowds out the KV cache it would batch."""

MAX_BURST = 1e9
"""Largest finite run accepted (``serve --burst``, ``burst``): a billion requests."""
