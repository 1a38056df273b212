"""Number formats: what a weight format stores, what the GPU multiplies in, and how fast.

A served model's *weight format* (``vocabulary.PRECISIONS``) decides its bytes per
weight; the *math format* is what the tensor cores multiply in. They differ for
weight-only quantisation: ``int4`` stores 4-bit weights (AWQ, GPTQ, or an MXFP4/NVFP4
checkpoint on a GPU without FP4 tensor cores, which vLLM and SGLang run through Marlin
or Triton W4A16 kernels) and multiplies in 16 bits.

Achieved matmul efficiency is a measurement, not the datasheet: the share of the dense
peak that the best ``matmul`` reaches on that GPU and format (MAMF). Pure functions.

References
----------
.. [5] stas00/ml-engineering, compute/accelerator/README.md, "Maximum Achievable
   Matmul FLOPS comparison table" (commit 744d01e, 2026-08): BF16 and FP8 MAMF per GPU.
.. [6] Frantar et al., "MARLIN: Mixed-Precision Auto-Regressive Parallel Inference on
   Large Language Models", arXiv:2408.11743 (2024): 4-bit-weight x 16-bit-activation
   kernels keep close to FP16 speed once batches are large (compute-bound), and
   approach the ideal 4x at small batch (memory-bound).
.. [11] AMD ROCm blog, "Measuring Max-Achievable FLOPs - Part 2" (Sander et al.,
   2025-02-28, rocm.blogs.amd.com/software-tools-optimization/
   measuring-max-achievable-flops-part2, table 1): hipBLASLt MAF on MI300X 708 BF16 and
   1,273 FP8 TFLOPS, on MI325X 843 and 1,519 (normally distributed data, cold caches,
   thermally stable clocks).
"""

from __future__ import annotations

from tunecost.errors import InputError
from tunecost.pricebook.gpus import GPU
from tunecost.vocabulary import WEIGHT_ONLY_PRECISIONS

MATMUL_EFFICIENCY = {
    "bf16": {
        "a100-40gb": 0.869,
        "a100-80gb": 0.869,
        "a100-80gb-pcie": 0.811,
        "h100-sxm": 0.803,
        "h100-pcie": 0.803,
        "h800": 0.803,
        "h200": 0.803,
        "gh200": 0.838,
        "b200": 0.776,
        "gb200": 0.729,
        "mi300x": 0.514,
        "mi325x": 0.604,
    },
    "fp8": {
        "h100-sxm": 0.709,
        "h100-pcie": 0.709,
        "h800": 0.709,
        "h200": 0.734,
        "gh200": 0.776,
        "b200": 0.763,
        "gb200": 0.723,
        "mi300x": 0.487,
        "mi325x": 0.581,
    },
}
"""Maximum achievable matmul FLOP/s over dense peak, per GPU and format [5], e.g. H100
SXM BF16 794.5 / 989 = 0.803, H100 FP8 1402.6 / 1979 = 0.709. [5] has no FP8 row
for AMD Instinct GPUs; theirs is AMD's own FP8 MAF [11] over the datasheet's 2,614.9
dense FP8 TFLOPS: MI300X 1,273 / 2,614.9 = 0.487, MI325X 1,519 / 2,614.9 = 0.581
(the BF16 rows stay [5]'s, measured the same way as the NVIDIA ones). GPUs the table
lacks use ``DEFAULT_MATMUL_EFFICIENCY``."""

DEFAULT_MATMUL_EFFICIENCY = 0.803
"""H100 SXM BF16 MAMF / peak [5], for GPUs without a published MAMF."""

FP4_MATMUL_EFFICIENCY = 0.42
"""Achieved FP4 (NVFP4) FLOP/s over the FP4 datasheet peak on Blackwell.

No MAMF is published for FP4. TensorRT-LLM's own benchmark (perf-overview.md, commit
00f3768, v1.0) has one prefill-bound pair to read it from: Llama 3.3 70B at 2,048 input
/ 128 output tokens gives 1,339 output tokens/s on one B200 in FP4 and 442 on one H200
in FP8; 3.03x against the datasheet's 9,000 / 1,979 = 4.55x puts FP4 at 3.03 / 4.55 x
the H200's FP8 share 0.734 = 0.49 of its peak. 0.42 was set below that, before any
comparison with the reference rows, as a judgement that decode's skinnier GEMMs reach
less than prefill's: a choice, not a measurement. Either way FP4 delivers ~2x, not
4.55x, an H200's FP8 math: the datasheet overstates it by about two."""

WEIGHT_ONLY_EFFICIENCY = 0.9
"""Share of the 16-bit MAMF that W4A16 kernels keep when compute-bound: Marlin [6]
stays within ~10% of FP16 at batch 128 and above (its figure 1, A10 and A100)."""

WEIGHT_ONLY_BITS = {"int4": 4.25, "mxfp4": 4.25}
"""AWQ/GPTQ int4 with a 16-bit scale and zero per group of 128 (4 + 32/128), and
MXFP4 (OCP microscaling: an 8-bit scale per 32 values, 4 + 8/32): both 4.25 bits."""


def math_format(gpu: GPU, precision: str) -> str:
    """The format the tensor cores multiply in: ``bf16`` for 16-bit and weight-only
    (``int4``) weights, else the weight format itself, which the GPU must support
    (FP8 from Hopper/Ada, FP4 from Blackwell); FP8 weights on Ampere multiply in BF16
    (:func:`fp8_weight_only`); refused otherwise, naming ``int4`` as the weight-only
    way to run 4-bit weights on older GPUs."""
    p = precision.lower()
    if p in WEIGHT_ONLY_PRECISIONS or p in ("bf16", "fp16") or fp8_weight_only(gpu, p):
        return "bf16"
    if p == "fp4" and not gpu.tflops.get("fp4"):
        have = ", ".join(k for k in ("bf16", "fp8") if gpu.tflops.get(k))
        raise InputError(
            f"{gpu.id} has no fp4 tensor cores; choose one of: {have}, or int4 for 4-bit "
            "weights with 16-bit math (how engines run MXFP4/NVFP4 checkpoints on it)",
            "precision",
        )
    return p


def fp8_weight_only(gpu: GPU, precision: str) -> bool:
    """True when FP8 weights run as weight-only W8A16 on ``gpu``: a GPU with BF16 but
    no FP8 (or FP4) tensor cores, i.e. Ampere. vLLM docs, "FP8 W8A8" (v0.5.5 onwards,
    docs.vllm.ai/en/v0.5.5/quantization/fp8.html): "FP8 models will run on compute
    capability > 8.0 (Ampere) as weight-only W8A16, utilizing FP8 Marlin" (vLLM PR
    #5975, 2024-07-03). Volta and Turing, without BF16, stay refused."""
    t = gpu.tflops
    return precision == "fp8" and not t.get("fp8") and not t.get("fp4") and bool(t.get("bf16"))


def peak_flops(gpu: GPU, fmt: str) -> float:
    """Dense peak FLOP/s of ``gpu`` in math format ``fmt``. Blackwell parts whose table
    row lists FP4 but not FP8 (RTX Pro 6000) get FP8 = FP4 / 2, the ratio of every
    Blackwell datasheet."""
    if fmt == "fp8" and not gpu.tflops.get("fp8") and gpu.tflops.get("fp4"):
        return gpu.tflops["fp4"] * 1e12 / 2.0
    return gpu.peak_flops(fmt)


def matmul_efficiency(gpu: GPU, precision: str) -> float:
    """Achieved share of the peak for the weight format ``precision`` on ``gpu``:
    MAMF / peak for BF16 and FP8 [5] (FP8 falls back to the GPU's BF16 share),
    ``FP4_MATMUL_EFFICIENCY`` for FP4 and ``WEIGHT_ONLY_EFFICIENCY`` x the BF16 share
    for weight-only 4-bit [6] and for FP8 weights on Ampere, which run through the same
    Marlin mixed-precision kernel (FP8 Marlin is GPTQ Marlin's 8-bit path, vLLM PR
    #5975)."""
    p = precision.lower()
    bf16 = MATMUL_EFFICIENCY["bf16"].get(gpu.id, DEFAULT_MATMUL_EFFICIENCY)
    if p == "fp4":
        return FP4_MATMUL_EFFICIENCY
    if p in WEIGHT_ONLY_PRECISIONS or fp8_weight_only(gpu, p):
        return WEIGHT_ONLY_EFFICIENCY * bf16
    if p == "fp8":
        return MATMUL_EFFICIENCY["fp8"].get(gpu.id, bf16)
    return bf16


def attention_format(gpu: GPU, kv_precision: str) -> str:
    """The format attention's two matmuls (scores and values) run in: the KV cache's.
    Attention kernels multiply the cached keys and values as stored: FlashMLA
    (deepseek-ai/FlashMLA README, 2025-02-24) and FlashAttention-2/3 run BF16 on a
    16-bit cache, which vLLM and SGLang keep by default (``kv_cache_dtype`` "auto");
    FP8 on an FP8 cache where the GPU multiplies FP8 (FlashAttention-3, Shah et al.,
    arXiv:2407.08608, sec. 3.3; TensorRT-LLM's FP8 KV cache). The weight format does
    not change it: FP8 or FP4 weights with a BF16 cache still attend in BF16."""
    if kv_precision == "fp8" and (gpu.tflops.get("fp8") or gpu.tflops.get("fp4")):
        return "fp8"
    return "bf16"


def attention_flops_rate(gpu: GPU, kv_precision: str, compute_eff=None) -> float:
    """FLOP/s one GPU reaches on attention's matmuls: the dense peak of
    :func:`attention_format` times its MAMF share (``compute_eff`` when given)."""
    fmt = attention_format(gpu, kv_precision)
    share = compute_eff if compute_eff is not None else matmul_efficiency(gpu, fmt)
    return peak_flops(gpu, fmt) * share
