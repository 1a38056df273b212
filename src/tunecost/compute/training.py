"""GPU-hours, memory and GPU count to train or fine-tune a transformer.

Pure functions in canonical units (FLOP, tokens, bytes, hours, USD) that work on floats
and numpy arrays, and one orchestrator, :func:`estimate_training`, that chains them.

References
----------
.. [1] Kaplan et al., "Scaling Laws for Neural Language Models", arXiv:2001.08361
   (2020), sec. 2.1: C = 6 N D training FLOPs (2ND forward, 4ND backward).
.. [2] Korthikanti et al., "Reducing Activation Recomputation in Large Transformer
   Models", arXiv:2205.05198 (2022), sec. 4: activations per layer
   s b h (34 + 5 a s / h) bytes in 16-bit; full recomputation keeps 2 s b h.
.. [3] Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion
   Parameter Models", arXiv:1910.02054 (2019), sec. 3.1: mixed-precision Adam holds
   16 bytes per parameter (2 weights + 2 gradients + 12 optimizer state).
.. [4] Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models",
   arXiv:2106.09685 (2021), sec. 4.2: no gradients or optimizer state for frozen
   weights.
.. [5] Dettmers et al., "QLoRA: Efficient Finetuning of Quantized LLMs",
   arXiv:2305.14314 (2023), sec. 3: NF4 weights with double quantisation,
   4 + 0.127 bits per parameter; gradient checkpointing in all runs.
.. [6] Dao et al., "FlashAttention", arXiv:2205.14135 (2022): the s x s attention
   matrix is not stored, removing the 5 a s^2 b term of [2].
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from tunecost.compute.goodput import default_goodput, training_peak
from tunecost.compute.training_layout import RECOMPUTE_EXTRA, fewest_gpus, pipeline_bytes_per_gpu
from tunecost.compute.training_layout import choose as choose_layout
from tunecost.compute.training_memory import DEFAULT_LORA_RANK, memory_per_gpu
from tunecost.errors import InputError
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture
from tunecost.vocabulary import TRAINING_METHODS

METHODS = TRAINING_METHODS

FLOPS_PER_PARAM_TOKEN = {"pretrain": 6.0, "full": 6.0, "lora": 4.0, "qlora": 4.0}
"""Training FLOPs per active parameter per token. 6 = 2 forward + 4 backward [1];
LoRA and QLoRA skip the weight-gradient half of the backward pass for the frozen base
(2 N D) but still back-propagate through it, leaving 4 N D [4]."""

RECOMPUTE_FLOPS_PER_PARAM_TOKEN = 2.0
"""Full activation recomputation repeats the forward pass: +2 N D [2]."""

DEFAULT_RECOMPUTE = {"pretrain": False, "full": True, "lora": True, "qlora": True}
"""Activation (gradient) checkpointing: on by default for fine-tuning, where one node's
memory is the limit (artidoro/qlora ``qlora.py``: ``gradient_checkpointing`` default
True, "You want to use this"; Hugging Face TRL turns it on by default since v0.22.0;
PEFT's ``prepare_model_for_kbit_training`` too); off for pretraining at scale, where
selective recomputation costs little [2]. It changes memory, not the MFU-based time:
the MFU defaults were measured on stacks that already made this choice."""

PRETRAIN_SEQ_LEN = 4096
"""Default sequence length for activation memory when pretraining: Llama 2's pretraining
context (Touvron et al. 2023, table 1), capped by the model's own context."""


@dataclass(frozen=True)
class MFUDefault:
    """A default model FLOPs utilisation and the published figures behind it."""

    value: float
    source: str


DENSE_MFU = MFUDefault(
    0.40,
    "dense training at 0.40 MFU: Llama 3 405B 38-43% BF16 MFU on H100 (arXiv:2407.21783, "
    "table 4); OPT-175B 147 TFLOP/s per A100, 47% (arXiv:2205.01068); Megatron-LM 163 "
    "TFLOP/s per A100 incl. recompute, 39% on a 6ND basis (arXiv:2104.04473, table 1); "
    "LoRA fine-tuning 41% (Llama 3 8B) and 43% (Qwen2.5 7B) on H100 (NVIDIA NeMo AutoModel "
    "performance summary)",
)
MOE_MFU = MFUDefault(
    0.23,
    "mixture-of-experts training at 0.23 MFU: median of NVIDIA NeMo AutoModel's H100 BF16 "
    "MoE results (DeepSeek V3, Qwen3-30B-A3B, GPT-OSS-120B, Kimi K2: 189-277 TFLOP/s of 989) "
    "against 39% for dense Llama 3 70B on the same stack",
)
QLORA_SLOWDOWN = 1.6
"""QLoRA runs slower than LoRA because it de-quantises the 4-bit base in every step:
1.62x for a 7B model in LitGPT's published benchmark (1.05-2.5x in Qwen's README)."""

VOLTA_TURING_MFU = MFUDefault(
    0.30,
    "V100/T4 at 0.30 MFU: Megatron-LM sustains 39 TFLOP/s per V100, 30% of peak (arXiv:1909.08053)",
)

HOPPER_PRETRAIN_MFU = MFUDefault(
    0.25,
    "dense pretraining on Hopper at 0.25 MFU (6ND basis): Phi-4, 9.8T tokens on 1,920 H100 "
    "in 21 days, 0.252 (microsoft/phi-4 model card); SmolLM3-3B, 11.2T tokens on 384 H100 "
    "in 24 days, 0.263 (Hugging Face blog, 2025-07-08); Phi-3-mini, 3.3T tokens on 512 "
    "H100 in 7 days, 0.245 (model card): the median of the three",
)
"""Production pretraining runs on H100 reach far less of the (3.2x larger) peak than
A100 runs did (Llama 2 41-43%, LLaMA 65B 47%); only the largest dense model, Llama 3
405B, reported 38-43%."""

HOPPER_AND_LATER = ("h100", "h200", "h800", "gh200", "b200", "gb200")
LARGEST_DENSE_PARAMS = 300e9
"""Dense models from this size pretrain at ``DENSE_MFU`` on Hopper (Llama 3 405B)."""

MATMUL_EFFICIENCY_H100 = 0.803
"""BF16 maximum achievable matmul FLOP/s of an H100 SXM over its peak (794.5 / 989),
stas00/ml-engineering, compute/accelerator/README.md, MAMF table (2026-08)."""

MATMUL_EFFICIENCY_AMD = {"mi300x": 0.514, "mi325x": 0.604}
"""BF16 MAMF / peak for AMD GPUs, same table: MI300X 668.4/1300, MI325X 784.9/1300."""


def default_mfu(method: str, gpu_id: str, moe: bool = False, params=None) -> MFUDefault:
    """The default MFU for a method on a GPU, with its sources.

    Dense 0.40 and mixture-of-experts 0.23 (H100 measurements, see the sources in
    ``DENSE_MFU`` and ``MOE_MFU``); dense pretraining below 300B parameters on Hopper
    and later 0.25 (``HOPPER_PRETRAIN_MFU``); QLoRA divided by ``QLORA_SLOWDOWN``; Volta
    and Turing GPUs 0.30; AMD GPUs scaled by their achievable-matmul efficiency
    relative to H100.
    """
    base = MOE_MFU if moe else DENSE_MFU
    large = params is None or params >= LARGEST_DENSE_PARAMS
    if not moe and not large and method == "pretrain" and gpu_id.startswith(HOPPER_AND_LATER):
        base = HOPPER_PRETRAIN_MFU
    if gpu_id in ("v100", "v100-32gb", "t4"):
        base = VOLTA_TURING_MFU
    value, source = base.value, base.source
    if gpu_id in MATMUL_EFFICIENCY_AMD:
        value *= MATMUL_EFFICIENCY_AMD[gpu_id] / MATMUL_EFFICIENCY_H100
        source += f"; scaled by {gpu_id} MAMF / H100 MAMF (stas00/ml-engineering)"
    if method == "qlora":
        value /= QLORA_SLOWDOWN
        source += f"; QLoRA / {QLORA_SLOWDOWN} (LitGPT: QLoRA 1.62x slower than LoRA, 7B)"
    return MFUDefault(value, source)


def finetune_tokens(examples, tokens_per_example, epochs=1.0):
    """Training tokens seen in a fine-tuning run.

    ``D = examples x tokens_per_example x epochs`` [tokens]. Providers bill training
    tokens the same way (dataset tokens times epochs).
    """
    return examples * tokens_per_example * epochs


def training_flops(params_active, tokens, method="full", recompute=False):
    """Training compute in FLOP.

    ``C = k N D`` with ``k`` = 6 for pretraining and full fine-tuning [1], 4 for LoRA
    and QLoRA [4], plus 2 when activations are recomputed [2]. ``N`` is the number of
    parameters that act on each token (the active parameters of a mixture of experts).

    Parameters
    ----------
    params_active : float or array  [parameters]
    tokens : float or array  [tokens]
    method : {"pretrain", "full", "lora", "qlora"}
    recompute : bool

    Returns
    -------
    float or array  [FLOP]
    """
    k = FLOPS_PER_PARAM_TOKEN[method] + (RECOMPUTE_FLOPS_PER_PARAM_TOKEN if recompute else 0.0)
    return k * params_active * tokens


def gpu_hours(flops, peak_flops_per_gpu, mfu):
    """GPU-hours to execute ``flops`` at ``mfu`` of a GPU's dense peak.

    ``H = C / (peak x MFU x 3600)`` [GPU-hours]. MFU counts the model's FLOPs, not the
    recomputation [1]; pass the FLOPs without recompute for a true MFU.
    """
    return flops / (peak_flops_per_gpu * mfu * 3600.0)


@dataclass
class TrainingEstimate:
    """Result of :func:`estimate_training`; every figure in canonical units."""

    model: str
    method: str
    gpu: str
    tokens: float
    flops: float
    flops_per_run: float
    runs: int
    mfu: float
    mfu_source: str
    recompute: bool
    gpu_hours: float
    gpus: int
    min_gpus: int
    wall_clock_hours: float
    memory_per_gpu_gb: float
    gpu_memory_gb: float
    usd_per_gpu_hour: float | None = None
    cost_usd: float | None = None
    price_source: str | None = None
    layout: str = ""
    ideal_gpu_hours: float | None = None
    goodput: float | None = None
    pipeline_bubble: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def estimate_training(
    arch: Architecture,
    gpu: GPU,
    *,
    method="full",
    tokens,
    runs=1,
    gpus=None,
    mfu=None,
    seq_len=None,
    micro_batch=1,
    recompute=None,
    lora_rank=DEFAULT_LORA_RANK,
    precision="bf16",
    max_gpus=4096,
    goodput=None,
    usd_per_gpu_hour=None,
    price_source=None,
) -> TrainingEstimate:
    """GPU-hours, GPUs, layout, wall-clock time, memory and cost of a training campaign.

    ``ideal_gpu_hours = 6 N D / (peak x MFU) x (1 + recompute) x (1 + bubble)`` for the
    layout that fits (:mod:`training_layout`; recomputation is charged only where the
    layout needs it beyond the method's default), and billed ``gpu_hours = ideal /
    goodput`` (:func:`goodput.default_goodput`).

    Parameters
    ----------
    arch, gpu, tokens : Architecture, GPU, float
        The model (active parameters set the FLOPs, all of them the memory), the GPU,
        and the tokens seen in one run, epochs included. [-, -, tokens]
    runs, gpus, mfu, seq_len : optional
        Runs in the campaign; GPUs (default: the fewest that fit); MFU in (0, 1]
        (default: :func:`default_mfu`); tokens per sequence for activation memory
        (default: the model's context up to 4096). [-, -, -, tokens]
    precision, goodput, usd_per_gpu_hour : optional
        ``bf16`` or ``fp8`` training; share of billed time that trains, in (0, 1]
        (default: :func:`goodput.default_goodput`); GPU price. [-, -, USD/GPU-hour]
    """
    recompute, seq_len, d = _defaults(arch, gpu, method, recompute, seq_len, mfu)
    memory = {"micro_batch": micro_batch, "recompute": recompute, "lora_rank": lora_rank}
    need, gpus = _job_gpus(arch, gpu, method, seq_len, memory, gpus, max_gpus)
    lay = choose_layout(arch, method, gpus, seq_len, memory, gpu.memory_bytes)
    if lay is None:
        raise InputError(f"no layout of {gpus} x {gpu.id} holds {arch.id} ({method})", "gpus")
    model_flops = training_flops(arch.params_active, tokens, method, recompute=False)
    ideal = gpu_hours(model_flops, training_peak(gpu, precision), d.value) * runs
    ideal *= _charged(lay, method)
    share = goodput if goodput is not None else default_goodput(gpus)
    memory["recompute"] = lay.recompute
    mem = _memory(arch, method, lay, seq_len, memory, gpus)
    run = {"method": method, "tokens": float(tokens), "runs": runs, "flops_per_run": model_flops}
    run |= _priced(ideal / share, usd_per_gpu_hour, price_source)
    return _result(arch, gpu, run, d, lay, (ideal, share, int(gpus), int(need), mem))


def _result(arch, gpu, run: dict, d: MFUDefault, lay, figures) -> TrainingEstimate:
    ideal, share, gpus, need, mem = figures
    return TrainingEstimate(
        model=arch.id,
        gpu=gpu.id,
        flops=run["flops_per_run"] * run["runs"],  # all runs
        mfu=d.value,
        mfu_source=d.source,
        recompute=lay.recompute,
        gpu_hours=ideal / share,
        gpus=gpus,
        min_gpus=need,
        wall_clock_hours=ideal / share / gpus,
        memory_per_gpu_gb=mem / 1e9,
        gpu_memory_gb=gpu.memory_bytes / 1e9,
        layout=lay.describe(),
        ideal_gpu_hours=ideal,
        goodput=share,
        pipeline_bubble=lay.bubble,
        **run,
    )


def _priced(hours, usd_per_gpu_hour, price_source) -> dict:
    cost = hours * usd_per_gpu_hour if usd_per_gpu_hour is not None else None
    return {"usd_per_gpu_hour": usd_per_gpu_hour, "cost_usd": cost, "price_source": price_source}


def _charged(lay, method) -> float:
    """Time factor of the layout: bubble, and recomputation where the method's default
    (and so its MFU figure) does not already include it."""
    factor = lay.time_factor
    if lay.recompute and DEFAULT_RECOMPUTE[method]:
        factor /= 1.0 + RECOMPUTE_EXTRA
    return factor


def _memory(arch, method, lay, seq_len, memory, gpus) -> float:
    if lay.pp > 1:
        return pipeline_bytes_per_gpu(arch, gpus, lay.pp, seq_len)
    return memory_per_gpu(arch, method, gpus, seq_len, **memory)


def _defaults(arch, gpu, method, recompute, seq_len, mfu) -> tuple[bool, int, MFUDefault]:
    """(recompute, seq_len, MFU) with the defaults filled in; an unknown method refused."""
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}", "method")
    recompute = DEFAULT_RECOMPUTE[method] if recompute is None else recompute
    if seq_len is None:
        seq_len = min(arch.max_context or PRETRAIN_SEQ_LEN, PRETRAIN_SEQ_LEN)
    d = (
        default_mfu(method, gpu.id, arch.is_moe, arch.params_total)
        if mfu is None
        else MFUDefault(mfu, "user")
    )
    return recompute, seq_len, d


def _job_gpus(arch, gpu, method, seq_len, memory, gpus, max_gpus) -> tuple[int, int]:
    """(fewest GPUs that fit, GPUs of the job: ``gpus`` or that fewest); refused when the
    fewest is more than ``max_gpus`` or more than the GPUs given."""
    need = fewest_gpus(arch, method, seq_len, memory, gpu.memory_bytes)
    if need > max_gpus:
        raise InputError(
            f"{arch.id} ({method}) does not fit on {max_gpus} x {gpu.id} "
            f"(activations alone need more than one GPU's memory at seq_len {seq_len})"
            if need == math.inf
            else f"{arch.id} ({method}) needs {need} x {gpu.id}, more than --max-gpus {max_gpus}; "
            "raise --max-gpus, use a larger GPU or a lighter method (lora, qlora)",
            "gpus",
        )
    if gpus is None:
        return need, need
    if gpus < need:
        raise InputError(
            f"{arch.id} ({method}) needs at least {need} x {gpu.id} to fit in memory; got {gpus}",
            "gpus",
        )
    return need, gpus
