"""How a serving replica splits a model over its GPUs: tensor, pipeline and expert
parallelism.

Tensor parallelism (TP) splits every layer and pays two all-reduces per layer per
step; pipeline parallelism (PP) splits the layers into stages that pass micro-batches
along, which costs one weight read per stage per micro-batch but almost no
communication; expert parallelism (EP) keeps attention data-parallel and spreads the
experts, exchanging tokens with two all-to-alls per layer. Over NVLink engines run
TP (and, in TensorRT-LLM, EP for mixtures of experts); over PCIe the all-reduces are
slow and published configurations mix TP and PP (TensorRT-LLM perf-overview.md, RTX
Pro 6000 tables: TP1 x PP8 for Llama 3.1 405B, TP2 x PP4 for Qwen3-235B).
"""

from __future__ import annotations

from dataclasses import dataclass

from tunecost.errors import InputError

SUPPORTED_GPUS = (1, 2, 4, 8)
"""GPUs per replica engines support for tensor parallelism inside one server."""


@dataclass(frozen=True)
class Layout:
    """Parallel layout of one replica: ``pp`` stages of ``tp`` GPUs; with
    ``expert_parallel`` a stage runs attention data-parallel over its ``tp`` GPUs and
    spreads its experts over them."""

    tp: int = 1
    pp: int = 1
    expert_parallel: bool = False

    @property
    def gpus(self) -> int:
        return self.tp * self.pp

    def describe(self) -> str:
        """``TP4 x PP2``, ``TP8`` or ``DP-attention + EP8`` (x ``PPn``)."""
        stage = f"DP-attention + EP{self.tp}" if self.expert_parallel else f"TP{self.tp}"
        return stage + (f" x PP{self.pp}" if self.pp > 1 else "")


def layouts_for(gpus: int, *, pp: int | None = None, expert_parallel=False, pcie=False):
    """Candidate layouts of ``gpus`` GPUs: ``pp`` stages when given, every TP x PP split
    over PCIe (the estimator keeps the fastest), else pure TP; with
    ``expert_parallel`` each stage runs data-parallel attention and spreads its
    experts over its GPUs."""
    if pp is not None:
        if pp < 1 or gpus % pp:
            raise InputError(f"must divide the {gpus} GPUs of a replica, got {pp}", "pp")
        splits = [pp]
    elif pcie and gpus > 1:
        splits = [p for p in (1, 2, 4, 8) if gpus % p == 0]
    else:
        splits = [1]
    return [Layout(gpus // p, p, expert_parallel and gpus // p > 1) for p in splits]
