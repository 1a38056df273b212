"""Column schemas of the price-book tables in ``pricing/``.

Every row of the price, GPU and model tables carries ``source_url`` and ``retrieved`` so
each figure can be traced to the page, model card or catalogue it was copied from;
``providers.csv`` names each provider's pricing page (``pricing_url``).
"""

from __future__ import annotations

from tunecost.pricebook.reading import Column
from tunecost.vocabulary import API_PRICE_KINDS, GPU_MARKET_NAMES

PRICE_KINDS = API_PRICE_KINDS
FINETUNE_KINDS = (
    "training",
    "training_lora",
    "training_full",
    "training_hour",
    "ft_input",
    "ft_cached_input",
    "ft_output",
    "hosting",
    "storage",
    "minimum_charge",
)

MARKETS = GPU_MARKET_NAMES

VALIDATION_RULES = ("not-billed", "billed-once", "billed-per-evaluation", "unknown")
"""How a provider bills the tokens of a fine-tuning job's validation file."""

HOSTING_RULES = ("serverless", "dedicated", "both", "none", "unknown")
"""How a provider serves a fine-tuned model: per token, as a deployment billed by the
hour or minute, either, or not at all."""

DEPLOYMENT_AUTOSCALING = ("scale-to-zero", "min-one")
"""How a provider's dedicated deployment may follow its traffic: between 0 and a maximum
of replicas (scale to zero), or between 1 and a maximum; empty: it does not autoscale."""

BILLING_STEPS = ("second", "minute", "hour")
"""The step a provider bills a running replica or deployment in."""

PTU_DEPLOYMENTS = ("global", "data-zone", "regional")
"""Azure OpenAI provisioned deployment types, each with its own minimum and price."""

HARDWARE_KINDS = ("card", "server")
"""What a row of ``hardware_prices.csv`` sells: one GPU card, or a server of ``gpus``."""

_SOURCE = [Column("source_url"), Column("retrieved", "date")]

_PRICE_ROW = [
    Column("provider"),
    Column("model"),
    Column("kind", "choice", choices=PRICE_KINDS + FINETUNE_KINDS),
    Column("unit"),  # any unit that converts to the kind's canonical one (pricebook.py)
    Column("price", "float"),
    Column("context_over_tokens", "int", required=False),
    Column("effective_from", "date"),
    # "yes" marks a scheduled change its source announces before it takes effect: the
    # only rows whose effective_from may be later than the day they were read
    Column("announced", "choice", required=False, choices=("yes",)),
    *_SOURCE,
    Column("notes", required=False),
]

SCHEMAS: dict[str, list[Column]] = {
    "gpus.csv": [
        Column("id"),
        Column("name"),
        Column("vendor"),
        Column("memory_gb", "float"),
        Column("hbm_bandwidth_gbps", "float"),
        Column("fp32_tflops", "float", required=False),
        Column("tf32_tflops", "float", required=False),
        Column("fp16_tflops", "float", required=False),
        Column("bf16_tflops", "float", required=False),
        Column("fp8_tflops", "float", required=False),
        Column("int8_tops", "float", required=False),
        Column("fp4_tflops", "float", required=False),
        Column("interconnect_gbps", "float", required=False),
        Column("tdp_w", "float", required=False),
        Column("aliases", required=False),
        *_SOURCE,
        Column("notes", required=False),
    ],
    "models.csv": [
        Column("id"),
        Column("name"),
        Column("organisation", required=False),
        Column("params_total", "float"),
        Column("params_active", "float", required=False),
        Column("layers", "int"),
        Column("hidden_size", "int"),
        Column("intermediate_size", "int", required=False),
        Column("attention_heads", "int"),
        Column("kv_heads", "int"),
        Column("head_dim", "int", required=False),
        Column("vocab_size", "int"),
        Column("max_context", "int"),
        Column("num_experts", "int", required=False),
        Column("experts_per_token", "int", required=False),
        Column("attention", "choice", required=False, choices=("mha", "gqa", "mqa", "mla")),
        Column("kv_lora_rank", "int", required=False),
        Column("qk_rope_head_dim", "int", required=False),
        Column("sliding_window", "int", required=False),
        Column("full_attention_layers", "count", required=False),
        *_SOURCE,
        Column("notes", required=False),
    ],
    "api_models.csv": _PRICE_ROW,
    "finetune_prices.csv": _PRICE_ROW,
    "gpu_offers.csv": [
        Column("provider"),
        Column("instance"),
        Column("gpu"),
        Column("gpu_count", "int"),
        Column("on_demand_usd_per_gpu_hour", "float", required=False),
        Column("spot_usd_per_gpu_hour", "float", required=False),
        Column("reserved_1y_usd_per_gpu_hour", "float", required=False),
        Column("region", required=False),
        Column("market", "choice", choices=MARKETS),
        Column("effective_from", "date"),
        *_SOURCE,
        Column("notes", required=False),
    ],
    "model_releases.csv": [
        Column("family"),
        Column("model"),
        Column("organisation", required=False),
        Column("provider", required=False),
        Column("kind", "choice", choices=("api", "open-weight")),
        Column("released", "date"),
        Column("deprecated", "date", required=False),
        Column("shutdown", "date", required=False),
        Column("replacement", required=False),
        Column("tokenizer", required=False),
        Column("source_url"),
        Column("lifecycle_source_url", required=False),
        Column("retrieved", "date"),
        Column("notes", required=False),
    ],
    "tokenizers.csv": [
        Column("tokenizer"),
        Column("name"),
        Column("tokens_per_word", "float"),
        Column("chars_per_token", "float"),
        Column("corpus"),
        *_SOURCE,
        Column("notes", required=False),
    ],
    "provisioned_throughput.csv": [
        Column("provider"),
        Column("model"),
        Column("deployment", "choice", choices=PTU_DEPLOYMENTS),
        Column("min_ptu", "int"),
        Column("increment", "int"),
        # input tokens per minute one PTU carries; an output token counts as this many
        Column("input_tpm_per_ptu", "float"),
        Column("output_token_weight", "float"),
        *_SOURCE,
        Column("notes", required=False),
    ],
    "hardware_prices.csv": [
        Column("id"),
        Column("name"),
        Column("vendor"),
        Column("kind", "choice", choices=HARDWARE_KINDS),
        Column("gpu"),
        Column("gpus", "int"),
        Column("price_usd", "float"),
        # the whole machine's maximum draw, for a server (a card's is gpus.csv tdp_w)
        Column("system_power_w", "float", required=False),
        Column("effective_from", "date"),
        *_SOURCE,
        Column("notes", required=False),
    ],
    "providers.csv": [
        Column("provider"),
        Column("name"),
        Column("cached_input_counting", "choice", required=False, choices=("subset", "additional")),
        Column("batch_discount_note", required=False),
        # the share off input and output prices for batch requests, as the note cites
        Column("batch_discount", "float", required=False),
        # how fine-tuning is billed, each with the page that says so
        Column("finetune_validation_tokens", "choice", required=False, choices=VALIDATION_RULES),
        Column("finetune_validation_source_url", required=False),
        Column("finetune_hosting", "choice", required=False, choices=HOSTING_RULES),
        Column("finetune_hosting_source_url", required=False),
        # hourly (rft) training is invoiced in steps of this many hours (0.01 = 36 s)
        Column("finetune_hour_increment", "float", required=False),
        Column("finetune_hour_increment_source_url", required=False),
        # how a dedicated deployment may follow its traffic, with the page that says so
        Column("deployment_autoscaling", "choice", required=False, choices=DEPLOYMENT_AUTOSCALING),
        Column("deployment_billing_step", "choice", required=False, choices=BILLING_STEPS),
        Column("deployment_scale_down_minutes", "float", required=False),
        Column("deployment_scale_to_zero_minutes", "float", required=False),
        Column("deployment_scaling_source_url", required=False),
        Column("pricing_url", required=False),
        Column("retrieved", "date", required=False),
        Column("notes", required=False),
    ],
}
