"""Serving engines: how vLLM, SGLang, TensorRT-LLM and LMDeploy fill a GPU with sequences.

The engines run the same kernels at similar speed on NVIDIA GPUs (each one's own
published comparisons put the other two within ~15% at maximum load, see the sources
on each constant); what differs, and what the estimator models, is how much memory
each gives the KV cache, how many sequences it batches, whether it reserves a whole
sequence's KV cache when it admits a request, how many prompt tokens it prefills per
step, and how it lays out a mixture of experts. ``DEFAULT_ENGINE`` is vLLM, the
engine most self-hosters run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tunecost.errors import InputError
from tunecost.pricebook.gpus import GPU
from tunecost.vocabulary import DEFAULT_SERVING_ENGINE, SERVING_ENGINES

HOST_SECONDS_PER_TOKEN = 25e-6
"""Host (CPU) time a scheduler spends per output token: scheduling, sampling bookkeeping,
detokenising, streaming. It shows where the GPU has almost nothing to do: TensorRT-LLM
serves Qwen3-30B-A3B (3.3B active) on one B200 in FP4 at 39,827 output tokens/s at
128/128 (perf-overview.md, commit 00f3768), 1 / 39,827 = 25 us a token, whatever the
GPU; vLLM measured host work at 62% of Llama 3 8B's time on one H100 before v0.6.0
moved it off the critical path (blog, 2024-09-05), so the engines now share one figure.
A scheduler serves a tensor- or pipeline-parallel replica, or one data-parallel
attention rank."""


@dataclass(frozen=True)
class Engine:
    """Batching and memory policy of one serving engine (see the module docstring).

    ``memory_fraction`` is of the GPU's memory (``kv_from_free`` False: weights,
    activations and KV cache share it) or of what the weights leave free
    (``kv_from_free`` True). ``reserve_full`` admits a request only when the KV cache
    of its whole input + output fits; otherwise pages are taken as tokens arrive and
    the cache holds sequences at their mean length. ``moe_expert_parallel``: a
    mixture of experts runs attention data-parallel and experts spread over the GPUs
    (all-to-all), not tensor-parallel. ``as_of`` is the ISO date of the release
    modelled; None is the current release (see :mod:`tunecost.compute.engine_releases`).
    ``max_seqs_by_gpu``, when given, replaces the large/small rule: (substring of the GPU
    id, cap) pairs tried in order, ``max_seqs_small`` for any other GPU.
    ``prefill_chunk_small``, when given, is the prompt tokens per step on the GPUs that
    get ``max_seqs_small`` (vLLM's smaller ``max_num_batched_tokens`` there).
    ``cap_per_dp_rank``: with data-parallel attention each rank schedules its own batch
    up to the cap, so a replica holds ranks x the cap.
    """

    id: str
    name: str
    memory_fraction: float
    kv_from_free: bool
    reserve_full: bool
    max_seqs_large: int
    max_seqs_small: int
    prefill_chunk: int
    moe_expert_parallel: bool
    fp8_kv_by_default: bool
    source: str
    host_token_s: float = HOST_SECONDS_PER_TOKEN
    as_of: str | None = None
    max_seqs_by_gpu: tuple[tuple[str, int], ...] = ()
    prefill_chunk_small: int | None = None
    cap_per_dp_rank: bool = False

    def kv_format(self, precision: str) -> str:
        """The KV-cache format the engine uses by default with weights in ``precision``."""
        return "fp8" if self.fp8_kv_by_default and precision in ("fp8", "fp4") else "bf16"

    def max_seqs(self, gpu: GPU) -> int:
        """Largest batch the engine forms by default on ``gpu``."""
        if self.max_seqs_by_gpu:
            caps = (cap for key, cap in self.max_seqs_by_gpu if key in gpu.id)
            return next(caps, self.max_seqs_small)
        return self.max_seqs_large if self._large(gpu) else self.max_seqs_small

    def prefill_tokens(self, gpu: GPU) -> int:
        """Most prompt tokens the engine prefills in one step on ``gpu``."""
        if self.prefill_chunk_small is None or self._large(gpu):
            return self.prefill_chunk
        return self.prefill_chunk_small

    @staticmethod
    def _large(gpu: GPU) -> bool:
        # vLLM's rule (engine/arg_utils.py): >= 70 GiB and not an A100 (PR #17885)
        return gpu.memory_bytes >= 70 * 2**30 and not gpu.id.startswith("a100")


VLLM = Engine(
    id="vllm",
    name="vLLM",
    memory_fraction=0.9,
    kv_from_free=False,
    reserve_full=False,
    max_seqs_large=1024,
    max_seqs_small=256,
    prefill_chunk=8192,
    prefill_chunk_small=2048,
    cap_per_dp_rank=True,
    moe_expert_parallel=False,
    fp8_kv_by_default=False,
    source=(
        "vLLM V1 engine defaults (vllm/engine/arg_utils.py): gpu_memory_utilization 0.9, "
        "max_num_seqs 1024 and max_num_batched_tokens 8192 for the API server on GPUs with "
        ">= 70 GiB other than A100, else 256 and 2048; PagedAttention allocates KV blocks as "
        "tokens arrive (Kwon et al., arXiv:2309.06180); kv_cache_dtype 'auto' keeps the model's "
        "16-bit activation dtype; MoE experts are tensor-parallel unless "
        "--data-parallel-size N --enable-expert-parallel, where each data-parallel rank is a "
        "separate engine core with its own scheduler (docs.vllm.ai, Data Parallel Deployment)"
    ),
)

SGLANG = Engine(
    id="sglang",
    name="SGLang",
    memory_fraction=0.88,
    kv_from_free=False,
    reserve_full=False,
    max_seqs_large=4096,
    max_seqs_small=4096,
    prefill_chunk=8192,
    moe_expert_parallel=False,
    fp8_kv_by_default=False,
    source=(
        "SGLang server defaults (python/sglang/srt/server_args.py): mem_fraction_static ~0.88 "
        "on 80+ GB GPUs, chunked_prefill_size 8192, max_running_requests bounded by the KV "
        "pool (ceiling 4096, TensorRT-LLM's, a judgement); kv_cache_dtype 'auto' (the model's "
        "activation dtype); paged token-level KV allocation (RadixAttention, Zheng et al., "
        "arXiv:2312.07104); "
        "DP attention and expert parallelism are opt-in (--enable-dp-attention, --ep-size)"
    ),
)

TRTLLM = Engine(
    id="trtllm",
    name="TensorRT-LLM",
    memory_fraction=0.95,
    kv_from_free=True,
    reserve_full=True,
    max_seqs_large=4096,
    max_seqs_small=4096,
    prefill_chunk=8192,
    moe_expert_parallel=True,
    fp8_kv_by_default=True,
    source=(
        "trtllm-bench (tensorrt_llm/bench/build/tuning.py, commit 04cba88): KV cache = 0.95 of "
        "the memory left after the weights, max batch = min(requests whose whole ISL+OSL fits, "
        "4096) / PP, max_num_tokens >= 2048; perf-overview.md (commit 00f3768): "
        "--kv_cache_free_gpu_mem_fraction 0.95 and, for MoE models, enable_attention_dp with "
        "--ep; the default capacity scheduler GUARANTEED_NO_EVICT reserves a request's whole "
        "KV cache; ModelOpt FP8/FP4 checkpoints carry an FP8 KV cache (hf_ptq.py "
        "--kv_cache_qformat, 'default to fp8')"
    ),
)

LMDEPLOY = Engine(
    id="lmdeploy",
    name="LMDeploy",
    memory_fraction=0.8,
    kv_from_free=True,
    reserve_full=False,
    max_seqs_large=128,
    max_seqs_small=128,
    max_seqs_by_gpu=(("a100", 384), ("h100", 1024), ("h800", 1024), ("h200", 1024)),
    prefill_chunk=8192,
    moe_expert_parallel=False,
    fp8_kv_by_default=False,
    source=(
        "LMDeploy v0.16.0 (InternLM/lmdeploy commit 1208bf0, 2026-08-19) defaults, TurboMind "
        "and PyTorch engines: cache_max_entry_count 0.8 'of free gpu memory ... excluding "
        "weights' (lmdeploy/messages.py, cli/utils.py; since v0.2.2, PR #973/#1053); "
        "get_max_batch_size (lmdeploy/utils.py): A100/A800 384, H100/H800/H200 1024, other GPUs "
        "128 (PR #3921, v0.10.0; GH200 reports 'h200' in its name); max_prefill_token_num 8192, "
        "longer prompts split across steps; quant_policy 0: KV cache in the 16-bit activation "
        "dtype, FP8 checkpoints included; KV blocks of 64 tokens handed out as tokens arrive "
        "(SequenceManager); MoE experts tensor-parallel unless --ep"
    ),
)

ENGINES = {e.id: e for e in (VLLM, SGLANG, TRTLLM, LMDEPLOY)}
ENGINE_IDS = tuple(ENGINES)
assert ENGINE_IDS == SERVING_ENGINES  # the scenario's choices (tunecost.vocabulary)
DEFAULT_ENGINE = DEFAULT_SERVING_ENGINE
"""The default engine (``tunecost.vocabulary.DEFAULT_SERVING_ENGINE``)."""

ALIASES = {
    "tensorrt-llm": "trtllm",
    "trt-llm": "trtllm",
    "trt": "trtllm",
    "turbomind": "lmdeploy",
}


def get_engine(name: str | Engine | None) -> Engine:
    """The engine called ``name`` (``vllm``, ``sglang``, ``trtllm``, ``lmdeploy``);
    default vLLM."""
    if isinstance(name, Engine):
        return name
    key = (name or DEFAULT_ENGINE).strip().lower()
    key = ALIASES.get(key, key)
    if key not in ENGINES:
        raise InputError(
            f"unknown engine {name!r}; choose one of {', '.join(ENGINE_IDS)}", "engine"
        )
    return ENGINES[key]


DECODE_LAYER_SECONDS = 40e-6
"""Fixed time per layer of a decode step beyond the roofline: kernel launches (a dozen
or more per layer, even inside CUDA/HIP graphs), synchronisation and collective
latency. It is what a single sequence shows: SGLang decodes gpt-oss-120b (BF16,
1,024 in / 512 out, batch 1) at 293.12 tokens/s on 8 x H100 and 315.63 on 4 x B200
(lm-sys blog 2025-08-27; commands in sgl-project/sglang benchmark/gpt_oss), which the
roofline leaves about 38 and 45 us per layer short; AMD's vLLM table gives ~41 us on
8 x MI300X (Llama 3.1 70B, batch 1, 2,048 / 2,048: 17.500 s; ROCm/vllm
docs/dev-docker/README.md, commit 040de12). 40 us is taken for every stack."""

ROCM_MATMUL_SHARE = 0.243
"""Share of the MAMF matmul rate that decode reaches on ROCm: with 40 us per layer,
AMD's own vLLM table (same page) has Llama 3.1 405B at batch 128 (128 / 2,048:
117.027 s on 8 x MI300X FP8) need its decode matmuls at 12% of the FP8 peak (skinny
FP8 GEMMs), first read as 0.23 of the BF16 MAMF share 0.514 that MI300X FP8 borrowed;
with AMD's own FP8 MAF share 0.487 (``formats.MATMUL_EFFICIENCY``, [11] there) the
same 12% is 0.23 x 0.514 / 0.487 = 0.243 of it. The same table's other rows and
AMD's throughput table test it; SGLang on ROCm uses it too."""


def stack_profile(engine: Engine, gpu: GPU) -> tuple[float, float]:
    """(share of the MAMF matmul rate decode reaches, fixed seconds per layer per decode
    step) of the engine's software stack on ``gpu``: ``ROCM_MATMUL_SHARE`` on AMD
    Instinct GPUs, else 1; ``DECODE_LAYER_SECONDS`` everywhere."""
    share = ROCM_MATMUL_SHARE if gpu.vendor == "amd" else 1.0
    return share, DECODE_LAYER_SECONDS


def kv_budget_bytes(engine: Engine, gpu: GPU, gpus: int, resident_bytes: float) -> float:
    """Bytes the engine gives the KV cache on ``gpus`` GPUs holding ``resident_bytes`` of
    weights and workspace: ``f x (G x memory) - resident`` (vLLM, SGLang) or
    ``f x (G x memory - resident)`` (TensorRT-LLM) [bytes]; negative if they do not fit."""
    total = gpus * gpu.memory_bytes
    if engine.kv_from_free:
        free = total - resident_bytes
        return engine.memory_fraction * free if free > 0 else free
    return engine.memory_fraction * total - resident_bytes


def batch_limit(engine: Engine, gpu: GPU, kv_requests: float, ranks: int = 1) -> int:
    """Sequences in flight: the engine's cap (per data-parallel rank when it schedules
    ``ranks`` of them separately), or what the KV cache holds, whichever is smaller (at
    least one when anything fits)."""
    return int(max(1, min(engine_cap(engine, gpu, ranks), math.floor(kv_requests))))


def engine_cap(engine: Engine, gpu: GPU, ranks: int = 1) -> int:
    """Most sequences the engine batches on a replica of ``ranks`` data-parallel
    attention ranks."""
    return engine.max_seqs(gpu) * (ranks if engine.cap_per_dp_rank else 1)
