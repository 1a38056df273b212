"""``tunecost train`` and ``tunecost serve``: the compute estimators on the command line.

Each runs the estimator, prices its GPUs through the one instance route (given per
GPU-hour, or the book's cheapest whole instances that hold the job or the replicas, as of
today: :mod:`tunecost.cli.instance_price`) and prints the estimate as a table, CSV or JSON.
"""

from __future__ import annotations

import click

from tunecost.cli.base import Command
from tunecost.cli.estimate_fields import SERVE_FIELDS, TRAIN_FIELDS
from tunecost.cli.estimate_notes import experts_notes, serving_accuracy, training_accuracy
from tunecost.cli.options import (
    CONTEXT,
    COUNT,
    DURATION,
    FRACTION,
    TOKENS,
    TRAFFIC,
    Quantity,
    WholeCount,
    command_book,
    emit,
    output_flag,
    output_options,
    price_options,
    table_width,
    team_assumptions,
    wide_option,
)
from tunecost.cli.serve_instances import on_instances
from tunecost.cli.train_instances import train_on_instances
from tunecost.errors import InputError
from tunecost.vocabulary import (
    DEFAULT_SERVING_ENGINE,
    KV_PRECISIONS,
    MAX_BATCH,
    MAX_BURST,
    PRECISIONS,
    SERVING_ENGINES,
    TRAINING_METHODS,
)


@click.command(cls=Command, context_settings=CONTEXT)
@click.option(
    "--model",
    help="Model id, e.g. llama-3.1-8b (list: tunecost pricing list --kind model).",
)
@click.option(
    "--params", type=COUNT(example="7B"), help="Parameter count instead of --model, e.g. 7B."
)
@click.option(
    "--active-params",
    type=COUNT(example="1.3B"),
    help="Parameters active per token for a mixture of experts (with --params).",
)
@click.option("--tokens", type=TOKENS, help="Tokens seen per run, epochs included, e.g. 2T.")
@click.option("--examples", type=COUNT(example="5000"), help="Fine-tuning examples.")
@click.option("--tokens-per-example", type=COUNT(example="700"), help="Mean tokens per example.")
@click.option(
    "--epochs",
    type=COUNT(example="3"),
    default="1",
    show_default=True,
    help="Passes over the examples.",
)
@click.option(
    "--method",
    type=click.Choice(TRAINING_METHODS),
    default="full",
    show_default=True,
)
@click.option(
    "--gpu",
    required=True,
    help="GPU id or alias, e.g. h100, a100-80gb (list: tunecost pricing list --kind gpu-spec).",
)
@click.option("--gpus", type=click.IntRange(min=1), help="GPUs to use (default: fewest that fit).")
@click.option(
    "--max-gpus",
    type=click.IntRange(min=1),
    default=4096,
    show_default=True,
    help="Largest GPU count to consider when finding the fewest that fit.",
)
@click.option("--mfu", type=FRACTION, help="Model FLOPs utilisation in (0, 1], e.g. 0.4 or 40%.")
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Runs in the campaign (a hyper-parameter search is several).",
)
@click.option(
    "--seq-len",
    type=click.IntRange(min=1),
    help="Tokens per sequence for activation memory (default: --tokens-per-example, "
    "else the model's context up to 4096).",
)
@click.option(
    "--lora-rank",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="LoRA rank (default: PEFT's LoraConfig default).",
)
@click.option(
    "--recompute/--no-recompute",
    default=None,
    help="Activation recomputation (default: on for fine-tuning, off for pretraining).",
)
@price_options
@output_options
@wide_option
def train(fmt, output, usd_per_gpu_hour, provider, offer, tier, wide, **options):
    """Estimate FLOPs, GPU-hours, GPUs and memory to train or fine-tune a model.

    \b
    Examples:
      tunecost train --model llama-2-7b --method pretrain --tokens 2T --gpu a100-80gb
      tunecost train --model llama-3.1-8b --method lora --examples 5000 \\
          --tokens-per-example 700 --epochs 3 --gpu h100 --runs 4 --usd-per-gpu-hour 2.49
      tunecost train --params 7B --active-params 1.3B --tokens 1T --method pretrain --gpu h100
    """
    from tunecost.compute.estimates import estimate_training

    _check_training_data(options)
    book = command_book()
    est = estimate_training(book=book, **options)
    # the job's GPU count decides which instances can host it
    prices = (usd_per_gpu_hour, provider, offer, tier)
    record, source, billed = train_on_instances(est, book, prices)
    band_keys, band_note = training_accuracy(est)
    record.update(band_keys)
    notes = [
        f"price: {source}",
        *billed,
        f"MFU source: {est.mfu_source}",
        f"layout: {est.layout}; the job's GPU-hours = {est.ideal_gpu_hours:,.4g} / goodput "
        f"{est.goodput:.3f}; cost = GPU-hours paid x price",
    ]
    if est.wall_clock_hours > 30 * 24:
        notes.append(
            f"{est.wall_clock_hours / 24:,.0f} days of wall-clock on {est.gpus} GPUs; "
            "--gpus N spreads the same GPU-hours over more GPUs"
        )
    notes += band_note
    _print_record(record, TRAIN_FIELDS, fmt, output, notes=notes, wide=wide)


def _check_training_data(o: dict) -> None:
    """Exactly one model (id or size) and one way of saying how much data."""
    if o["model"] and o["params"]:
        raise InputError("give --model or --params, not both", "params")
    if not o["model"] and not o["params"]:
        raise InputError("say which model to train: --model llama-3.1-8b or --params 7B", "model")
    if o["tokens"] is not None and (o["examples"] or o["tokens_per_example"]):
        raise InputError(
            "give --tokens or --examples with --tokens-per-example, not both", "tokens"
        )
    if o["tokens"] is None and not (o["examples"] and o["tokens_per_example"]):
        raise InputError(
            "say how much data: --tokens 2T, or --examples N --tokens-per-example N [--epochs N]",
            "tokens",
        )


@click.command(cls=Command, context_settings=CONTEXT)
@click.option(
    "--model",
    required=True,
    help="Model id, e.g. llama-3.1-8b (list: tunecost pricing list --kind model).",
)
@click.option(
    "--gpu",
    required=True,
    help="GPU id or alias, e.g. h100, l40s (list: tunecost pricing list --kind gpu-spec).",
)
@click.option(
    "--gpus",
    type=click.IntRange(min=1, max=8),
    help="GPUs per replica, split by tensor and pipeline parallelism (default: fewest that fit).",
)
@click.option(
    "--precision",
    type=click.Choice(PRECISIONS),
    default="bf16",
    show_default=True,
    help="Weight format.",
)
@click.option(
    "--kv-precision",
    type=click.Choice(KV_PRECISIONS),
    help="KV-cache format (default: the engine's; fp8 with fp8/fp4 weights under trtllm, "
    "else bf16).",
)
@click.option(
    "--engine",
    type=click.Choice(SERVING_ENGINES),
    default=DEFAULT_SERVING_ENGINE,
    show_default=True,
    help="Serving engine whose batching and memory policy to model.",
)
@click.option(
    "--expert-parallel/--no-expert-parallel",
    default=None,
    help="Mixtures of experts: attention data-parallel and experts spread over the "
    "GPUs (vLLM --data-parallel-size N --enable-expert-parallel, SGLang "
    "--enable-dp-attention) or "
    "tensor-parallel (default: the engine's; on under trtllm, off under the others).",
)
@click.option(
    "--pp",
    type=click.IntRange(min=1, max=8),
    help="Pipeline stages per replica (default: tensor parallel over NVLink, the fastest "
    "split over PCIe).",
)
@click.option(
    "--input-tokens",
    type=COUNT(example="1800"),
    required=True,
    help="Mean prompt tokens per request.",
)
@click.option(
    "--output-tokens",
    type=COUNT(example="250"),
    required=True,
    help="Mean output tokens per request.",
)
@click.option(
    "--traffic",
    "requests_per_month",
    type=TRAFFIC,
    help='Requests per month, e.g. "300k requests/month".',
)
@click.option(
    "--peak-factor",
    type=Quantity("dimensionless", "3", bare=True, positive=True, maximum=1000.0),
    default="3",
    show_default=True,
    help="Peak-hour traffic over the monthly average (3 is an assumption: set it from "
    "your traffic).",
)
@click.option(
    "--min-replicas",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Replicas kept up with no traffic (0 = scale to zero).",
)
@click.option(
    "--spare-replicas",
    type=click.IntRange(min=0),
    help="Replicas beyond the peak's while there is traffic, billed like the others "
    "(default 1: N + 1, Google SRE book; 0 allowed).",
)
@click.option(
    "--max-batch",
    type=WholeCount("256", maximum=MAX_BATCH),
    help="Most sequences batched at once (default: the engine's; vLLM 1024 on >=70 GiB "
    "GPUs other than A100, else 256).",
)
@click.option(
    "--burst",
    type=WholeCount("500", maximum=MAX_BURST),
    help="Also give the output tokens/s of a run of N requests sent at once, as measured by "
    "vllm bench serve --num-prompts N at request rate inf.",
)
@click.option(
    "--tpot-slo",
    type=DURATION,
    help='Time-per-output-token target, e.g. "50 ms" (default 100 ms, the MLPerf '
    "Inference server target compare uses).",
)
@click.option(
    "--ttft-slo",
    type=DURATION,
    help='Time-to-first-token target, e.g. "2 s" (default 2 s, as compare).',
)
@price_options
@output_options
@wide_option
def serve(fmt, output, usd_per_gpu_hour, provider, offer, tier, wide, spare_replicas, **options):
    """Estimate throughput, batch, replicas and cost to serve a model on GPUs.

    \b
    Examples:
      tunecost serve --model llama-3.3-70b --gpu h200 --precision fp8 \\
          --input-tokens 1000 --output-tokens 1000 --engine trtllm
      tunecost serve --model llama-3.1-8b --gpu l40s --precision fp8 --input-tokens 1800 \\
          --output-tokens 250 --traffic "300k requests/month" --tpot-slo "50 ms" \\
          --usd-per-gpu-hour 0.99
    """
    from tunecost.compute.estimates import estimate_serving
    from tunecost.scenario.defaults import SERVING_TPOT_SLO, SERVING_TTFT_SLO

    defaulted = [k for k in ("tpot_slo", "ttft_slo") if options[k] is None]
    options["tpot_slo"] = options["tpot_slo"] or SERVING_TPOT_SLO  # as compare sizes
    options["ttft_slo"] = options["ttft_slo"] or SERVING_TTFT_SLO
    book = command_book()
    est = estimate_serving(book=book, **options)
    # the replica's GPU count decides which instances can host it
    prices = (usd_per_gpu_hour, provider, offer, tier)
    record, source = on_instances(est, book, prices, spare_replicas)
    given = "given" if options["engine"] != DEFAULT_SERVING_ENGINE else "default"
    notes = [
        f"price: {source}",
        f"engine: {est.engine} ({given}; --engine vllm|sglang|trtllm|lmdeploy), "
        f"layout {est.layout}; {est.engine_source}",
    ]
    notes += experts_notes(est, options["expert_parallel"], book)
    fleet = (prices, spare_replicas, options["min_replicas"])
    band_keys, band_note = serving_accuracy(est, options["engine"], book, fleet)
    record.update(band_keys)
    notes += band_note
    if defaulted:
        targets = {
            "tpot_slo": f"{SERVING_TPOT_SLO * 1000:g} ms per output token",
            "ttft_slo": f"{SERVING_TTFT_SLO:g} s to the first token",
        }
        notes.append(
            f"{' and '.join(defaulted)}: the MLPerf Inference server target(s) compare uses "
            f"({', '.join(targets[k] for k in defaulted)}); set "
            f"{', '.join('--' + k.replace('_', '-') for k in defaulted)}"
        )
    _print_record(record, SERVE_FIELDS, fmt, output, notes=notes, wide=wide)


def _print_record(record, fields, fmt, output, notes=(), wide=False):
    from tunecost.output.files import check_output_path
    from tunecost.output.tables import Field, render_record

    if output:
        check_output_path(output, output_flag())
    width = table_width(wide, output)
    notes = [*notes, *team_assumptions()]  # the price book a team file chose, if it did
    text = render_record(record, [Field(*f) for f in fields], fmt, notes=notes, width=width)
    emit(text, output)
