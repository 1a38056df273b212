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

Only measurements that isolate one change on the engine's own stack are listed; the
upgrades for which no such figure was found are not (see ``docs/accuracy.md``).
Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tunecost.compute.engines import Engine, get_engine
from tunecost.errors import InputError
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture

ISO_DATE = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)\b")


@dataclass(frozen=True)
class KernelUpgrade:
    """One measured kernel change of an engine for one model feature.

    ``slowdown`` is output tokens/s with the new kernels over output tokens/s with the
    old ones on the same release, model, GPUs and workload [-]; releases before
    ``since`` (ISO date) ran the old ones.
    """

    engine: str
    platform: str
    feature: str
    since: str
    slowdown: float
    source: str


UPGRADES = (
    KernelUpgrade(
        engine="vllm",
        platform="rocm",
        feature="mla",
        since="2025-04-01",
        slowdown=1.24,
        source=(
            "vLLM blog 'Beyond Porting: How vLLM Orchestrates High-Performance Inference "
            "on AMD ROCm' (AMD and Embedded LLM, 2026-02-27, blog.vllm.ai; "
            "vllm-project/vllm-project.github.io _posts/2026-02-27-rocm-attention-backend.md): "
            "DeepSeek-R1-0528, TP8, 8 x MI300X, ISL 10K / OSL 1K, nightly 2026-01-15 with "
            "AITER MoE and GEMMs on, the Triton MLA backend gives 1/1.24 of the output "
            "tokens/s of the AITER MLA backend at 128 concurrent requests (1/1.33 at 64). "
            "The AITER MLA backend entered vLLM with PR #15893 (opened 2025-04-01); before "
            "it, DeepSeek ran the Triton MLA backend on ROCm. 1.24 is the 128-request end "
            "of the range: nearer the batches of offline runs and the smaller penalty, "
            "since the blog's 10K-token context gives attention a larger share of a step "
            "than shorter prompts do."
        ),
    ),
)
"""The measured upgrades, oldest first. vLLM on CUDA and SGLang have none: no published
end-to-end measurement of a single change between early-2025 releases and today's was
found for DeepSeek-style models on H200 or MI300X (see ``docs/accuracy.md``)."""


def platform_of(gpu: GPU) -> str:
    """``rocm`` for AMD GPUs (the book's ``vendor``), else ``cuda``."""
    return "rocm" if gpu.vendor == "amd" else "cuda"


def features_of(arch: Architecture) -> frozenset[str]:
    """The model features an upgrade can name: ``mla`` (multi-head latent attention)."""
    return frozenset({"mla"} if arch.attention == "mla" and arch.kv_lora_rank else set())


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
        and u.feature in feats
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
