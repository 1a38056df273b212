"""Throughput, batch size and GPU count to serve a model on GPUs.

Continuous batching keeps ``B`` sequences in flight; each finished sequence is replaced
by a new one whose prompt must be prefilled, so one output token of every sequence
costs, on average,

    TPOT(B) = t_decode(B) + B t_prefill / n_out

and a replica produces ``B / TPOT(B)`` output tokens per second. The engine
(:mod:`tunecost.compute.engines`, default vLLM) sets the KV budget, the batch and the
MoE layout; :mod:`tunecost.compute.replica` picks the replica's layout and batch;
step times come from the roofline (:mod:`tunecost.compute.roofline`), memory from
:mod:`tunecost.compute.memory`; :func:`estimate_serving` chains them.

References
----------
.. [3] Yu et al., "Orca: A Distributed Serving System for Transformer-Based Generative
   Models", OSDI 2022: iteration-level (continuous) batching.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from tunecost.compute.engines import DEFAULT_ENGINE, get_engine
from tunecost.compute.formats import math_format, peak_flops
from tunecost.compute.memory import WEIGHT_BITS, kv_precision_for, min_tp_to_fit, weight_bytes
from tunecost.compute.moe import is_routed
from tunecost.compute.replica import ReplicaPlan, best_plan
from tunecost.errors import InputError
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture
from tunecost.units import HOURS_PER_MONTH
from tunecost.vocabulary import KV_PRECISIONS, PRECISIONS


@dataclass
class ServingEstimate:
    """Result of :func:`estimate_serving`, canonical units (tokens/s, seconds, USD);
    ``moe`` says whether the model is a mixture of experts (the family
    :func:`tunecost.compute.accuracy.serving_band` takes)."""

    model: str
    gpu: str
    precision: str
    kv_precision: str
    gpus_per_replica: int
    input_tokens: float
    output_tokens: float
    weights_gb: float
    kv_cache_gb: float
    kv_cache_tokens: float
    max_batch: int
    max_output_tokens_per_s: float
    tpot_at_max_batch_s: float
    slo_batch: int
    slo_output_tokens_per_s: float
    tpot_s: float
    ttft_s: float
    tpot_slo_s: float | None = None
    ttft_slo_s: float | None = None
    requests_per_s: float | None = None
    max_requests_per_s: float | None = None
    requests_per_month: float | None = None
    peak_factor: float | None = None
    peak_output_tokens_per_s: float | None = None
    replicas: int | None = None
    gpus_total: int | None = None
    utilization: float | None = None
    usd_per_gpu_hour: float | None = None
    monthly_cost_usd: float | None = None
    usd_per_million_output_tokens: float | None = None
    usd_per_million_output_tokens_at_full_load: float | None = None
    price_source: str | None = None
    engine: str | None = None
    layout: str | None = None
    engine_source: str | None = None
    burst_requests: int | None = None
    burst_output_tokens_per_s: float | None = None
    moe: bool | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def peak_output_tokens_per_s(requests_per_month, output_tokens, peak_factor):
    """Output tokens per second in the peak hour: the month's average rate times the
    peak-to-average factor, ``R x n_out / (730 h x 3600 s) x peak`` [tokens/s]."""
    return requests_per_month * output_tokens / (HOURS_PER_MONTH * 3600.0) * peak_factor


def replicas_for_peak(peak_tokens_per_s, tokens_per_s_per_replica, min_replicas=1):
    """Replicas to carry the peak hour: ``ceil(peak / per-replica)``, at least
    ``min_replicas`` while there is traffic (0 only with no traffic and
    ``min_replicas=0``, i.e. scale to zero). Works on arrays (months, draws)."""
    peak = np.asarray(peak_tokens_per_s, float)
    need = np.ceil(peak / tokens_per_s_per_replica - 1e-9)
    floor = np.where(peak > 0, max(min_replicas, 1), min_replicas)
    return np.maximum(need, floor)


def burst_output_tokens_per_s(tpot, requests):
    """Output tokens/s a finite run measures: ``requests`` identical requests sent
    together to a replica that batches at most ``B = len(tpot)`` of them [tokens/s].

    ``tpot[b - 1]`` is the replica's time per output token at batch ``b``
    (:class:`replica.ReplicaPlan`), so a batch of ``b`` sequences of ``n_out`` tokens
    runs ``n_out x tpot[b - 1]`` (its prompts' prefill included). With ``requests =
    q B + r``, slot-based batching of identical jobs all released at once finishes in
    ``q`` full batches and one of ``r`` (the makespan of identical jobs on ``B``
    machines, ``ceil(requests / B)`` job lengths; Graham, "Bounds on Multiprocessing
    Timing Anomalies", SIAM J. Appl. Math. 17(2), 1969), so the run measures
    ``requests / (q tpot[B - 1] + tpot[r - 1])`` output tokens/s, less than the steady
    ``B / tpot[B - 1]`` whenever the last batch is partial. Benchmarks that send a
    fixed number of prompts at once (``vllm bench serve --num-prompts N`` at request
    rate inf, offline ``LLM.generate`` on N prompts) measure this figure.

    ``B`` is the plan's batch. An engine that reserves each request's whole KV cache
    (TensorRT-LLM) holds it through the run. One that takes pages as tokens arrive
    (vLLM, SGLang, LMDeploy) admits more at first and pre-empts as the requests grow
    together, its cache full throughout: a time-average batch near the plan's, which
    holds sequences at their mean length (for 1,000 / 1,000 tokens and a cache of K
    tokens, ``K ln 2 / 1,000 = K / 1,443`` against ``K / 1,500``); the recomputation
    of pre-empted requests is not modelled.
    """
    tpot = np.asarray(tpot, float)
    full, rest = divmod(int(requests), tpot.size)
    seconds = full * tpot[-1] + (tpot[rest - 1] if rest else 0.0)
    return float(requests / seconds)


def estimate_serving(
    arch: Architecture,
    gpu: GPU,
    *,
    input_tokens,
    output_tokens,
    precision="bf16",
    gpus=None,
    tpot_slo=None,
    ttft_slo=None,
    requests_per_month=None,
    peak_factor=3.0,
    min_replicas=1,
    usd_per_gpu_hour=None,
    price_source=None,
    kv_precision=None,
    max_num_seqs=None,
    engine=DEFAULT_ENGINE,
    pp=None,
    expert_parallel=None,
    burst=None,
) -> ServingEstimate:
    """Batch, throughput, replicas and cost of serving ``arch`` on ``gpu``.

    Parameters
    ----------
    input_tokens, output_tokens : float
        Mean prompt and completion length per request. [tokens]
    precision, gpus, max_num_seqs : optional
        Weight format (see ``vocabulary.PRECISIONS``); GPUs per replica (default: the
        fewest that fit); most sequences batched (default: the engine's limit).
    engine, pp, expert_parallel : optional
        Serving engine (``vllm``, ``sglang``, ``trtllm``, ``lmdeploy``; default vLLM, see
        :mod:`tunecost.compute.engines`); pipeline stages (default: TP over NVLink, the
        fastest TP x PP split over PCIe); a mixture of experts with data-parallel
        attention and spread experts (True) or TP (False), default the engine's.
    burst : int, optional
        Requests a finite run sends at once: its output tokens/s too [requests].
    tpot_slo, ttft_slo : float, optional
        Latency targets: time per output token and time to first token. [s]
    requests_per_month, peak_factor, usd_per_gpu_hour : optional
        Traffic to size replicas for, peak hour over average, GPU price.
        [requests/month, -, USD/GPU-hour]
    """
    eng = _moe_layout(_runs_on(get_engine(engine), gpu), arch, expert_parallel)
    kvp = _formats(gpu, precision, kv_precision or eng.kv_format(precision))
    lengths = (float(input_tokens), float(output_tokens))
    n = _replica_gpus(arch, gpu, precision, kvp, input_tokens, output_tokens, gpus)
    plan = best_plan(arch, gpu, eng, n, (precision, kvp), lengths, max_batch=max_num_seqs, pp=pp)
    _refuse_if_none(plan, arch, gpu, eng, n, precision, lengths)
    tpot, ttft = plan.tpot, plan.ttft
    i_slo = _slo_batch_index(plan.user_tpot, ttft, tpot_slo, ttft_slo, n, gpu)
    out = _at_batch(arch, gpu, precision, kvp, plan, lengths, eng, burst)
    out.slo_batch = i_slo + 1
    out.slo_output_tokens_per_s = float(out.slo_batch / tpot[i_slo])
    out.tpot_s, out.ttft_s = float(plan.user_tpot[i_slo]), float(ttft[i_slo])
    out.tpot_slo_s, out.ttft_slo_s = tpot_slo, ttft_slo
    out.usd_per_gpu_hour, out.price_source = usd_per_gpu_hour, price_source
    _size_fleet(out, requests_per_month, peak_factor, min_replicas)
    return out


def _refuse_if_none(plan, arch, gpu, eng, n, precision, lengths) -> None:
    if plan is None:
        # a replica spans at most one 8-GPU server (min_tp_to_fit's max_tp)
        fix = "add GPUs per replica" if n < 8 else _larger_gpu_or_fewer_bits(precision, gpu)
        raise InputError(
            f"{arch.id} at {precision} leaves no room for one {sum(lengths):g}-token "
            f"sequence on {n} x {gpu.id} under {eng.name}; {fix}",
            "gpus",
        )


def _runs_on(eng, gpu: GPU):
    """The engine, if it runs on ``gpu``: TensorRT-LLM is built on CUDA for NVIDIA GPUs
    only (its installation guide); vLLM, SGLang and LMDeploy are modelled anywhere."""
    if eng.id == "trtllm" and gpu.vendor != "nvidia":
        raise InputError(
            f"TensorRT-LLM runs on NVIDIA GPUs only and {gpu.id} is {gpu.vendor.upper()}'s; "
            "choose the vllm or sglang engine",
            "engine",
        )
    return eng


def _moe_layout(eng, arch: Architecture, expert_parallel):
    """The engine with the user's choice of expert parallelism, if any."""
    if expert_parallel is None:
        return eng
    if expert_parallel and not is_routed(arch):
        raise InputError(
            f"{arch.id} is dense: expert parallelism needs a mixture of experts; leave it unset",
            "expert_parallel",
        )
    return replace(eng, moe_expert_parallel=bool(expert_parallel))


def _at_batch(arch, gpu, precision, kvp, plan: ReplicaPlan, lengths, eng, burst):
    """The estimate at the largest batch (and of a run of ``burst`` requests); the
    caller fills in the batch within the SLOs."""
    tpot, ttft = plan.tpot, plan.ttft
    return ServingEstimate(
        model=arch.id,
        gpu=gpu.id,
        precision=precision,
        kv_precision=kvp,
        gpus_per_replica=plan.layout.gpus,
        input_tokens=lengths[0],
        output_tokens=lengths[1],
        weights_gb=float(weight_bytes(arch.params_total, precision)) / 1e9,
        kv_cache_gb=plan.kv_bytes / 1e9,
        kv_cache_tokens=float(plan.kv_bytes / plan.kv_token_bytes),
        max_batch=plan.max_batch,
        max_output_tokens_per_s=plan.max_tokens_per_s,
        tpot_at_max_batch_s=float(tpot[-1]),
        slo_batch=plan.max_batch,
        slo_output_tokens_per_s=plan.max_tokens_per_s,
        tpot_s=float(plan.user_tpot[-1]),
        ttft_s=float(ttft[-1]),
        engine=eng.name,
        layout=plan.layout.describe(),
        engine_source=eng.source,
        burst_requests=None if burst is None else int(burst),
        burst_output_tokens_per_s=None if burst is None else burst_output_tokens_per_s(tpot, burst),
        moe=arch.is_moe,
    )


def _formats(gpu: GPU, precision: str, kv_precision: str | None) -> str:
    """Check the weight format (and that the GPU computes in it); the KV-cache format."""
    if precision not in PRECISIONS:
        raise InputError(
            f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}",
            "precision",
        )
    math_format(gpu, precision)  # refuses fp4 before Blackwell (int4 is weight-only)
    peak_flops(gpu, math_format(gpu, precision))  # refuses fp8 before Ampere
    kvp = kv_precision or kv_precision_for(precision)
    if kvp not in KV_PRECISIONS:
        raise InputError(
            f"unknown KV-cache precision {kvp!r}; choose one of {', '.join(KV_PRECISIONS)}",
            "kv_precision",
        )
    return kvp


def _replica_gpus(arch, gpu, precision, kvp, input_tokens, output_tokens, gpus) -> int:
    """GPUs per replica: ``gpus``, or the fewest that hold one whole sequence."""
    ctx = input_tokens + output_tokens
    if arch.max_context and ctx > arch.max_context:
        raise InputError(
            f"{input_tokens:g} + {output_tokens:g} tokens exceed {arch.id}'s "
            f"context of {arch.max_context} tokens",
            "output_tokens" if output_tokens > input_tokens else "input_tokens",
        )
    need = min_tp_to_fit(arch, gpu, precision, ctx, kv_precision=kvp)
    if need == math.inf:  # more than one server's 8 GPUs, which replicas do not span
        raise InputError(
            f"{arch.id} at {precision} does not fit on 8 x {gpu.id}; "
            + _larger_gpu_or_fewer_bits(precision, gpu),
            "gpus",
        )
    if gpus is not None and gpus < need:
        raise InputError(
            f"{arch.id} at {precision} needs at least {need} x {gpu.id}; got {gpus}",
            "gpus",
        )
    return int(need if gpus is None else gpus)


def _larger_gpu_or_fewer_bits(precision: str, gpu: GPU) -> str:
    """The fix for a model that 8 x ``gpu`` cannot hold: a larger GPU, or the formats
    with fewer bits than ``precision`` that ``gpu`` runs (FP4 needs FP4 tensor cores;
    int4 and FP8 run weight-only where the math cannot)."""
    runs = [p for p in ("fp8", "fp4", "int4") if p != "fp4" or gpu.tflops.get("fp4")]
    smaller = [p for p in runs if WEIGHT_BITS[p] < WEIGHT_BITS[precision]]
    return "use a larger GPU" + (f" or --precision {' or '.join(smaller)}" if smaller else "")


def _slo_batch_index(tpot, ttft, tpot_slo, ttft_slo, tp, gpu) -> int:
    """Index of the largest batch that meets both latency targets."""
    ok = np.ones_like(tpot, dtype=bool)
    if tpot_slo is not None:
        ok &= tpot <= tpot_slo
    if ttft_slo is not None:
        ok &= ttft <= ttft_slo
    if not ok.any():
        which = "tpot_slo" if tpot_slo is not None and tpot[0] > tpot_slo else "ttft_slo"
        best = tpot[0] if which == "tpot_slo" else ttft[0]
        raise InputError(
            f"cannot be met: even one request at a time takes {best * 1e3:.1f} ms "
            f"on {tp} x {gpu.id}; relax it, add GPUs per replica or pick a faster GPU",
            which,
        )
    return int(np.nonzero(ok)[0][-1])


def _size_fleet(out: ServingEstimate, requests_per_month, peak_factor, min_replicas) -> None:
    """Fill in requests per second, cost per token, replicas for the peak hour and the
    monthly cost. A replica completes ``tokens/s / n_out`` requests per second [1/s],
    within the SLO batch (``requests_per_s``) and at the largest batch."""
    per_replica = out.slo_output_tokens_per_s
    tp = out.gpus_per_replica
    price = out.usd_per_gpu_hour
    if out.output_tokens > 0:
        out.requests_per_s = per_replica / out.output_tokens
        out.max_requests_per_s = out.max_output_tokens_per_s / out.output_tokens
    if price is not None:
        out.usd_per_million_output_tokens_at_full_load = price * tp / (per_replica * 3600.0) * 1e6
    if requests_per_month is None:
        return
    avg_tok_s = peak_output_tokens_per_s(requests_per_month, out.output_tokens, 1.0)
    peak = avg_tok_s * peak_factor
    replicas = int(replicas_for_peak(peak, per_replica, min_replicas))
    out.requests_per_month = requests_per_month
    out.peak_factor = peak_factor
    out.peak_output_tokens_per_s = peak
    out.replicas = replicas
    out.gpus_total = replicas * tp
    out.utilization = avg_tok_s / (replicas * per_replica) if replicas else 0.0
    if price is not None:
        out.monthly_cost_usd = replicas * tp * HOURS_PER_MONTH * price
        tokens_m = requests_per_month * out.output_tokens / 1e6
        out.usd_per_million_output_tokens = out.monthly_cost_usd / tokens_m if tokens_m else None
