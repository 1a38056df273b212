"""GPU specifications from ``pricing/gpus.csv`` and their look-up by id or alias.

Throughputs in the table are dense (no structured sparsity) tensor-core TFLOP/s as
published on each vendor's datasheet; this module converts them to canonical units
(FLOP/s, bytes, bytes/s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tunecost.errors import InputError, UnknownNameError
from tunecost.vocabulary import COMPUTE_PRECISIONS, WEIGHT_ONLY_PRECISIONS


@dataclass(frozen=True)
class GPU:
    """One GPU model. Units: bytes, bytes/s, FLOP/s."""

    id: str
    name: str
    memory_bytes: float
    hbm_bytes_per_s: float
    interconnect_bytes_per_s: float | None
    tflops: dict[str, float]
    source_url: str
    retrieved: str
    vendor: str = "nvidia"

    def peak_flops(self, precision: str, *, field: str = "precision") -> float:
        """Dense peak FLOP/s for math in ``precision``.

        ``bf16`` falls back to ``fp16`` on chips without bf16 (V100, T4), which train
        in fp16 mixed precision. ``int4`` is weight-only quantisation (W4A16): the
        weights are stored in 4 bits but multiplied in 16-bit, so it uses the 16-bit
        peak. ``fp8`` and ``fp4`` need tensor cores for that format.
        """
        p = precision.lower()
        if p in WEIGHT_ONLY_PRECISIONS:
            p = "bf16"
        order = {"bf16": ("bf16", "fp16"), "fp16": ("fp16", "bf16")}.get(p, (p,))
        for key in order:
            if self.tflops.get(key):
                return self.tflops[key] * 1e12
        have = ", ".join(k for k in COMPUTE_PRECISIONS if self.tflops.get(k))
        raise InputError(f"{self.id} has no {precision} tensor cores; choose one of: {have}", field)


def name_key(name: str) -> str:
    """How GPU ids and aliases are matched: lower case, spaces and underscores as '-'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


class GPUTable:
    """The rows of ``gpus.csv`` as :class:`GPU` objects, found by id or alias."""

    def __init__(self, rows):
        self._gpus: dict[str, GPU] = {}
        self._names: dict[str, str] = {}
        for row in rows:
            gpu = _gpu(row)
            self._gpus[gpu.id] = gpu
            self._names[name_key(gpu.id)] = gpu.id
            for alias in (row.get("aliases") or "").split(";"):
                if alias.strip():
                    self._names.setdefault(name_key(alias), gpu.id)

    def ids(self) -> list[str]:
        """Ids of every GPU in the table."""
        return list(self._gpus)

    def get(self, name: str, field: str = "gpu") -> GPU:
        """Look up a GPU by id or alias, case-insensitively (``H100`` -> ``h100-sxm``).

        Raises
        ------
        UnknownNameError
            With the closest ids when ``name`` is not known.
        """
        gid = self._names.get(name_key(name))
        if gid is None:
            raise UnknownNameError(
                "GPU", name, sorted(self._names), field, "`tunecost pricing list --kind gpu-spec`"
            )  # ids and aliases
        return self._gpus[gid]

    def resolve(self, name: str) -> str | None:
        """The GPU id for ``name`` or None (for importers mapping catalogue names)."""
        return self._names.get(name_key(name))


def _gpu(row: dict) -> GPU:
    flops = {
        p: row.get(f"{p}_tflops") or row.get(f"{p}_tops")
        for p in ("fp32", "tf32", "fp16", "bf16", "fp8", "fp4", "int8")
    }
    ic = row["interconnect_gbps"]
    return GPU(
        id=row["id"],
        name=row["name"],
        memory_bytes=row["memory_gb"] * 1e9,
        hbm_bytes_per_s=row["hbm_bandwidth_gbps"] * 1e9,
        interconnect_bytes_per_s=ic * 1e9 if ic else None,
        tflops={k: v for k, v in flops.items() if v},
        source_url=row["source_url"],
        retrieved=str(row["retrieved"]),
        vendor=str(row.get("vendor") or "nvidia").lower(),
    )
