"""The Python API that the CLI mirrors: names in, estimates out.

``estimate_training`` and ``estimate_serving`` take model and GPU ids (as the commands
do), resolve them against a price book's tables (``book``, default the bundled one) and
call the pure models in :mod:`tunecost.compute.training` and
:mod:`tunecost.compute.serving`. Plain numbers are in canonical units (tokens, seconds,
requests/month, USD/GPU-hour). Errors name the parameter at fault (``gpus``).
"""

from __future__ import annotations

import math
import numbers

from tunecost.compute import serving as _serving
from tunecost.compute import training as _training
from tunecost.compute.engines import DEFAULT_ENGINE, get_engine
from tunecost.errors import InputError
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.pricebook.models import Architecture, generic_architecture
from tunecost.vocabulary import MAX_BATCH, MAX_BURST


def _architecture(
    model: str | Architecture | None,
    params: float | None,
    active_params: float | None,
    book: PriceBook,
) -> Architecture:
    if isinstance(model, Architecture):
        return model
    if model:
        return book.architecture(model)
    if not params:
        raise InputError("give a model id or a parameter count", "model")
    if active_params and active_params > params:
        raise InputError("active parameters cannot exceed total parameters", "active_params")
    return generic_architecture(params, active_params)


def estimate_training(
    *,
    model=None,
    params=None,
    active_params=None,
    tokens=None,
    examples=None,
    tokens_per_example=None,
    epochs=1.0,
    method="full",
    gpu="h100-sxm",
    gpus=None,
    max_gpus=4096,
    mfu=None,
    runs=1,
    seq_len=None,
    lora_rank=8,
    recompute=None,
    usd_per_gpu_hour=None,
    price_source=None,
    precision="bf16",
    goodput=None,
    book: PriceBook | None = None,
):
    """Estimate a training or fine-tuning campaign; see ``tunecost train --help``.

    Give ``tokens`` (per run, epochs included) or ``examples`` x ``tokens_per_example``
    x ``epochs``. ``precision`` is ``bf16`` (default) or ``fp8`` training; ``goodput``
    the share of billed GPU time that trains (default: from the GPU count, see
    :mod:`tunecost.compute.goodput`). Returns a
    :class:`tunecost.compute.training.TrainingEstimate`.
    """
    book = book or open_book()
    arch = _architecture(model, params, active_params, book)
    if tokens is None:
        if not (examples and tokens_per_example):
            raise InputError("give tokens, or examples and tokens_per_example", "tokens")
        tokens = _training.finetune_tokens(examples, tokens_per_example, epochs)
        if seq_len is None:
            seq_len = round(tokens_per_example)
    _check_training(tokens, mfu, goodput, precision)
    return _training.estimate_training(
        arch,
        book.gpu(gpu),
        method=method,
        tokens=tokens,
        runs=runs,
        gpus=gpus,
        mfu=mfu,
        seq_len=seq_len,
        recompute=recompute,
        lora_rank=lora_rank,
        max_gpus=max_gpus,
        usd_per_gpu_hour=usd_per_gpu_hour,
        price_source=price_source,
        precision=precision,
        goodput=goodput,
    )


def _check_training(tokens, mfu, goodput, precision) -> None:
    if tokens <= 0:
        raise InputError("must be greater than zero", "tokens")
    for name, value in (("mfu", mfu), ("goodput", goodput)):
        if value is not None and not 0 < value <= 1:
            raise InputError(f"must be in (0, 1], got {value}", name)
    if precision not in ("bf16", "fp16", "fp8"):
        raise InputError(f"train in bf16, fp16 or fp8, got {precision!r}", "precision")


def _whole(value, most: float) -> bool:
    """A count from 1 to ``most``: an int or a whole finite float, not a bool or text."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    if isinstance(value, numbers.Integral):  # exact, however large
        return 1 <= value <= most
    return math.isfinite(value) and 1 <= value <= most and value == int(value)


def _check_serving(input_tokens, output_tokens, requests_per_month, max_batch, burst) -> None:
    for name, value, most in (("max_batch", max_batch, MAX_BATCH), ("burst", burst, MAX_BURST)):
        if value is not None and not _whole(value, most):
            shown = repr(value) if len(repr(value)) <= 20 else repr(value)[:17] + "..."
            raise InputError(f"must be a whole number from 1 to {most:,.0f}, got {shown}", name)
    for name, value in (("input_tokens", input_tokens), ("output_tokens", output_tokens)):
        if value is None or value <= 0:
            raise InputError("must be greater than zero", name)
    if requests_per_month is not None and requests_per_month < 0:
        raise InputError("must not be negative", "requests_per_month")


def estimate_serving(
    *,
    model,
    gpu,
    input_tokens,
    output_tokens,
    precision="bf16",
    gpus=None,
    requests_per_month=None,
    peak_factor=3.0,
    min_replicas=1,
    tpot_slo=None,
    ttft_slo=None,
    usd_per_gpu_hour=None,
    price_source=None,
    kv_precision=None,
    max_batch=None,
    engine=DEFAULT_ENGINE,
    pp=None,
    expert_parallel=None,
    burst=None,
    book: PriceBook | None = None,
):
    """Estimate serving throughput, replicas and cost; see ``tunecost serve --help``.

    ``max_batch`` caps the sequences batched at once (default: the engine's limit);
    ``engine`` is ``vllm`` (default), ``sglang``, ``trtllm`` or ``lmdeploy``
    (:mod:`tunecost.compute.engines`); ``pp`` fixes the pipeline stages of a replica;
    ``expert_parallel`` runs a mixture of experts with data-parallel attention and
    experts spread over the GPUs (True) or tensor-parallel (False), default the engine's.
    ``burst`` is a finite run's requests sent at once (a benchmark's ``--num-prompts``
    at request rate inf): the estimate then also gives the output tokens/s that run
    measures, ``burst_output_tokens_per_s``. Returns a
    :class:`tunecost.compute.serving.ServingEstimate`.
    """
    _check_serving(input_tokens, output_tokens, requests_per_month, max_batch, burst)
    book = book or open_book()
    arch = model if isinstance(model, Architecture) else book.architecture(model)
    return _serving.estimate_serving(
        arch,
        book.gpu(gpu),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        precision=precision,
        gpus=gpus,
        tpot_slo=tpot_slo,
        ttft_slo=ttft_slo,
        requests_per_month=requests_per_month,
        peak_factor=peak_factor,
        min_replicas=min_replicas,
        usd_per_gpu_hour=usd_per_gpu_hour,
        price_source=price_source,
        kv_precision=kv_precision,
        max_num_seqs=max_batch,
        engine=get_engine(engine),
        pp=pp,
        expert_parallel=expert_parallel,
        burst=burst,
    )
