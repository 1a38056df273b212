"""The ``tunecost`` command line: parse options, call the library, render the result.

Heavy libraries (pint, numpy, pandas, matplotlib) are imported inside the commands
that need them, so ``tunecost --help`` starts fast.
"""

from __future__ import annotations

import functools
import sys

import click

from tunecost import __version__
from tunecost.errors import InputError, TunecostError, UnitError
from tunecost.options import output_options

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class TunecostGroup(click.Group):
    """A click group that reports every usage or input error in one line on stderr:
    exit 2 for bad usage or input, 1 for other known failures."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except TunecostError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


class Quantity(click.ParamType):
    """A click option value with a unit, parsed and dimension-checked by ``units``."""

    name = "quantity"

    def __init__(
        self,
        unit: str,
        example: str,
        *,
        bare: bool = False,
        positive: bool = False,
        maximum: float | None = None,
        metavar: str | None = None,
    ):
        self.unit, self.example, self.bare = unit, example, bare
        self.positive, self.maximum = positive, maximum
        self.metavar = metavar or "TEXT"

    def get_metavar(self, param, ctx=None):  # click >= 8.2 passes ctx
        return self.metavar

    def convert(self, value, param, ctx):
        from tunecost.units import parse_quantity

        if isinstance(value, float):
            return value
        try:
            return parse_quantity(
                value,
                self.unit,
                field=f"--{param.name.replace('_', '-')}",
                example=self.example,
                bare=self.bare,
                positive=self.positive,
                maximum=self.maximum,
            )
        except UnitError as exc:
            self.fail(str(exc).split(": ", 1)[-1], param, ctx)


COUNT = functools.partial(Quantity, "dimensionless", bare=True, positive=True, metavar="COUNT")
TOKENS = Quantity("token", "2T tokens", bare=True, positive=True, metavar="TOKENS")
FRACTION = Quantity(
    "dimensionless", "0.4", bare=True, positive=True, maximum=1.0, metavar="FRACTION"
)
USD_PER_GPU_HOUR = Quantity("USD/hour", "2.49 USD/hour", bare=True, metavar="USD/GPU-HOUR")
DURATION = Quantity("s", "50 ms", positive=True, metavar="TIME")
TRAFFIC = Quantity("request/month", "300k requests/month", metavar="RATE")


def price_options(fn):
    """GPU price: explicit, or from the price book (cheapest on-demand offer by default)."""
    fn = click.option(
        "--tier",
        type=click.Choice(["on-demand", "spot", "reserved-1y"]),
        default="on-demand",
        show_default=True,
        help="Which price of the offer to use.",
    )(fn)
    fn = click.option(
        "--offer", help="Price from this instance in the book, e.g. p5.48xlarge or aws:p5.48xlarge."
    )(fn)
    fn = click.option(
        "--provider",
        help="Price from this provider's cheapest offer for the "
        "GPU (default: cheapest of all providers).",
    )(fn)
    fn = click.option(
        "--usd-per-gpu-hour", type=USD_PER_GPU_HOUR, help="GPU price; overrides the price book."
    )(fn)
    return fn


def gpu_price(gpu: str, usd_per_gpu_hour, provider, offer, tier, min_gpus: int = 1):
    """(USD per GPU-hour, description) from the option or the price book, or (None, note).

    ``min_gpus`` GPUs must share one instance (the job or replica size)."""
    import datetime as dt

    from tunecost.hardware import get_gpu
    from tunecost.pricebook import load

    if usd_per_gpu_hour is not None:
        if provider or offer:
            raise InputError(
                "give --usd-per-gpu-hour or --provider/--offer, not both", "--usd-per-gpu-hour"
            )
        return usd_per_gpu_hour, "given with --usd-per-gpu-hour"
    book = load()
    gid = get_gpu(gpu).id
    tier_key = tier.replace("-", "_")
    try:
        chosen = book.gpu_offer(
            gid,
            provider=provider,
            offer=offer,
            tier=tier_key,
            as_of=dt.date.today(),
            min_gpus=min_gpus,
        )
    except InputError as exc:
        if provider or offer:
            raise
        return None, f"{exc.message}; no cost line (give --usd-per-gpu-hour)"
    for warning in book.stale_warnings([chosen], dt.date.today()):
        click.echo(f"warning: {warning}", err=True)
    return chosen.price(tier_key), chosen.describe(tier_key)


def priced(run, gpu, usd_per_gpu_hour, provider, offer, tier, size):
    """Run an estimate, price its GPUs (given, or the book's cheapest offer whose
    instances hold ``size(estimate)`` GPUs) and run it again with the price.

    Returns the estimate and where its price came from."""
    est = run()
    price, source = gpu_price(gpu, usd_per_gpu_hour, provider, offer, tier, size(est))
    if price is not None:
        est = run(usd_per_gpu_hour=price, price_source=source)
    return est, source


def emit(text: str, output: str | None) -> None:
    """Print ``text`` or write it atomically to ``output``."""
    if output:
        from tunecost.render import write_atomic

        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.group(cls=TunecostGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="tunecost")
@click.option(
    "--pricing-dir",
    type=click.Path(file_okay=False),
    help="Read the price book from this folder (or set TUNECOST_PRICING_DIR).",
)
def cli(pricing_dir):
    """Estimate what each way of building an LLM feature costs over time: prompting an
    API, fine-tuning through a provider, or fine-tuning and self-hosting.

    \b
    Examples:
      tunecost compare                      # the bundled example scenario
      tunecost compare my.yaml --chart cost.png --csv ledger.csv
      tunecost train --model llama-3.1-8b --method lora --examples 5000 \\
          --tokens-per-example 700 --epochs 3 --gpu h100
      tunecost serve --model llama-3.1-8b --gpu l40s --precision fp8 \\
          --input-tokens 1800 --output-tokens 250 --traffic "300k requests/month"
    """
    if pricing_dir:
        from tunecost.tables import set_pricing_dir

        set_pricing_dir(pricing_dir)


TRAIN_FIELDS = (
    ("model", "model", ""),
    ("method", "method", ""),
    ("gpu", "GPU", ""),
    ("tokens", "tokens per run", "tokens"),
    ("runs", "runs", ""),
    ("flops", "compute (all runs)", "FLOP"),
    ("mfu", "MFU", ""),
    ("gpu_hours", "GPU-hours (all runs)", "GPU-h"),
    ("gpus", "GPUs", ""),
    ("min_gpus", "fewest GPUs that fit", ""),
    ("wall_clock_hours", "wall-clock", "h"),
    ("memory_per_gpu_gb", "memory per GPU", "GB"),
    ("gpu_memory_gb", "GPU memory", "GB"),
    ("usd_per_gpu_hour", "price", "USD/GPU-h"),
    ("cost_usd", "cost", "USD"),
)


@cli.command(context_settings=CONTEXT)
@click.option("--model", help="Model id from the model table (e.g. llama-3.1-8b).")
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
    type=click.Choice(["pretrain", "full", "lora", "qlora"]),
    default="full",
    show_default=True,
)
@click.option("--gpu", required=True, help="GPU id or alias, e.g. h100, a100-80gb, l40s.")
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
def train(
    model,
    params,
    active_params,
    tokens,
    examples,
    tokens_per_example,
    epochs,
    method,
    gpu,
    gpus,
    max_gpus,
    mfu,
    runs,
    seq_len,
    lora_rank,
    recompute,
    usd_per_gpu_hour,
    provider,
    offer,
    tier,
    fmt,
    output,
):
    """Estimate FLOPs, GPU-hours, GPUs and memory to train or fine-tune a model.

    \b
    Examples:
      tunecost train --model llama-2-7b --method pretrain --tokens 2T --gpu a100-80gb
      tunecost train --model llama-3.1-8b --method lora --examples 5000 \\
          --tokens-per-example 700 --epochs 3 --gpu h100 --runs 4 --usd-per-gpu-hour 2.49
      tunecost train --params 7B --active-params 1.3B --tokens 1T --method pretrain --gpu h100
    """
    from tunecost.api import estimate_training

    if model and params:
        raise InputError("give --model or --params, not both", "--params")
    if not model and not params:
        raise InputError("say which model to train: --model llama-3.1-8b or --params 7B", "--model")
    if tokens is not None and (examples or tokens_per_example):
        raise InputError(
            "give --tokens or --examples with --tokens-per-example, not both", "--tokens"
        )
    if tokens is None and not (examples and tokens_per_example):
        raise InputError(
            "say how much data: --tokens 2T, or --examples N --tokens-per-example N [--epochs N]",
            "--tokens",
        )
    run = functools.partial(
        estimate_training,
        model=model,
        params=params,
        active_params=active_params,
        tokens=tokens,
        examples=examples,
        tokens_per_example=tokens_per_example,
        epochs=epochs,
        method=method,
        gpu=gpu,
        gpus=gpus,
        max_gpus=max_gpus,
        mfu=mfu,
        runs=runs,
        seq_len=seq_len,
        lora_rank=lora_rank,
        recompute=recompute,
    )
    # the job's GPU count decides which offers can host it
    est, price_source = priced(run, gpu, usd_per_gpu_hour, provider, offer, tier, lambda e: e.gpus)
    notes = [f"price: {price_source}", f"MFU source: {est.mfu_source}"]
    if est.wall_clock_hours > 30 * 24:
        notes.append(
            f"{est.wall_clock_hours / 24:,.0f} days of wall-clock on {est.gpus} GPUs; "
            "--gpus N spreads the same GPU-hours over more GPUs"
        )
    _print_record(est.to_dict(), TRAIN_FIELDS, fmt, output, notes=notes)


SERVE_FIELDS = (
    ("model", "model", ""),
    ("gpu", "GPU", ""),
    ("precision", "precision", ""),
    ("kv_precision", "KV-cache precision", ""),
    ("gpus_per_replica", "GPUs per replica", ""),
    ("weights_gb", "weights", "GB"),
    ("kv_cache_gb", "KV cache", "GB"),
    ("kv_cache_tokens", "KV cache", "tokens"),
    ("max_batch", "largest batch that fits", ""),
    ("max_output_tokens_per_s", "max throughput (offline)", "tokens/s"),
    ("slo_batch", "batch within SLOs", ""),
    ("slo_output_tokens_per_s", "throughput within SLOs", "tokens/s"),
    ("tpot_s", "time per output token", "s"),
    ("ttft_s", "time to first token", "s"),
    ("requests_per_month", "traffic", "requests/month"),
    ("peak_output_tokens_per_s", "peak load", "tokens/s"),
    ("replicas", "replicas", ""),
    ("gpus_total", "GPUs in total", ""),
    ("utilization", "average utilisation", ""),
    ("usd_per_gpu_hour", "price", "USD/GPU-h"),
    ("monthly_cost_usd", "monthly cost", "USD"),
    ("usd_per_million_output_tokens", "cost per 1M output tokens", "USD"),
    ("usd_per_million_output_tokens_at_full_load", "at full load", "USD/1M tokens"),
)


@cli.command(context_settings=CONTEXT)
@click.option("--model", required=True, help="Model id from the model table.")
@click.option("--gpu", required=True, help="GPU id or alias, e.g. h100, l40s.")
@click.option(
    "--gpus",
    type=click.IntRange(min=1, max=8),
    help="Tensor-parallel GPUs per replica (default: fewest that fit).",
)
@click.option(
    "--precision",
    type=click.Choice(["bf16", "fp16", "fp8", "fp4", "int4"]),
    default="bf16",
    show_default=True,
    help="Weight format.",
)
@click.option(
    "--kv-precision",
    type=click.Choice(["bf16", "fp16", "fp8"]),
    help="KV-cache format (default: fp8 with fp8/fp4 weights, else bf16).",
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
@click.option("--traffic", type=TRAFFIC, help='Requests per month, e.g. "300k requests/month".')
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
    "--max-batch",
    type=click.IntRange(min=1),
    help="Most sequences batched at once (default: vLLM's, 1024 on >=70 GiB GPUs "
    "other than A100, else 256).",
)
@click.option("--tpot-slo", type=DURATION, help='Time-per-output-token target, e.g. "50 ms".')
@click.option("--ttft-slo", type=DURATION, help='Time-to-first-token target, e.g. "2 s".')
@price_options
@output_options
def serve(
    model,
    gpu,
    gpus,
    precision,
    kv_precision,
    input_tokens,
    output_tokens,
    traffic,
    peak_factor,
    min_replicas,
    max_batch,
    tpot_slo,
    ttft_slo,
    usd_per_gpu_hour,
    provider,
    offer,
    tier,
    fmt,
    output,
):
    """Estimate throughput, batch, replicas and cost to serve a model on GPUs.

    \b
    Examples:
      tunecost serve --model llama-3.3-70b --gpu h200 --precision fp8 \\
          --input-tokens 1000 --output-tokens 1000
      tunecost serve --model llama-3.1-8b --gpu l40s --precision fp8 --input-tokens 1800 \\
          --output-tokens 250 --traffic "300k requests/month" --tpot-slo "50 ms" \\
          --usd-per-gpu-hour 0.99
    """
    from tunecost.api import estimate_serving

    run = functools.partial(
        estimate_serving,
        model=model,
        gpu=gpu,
        gpus=gpus,
        precision=precision,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        requests_per_month=traffic,
        peak_factor=peak_factor,
        min_replicas=min_replicas,
        tpot_slo=tpot_slo,
        ttft_slo=ttft_slo,
        kv_precision=kv_precision,
        max_batch=max_batch,
    )
    # the replica's GPU count decides which offers can host it
    est, price_source = priced(
        run, gpu, usd_per_gpu_hour, provider, offer, tier, lambda e: e.gpus_per_replica
    )
    _print_record(est.to_dict(), SERVE_FIELDS, fmt, output, notes=[f"price: {price_source}"])


def _print_record(record, fields, fmt, output, notes=()):
    from tunecost.render import Field, check_output_path, render_record

    if output:
        check_output_path(output)
    text = render_record(record, [Field(*f) for f in fields], fmt, notes=notes)
    emit(text, output)


def _register() -> None:
    from tunecost.compare_cli import chart, compare
    from tunecost.pricing_cli import pricing
    from tunecost.sensitivity_cli import report, sensitivity, threshold

    cli.add_command(compare)
    cli.add_command(sensitivity)
    cli.add_command(threshold)
    cli.add_command(report)
    cli.add_command(chart)
    cli.add_command(pricing)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tunecost")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
