"""Engine releases: how much slower an older release of an engine ran a model feature.

The estimator models the engines as they run today. A published benchmark ran the
release of its date, and engines change their kernels for a model feature (MLA
attention, grouped MoE GEMMs, block-scaled FP8) from one release to the next. A
:class:`KernelUpgrade` records one such change that the engine's own developers
measured end to end: the feature, the engine and platform, the date it first shipped
(or, when the release is not known, the date of the pull request that added it: no
release before that date had it), and the measured output-throughput ratio of the
new kernels over the old ones. An estimate "as of" a date before an upgrade runs its
serving steps that many times slower. The default (no date) is the current release:
no upgrade is missing, so the factor is 1.

Only measurements that isolate one change on the engine's stack, by the engine's or the
GPU vendor's developers, are listed; the upgrades for which no such figure was found
are not (see ``docs/accuracy.md``).
Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tunecost.compute.engines import Engine, get_engine
from tunecost.compute.moe import is_routed
from tunecost.errors import InputError
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture

ISO_DATE = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)\b")


@dataclass(frozen=True)
class KernelUpgrade:
    """One measured kernel change of an engine for one model feature.

    ``slowdown`` is output tokens/s with the new kernels over output tokens/s with the
    old ones on the same release, model, GPUs and workload [-]; releases before
    ``since`` (ISO date) ran the old ones. A model gets the upgrade when it has every
    one of ``features`` (the measured model's: an upgrade measured on DeepSeek-R1's
    experts and latent attention says nothing about a dense MLA model).
    """

    engine: str
    platform: str
    features: tuple[str, ...]
    since: str
    slowdown: float
    source: str

    @property
    def feature(self) -> str:
        """The features the upgrade needs, joined for notes (``mla+moe``)."""
        return "+".join(self.features)


UPGRADES = (
    KernelUpgrade(
        engine="vllm",
        platform="rocm",
        features=("mla",),
        since="2025-04-28",
        slowdown=1.24,
        source=(
            "vLLM blog 'Beyond Porting: How vLLM Orchestrates High-Performance Inference "
            "on AMD ROCm' (AMD and Embedded LLM, 2026-02-27, blog.vllm.ai; "
            "vllm-project/vllm-project.github.io _posts/2026-02-27-rocm-attention-backend.md): "
            "DeepSeek-R1-0528, TP8, 8 x MI300X, ISL 10K / OSL 1K, nightly 2026-01-15 with "
            "AITER MoE and GEMMs on, the Triton MLA backend gives 1/1.24 of the output "
            "tokens/s of the AITER MLA backend at 128 concurrent requests (1/1.33 at 64). "
            "The AITER MLA backend entered vLLM with PR #15893 (merged 2025-04-22, first "
            "released in v0.8.5 on 2025-04-28, PyPI); before it, DeepSeek ran the Triton MLA "
            "backend on ROCm. 1.24 is the 128-request end "
            "of the range: nearer the batches of offline runs and the smaller penalty, "
            "since the blog's 10K-token context gives attention a larger share of a step "
            "than shorter prompts do."
        ),
    ),
    KernelUpgrade(
        engine="sglang",
        platform="rocm",
        features=("mla", "moe"),
        since="2025-05-16",
        slowdown=1.996,
        source=(
            "AMD ROCm blog 'Accelerate DeepSeek-R1 Inference: Integrate AITER into SGLang' (Xue "
            "and Wang, 2025-05-16, "
            "rocm.blogs.amd.com/artificial-intelligence/aiter-intergration-s; ROCm/rocm-blogs "
            "commit 1d2e96a): SGLang v0.4.4 with AITER replacing the MoE (routing, sorting, "
            "block-scale FP8 experts), the FP8 block-scale GEMMs and MLA attention, DeepSeek-R1 "
            "FP8, TP8, 8 x MI300X, sglang.bench_one_batch batch 64, 512 / 32 tokens: total "
            "7,332.02 -> 14,635.98 tokens/s ('Total Throughput: +100%'; 14,635.98 / 7,332.02 = "
            "1.996; prefill 2.07x, decode 1.87x). AMD's AITER launch blog (2025-03-21) measured "
            "6,484.76 -> 13,704.36 tokens/s (2.11x) for the same model on SGLang. Before, SGLang "
            "on ROCm ran its Triton MLA and fused-MoE kernels; every AITER path it had was opt-in"
            " (CK_MOE, AITER_BLOCK_GEMM, from PR #4053, 2025-03-04) and the integration measured "
            "was a fork of v0.4.4 whose upstream PR (#4344) closed unmerged, so no release before"
            " the blog's date ran it by default: 'since' is that date, the earliest a release "
            "could have run it by default (the choice that slows the fewest rows)"
        ),
    ),
)
"""The measured upgrades, oldest first. vLLM and SGLang on CUDA have none: no published
end-to-end measurement of a single change between early-2025 releases and today's was
found for DeepSeek-style models on H200 (see ``docs/accuracy.md``)."""


def platform_of(gpu: GPU) -> str:
    """``rocm`` for AMD GPUs (the book's ``vendor``), else ``cuda``."""
    return "rocm" if gpu.vendor == "amd" else "cuda"


def features_of(arch: Architecture) -> frozenset[str]:
    """The model features an upgrade can name: ``mla`` (multi-head latent attention) and
    ``moe`` (routed experts, :func:`moe.is_routed`)."""
    feats = {"mla"} if arch.attention == "mla" and arch.kv_lora_rank else set()
    return frozenset(feats | ({"moe"} if is_routed(arch) else set()))


def missing_upgrades(engine: Engine, gpu: GPU, arch: Architecture) -> tuple[KernelUpgrade, ...]:
    """The upgrades for ``engine`` on ``gpu``'s platform and ``arch``'s features that its
    release (``engine.as_of``) did not have yet; none for the current release."""
    if engine.as_of is None:
        return ()
    feats, plat = features_of(arch), platform_of(gpu)
    return tuple(
        u
        for u in UPGRADES
        if u.engine == engine.id
        and u.platform == plat
        and feats.issuperset(u.features)
        and engine.as_of < u.since
    )


def release_slowdown(engine: Engine, gpu: GPU, arch: Architecture) -> float:
    """How many times longer the serving steps of ``engine``'s release take than the
    current release's: the product of the ``slowdown`` of every missing upgrade [-];
    1 for the current release."""
    factor = 1.0
    for u in missing_upgrades(engine, gpu, arch):
        factor *= u.slowdown
    return factor


def engine_as_of(name: str | Engine | None, as_of: str | None) -> Engine:
    """The engine ``name`` as released on ``as_of`` (ISO date ``YYYY-MM-DD``); the current
    release when ``as_of`` is None."""
    engine = get_engine(name)
    if as_of is not None and not ISO_DATE.fullmatch(as_of):
        raise InputError(f"release date {as_of!r} is not an ISO date YYYY-MM-DD", "engine")
    return replace(engine, as_of=as_of)


def first_date(*texts: str | None) -> str | None:
    """The first ISO date (``YYYY-MM-DD``) in ``texts``, in order; None if there is none."""
    for text in texts:
        m = ISO_DATE.search(text or "")
        if m:
            return m.group(1)
    return None
