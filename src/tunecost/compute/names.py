"""Published names to table ids: "Llama 3.3 70B" -> ``llama-3.3-70b``, "H200 SXM 141GB"
-> ``h200``, "MXFP4" -> a weight format, "TensorRT-LLM" -> ``trtllm``.

Benchmark tables and papers name models, GPUs, formats and engines in prose; the
calibration against them (:mod:`tunecost.analysis.calibration`) reads them through
these functions. A model the book does not know becomes a generic dense (or
mixture-of-experts) shape of the published parameter count, so a published run is
never refused for want of an id.
"""

from __future__ import annotations

import re

from tunecost.compute.engines import ENGINES
from tunecost.errors import UnknownNameError
from tunecost.pricebook.book import PriceBook
from tunecost.pricebook.models import Architecture, generic_architecture

MODEL_NAMES = {
    "llama 2 70b chat": "llama-2-70b",
    "opt-175b": "opt-175b",
    "olmoe-1b-7b": "olmoe-1b-7b",
    "llama 7b": "llama-7b",
    "llama 13b": "llama-13b",
    "llama 65b": "llama-65b",
}
"""Names that the normalised spelling does not already match."""

GPU_PATTERNS = (
    (r"gb200", "gb200"),
    (r"b200", "b200"),
    (r"gh200", "gh200"),
    (r"h200", "h200"),
    (r"h800", "h800"),
    (r"h100.*nvl", "h100-nvl"),
    (r"h100.*pcie", "h100-pcie"),
    (r"h100", "h100-sxm"),
    (r"a100.*40", "a100-40gb"),
    (r"a100.*pcie", "a100-80gb-pcie"),
    (r"a100", "a100-80gb"),
    (r"mi325", "mi325x"),
    (r"mi300", "mi300x"),
    (r"rtx.*(pro.*6000|6000.*pro)", "rtx-pro-6000"),
    (r"6000.*ada", "rtx-6000-ada"),
    (r"l40s", "l40s"),
    (r"v100.*32", "v100-32gb"),
    (r"v100", "v100"),
)
"""Regular expressions (on the lower-cased name) for GPU spellings of benchmark pages."""

ENGINE_WORDS = (
    (r"tensorrt|trt-?llm|trtllm", "trtllm"),
    (r"sglang", "sglang"),
    (r"vllm", "vllm"),
    (r"lmdeploy|turbomind", "lmdeploy"),
)


def _key(name: str) -> str:
    key = re.sub(r"[\s_]+", "-", name.strip().lower())
    key = re.sub(r"-\d{4}$", "", key)  # a release code, as in Ministral-3-3B-Instruct-2512
    return re.sub(r"-(instruct|chat|hf|base)$", "", key)


def model_architecture(
    book: PriceBook, name: str, params_total=None, params_active=None
) -> tuple[Architecture, str]:
    """(architecture, how it was found) for a published model name: the book's id, or
    a generic shape of ``params_total`` / ``params_active`` parameters."""
    key = MODEL_NAMES.get(name.strip().lower(), _key(name))
    try:
        return book.architecture(key), key
    except UnknownNameError:
        if not params_total:
            raise
    arch = generic_architecture(float(params_total), float(params_active or 0) or None)
    return arch, f"generic {float(params_total) / 1e9:g}B shape"


def gpu_id(book: PriceBook, name: str) -> str:
    """The book's GPU id for a published GPU name (by alias, then by pattern)."""
    try:
        return book.gpu(name).id
    except UnknownNameError:
        low = name.lower()
        for pattern, gid in GPU_PATTERNS:
            if re.search(pattern, low):
                return gid
        raise


def weight_format(text: str, gpu_has_fp4: bool) -> str:
    """A weight format for a published precision: FP8, FP4/NVFP4, BF16/FP16, and
    MXFP4 or INT4/AWQ/GPTQ/W4A16 (FP4 math where the GPU has it, else ``int4``,
    4-bit weights with 16-bit math)."""
    t = text.strip().lower()
    if "mxfp4" in t or t in ("w4a16", "awq", "gptq") or "int4" in t:
        return "fp4" if ("mxfp4" in t and gpu_has_fp4) else "int4"
    if "fp4" in t:
        return "fp4"
    if "fp8" in t or "w8a8" in t:
        return "fp8"
    return "fp16" if "fp16" in t else "bf16"


def engine_id(*texts: str) -> str:
    """The engine a benchmark row names in any of ``texts`` (an ``engine`` column, the
    source or the notes); vLLM, the default, when none is named."""
    for text in texts:
        low = (text or "").lower()
        if low.strip() in ENGINES:
            return low.strip()
        for pattern, eid in ENGINE_WORDS:
            if re.search(pattern, low):
                return eid
    return "vllm"
