"""Compare the estimators with published runs (a CSV of the reference format).

Used by the golden tests and by ``tools/reference_errors.py``, which prints the
error table in ``docs/accuracy.md``. The reference CSVs name models and GPUs in prose
("Llama 2 7B", "H100 SXM 80GB"); :data:`MODEL_NAMES` maps those names to table ids.
No constant here is tuned to the rows: the estimators run with their cited defaults.
"""

from __future__ import annotations

import csv
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from tunecost.compute.estimates import estimate_serving, estimate_training
from tunecost.errors import InputError

MODEL_NAMES = {
    "llama 2 7b": "llama-2-7b",
    "llama 2 13b": "llama-2-13b",
    "llama 2 70b": "llama-2-70b",
    "llama 2 70b chat": "llama-2-70b",
    "llama 3.1 405b": "llama-3.1-405b",
    "llama 3.3 70b": "llama-3.3-70b",
    "opt-175b": "opt-175b",
    "olmoe-1b-7b": "olmoe-1b-7b",
}

METHODS = {"pretrain": "pretrain", "full_ft": "full", "lora": "lora", "qlora": "qlora"}


@dataclass
class Comparison:
    """One published figure beside the estimate."""

    case: str
    published: float
    estimate: float | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if self.estimate is None else self.estimate / self.published


def _model_id(name: str) -> str | None:
    return MODEL_NAMES.get(name.strip().lower())


def compare_training(path: str | Path) -> list[Comparison]:
    """Estimated vs published GPU-hours for rows with a token count."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["tokens"]:
                continue
            model = _model_id(row["model"])
            if model is None:
                out.append(Comparison(row["case"], float(row["gpu_hours"]), None, "no model id"))
                continue
            gpus = int(row["gpu_count"]) if row["gpu_count"] else None
            est = estimate_training(
                model=model,
                tokens=float(row["tokens"]),
                method=METHODS[row["method"]],
                gpu=row["gpu"],
                gpus=gpus,
                max_gpus=1_000_000,
            )
            out.append(Comparison(row["case"], float(row["gpu_hours"]), est.gpu_hours))
    return out


def _precision(text: str) -> str:
    return {"fp8": "fp8", "fp4": "fp4", "bf16": "bf16", "fp16": "fp16"}[text.strip().lower()]


def compare_serving(path: str | Path) -> list[Comparison]:
    """Estimated ``max_output_tokens_per_s`` vs published output tokens/s.

    Rows that publish a static batch size are estimated at that batch (if it fits);
    the others at the largest batch that fits. Rows without input/output lengths
    (MLPerf, whose prompt lengths vary) are skipped.
    """
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not (row["input_len"] and row["output_len"]):
                continue
            model = _model_id(row["model"])
            published = float(row["tokens_per_s"])
            if model is None:
                out.append(Comparison(row["case"], published, None, "no model id"))
                continue
            m = re.search(r"static batch size (\d+)", row["concurrency_or_scenario"])
            batch = int(m.group(1)) if m else None
            try:
                est = estimate_serving(
                    model=model,
                    gpu=row["gpu"],
                    gpus=int(row["gpu_count"]),
                    precision=_precision(row["precision"]),
                    input_tokens=float(row["input_len"]),
                    output_tokens=float(row["output_len"]),
                    max_batch=batch,
                )
            except InputError as exc:
                out.append(Comparison(row["case"], published, None, str(exc)))
                continue
            note = f"static batch {batch}" if batch else ""
            if batch and est.max_batch < batch:
                note += f" (only {est.max_batch} fit)"
            out.append(Comparison(row["case"], published, est.max_output_tokens_per_s, note))
    return out


def median_abs_error(rows: list[Comparison]) -> float:
    """Median of |estimate / published - 1| over rows with an estimate."""
    return statistics.median(abs(r.ratio - 1) for r in rows if r.ratio is not None)


def markdown_table(rows: list[Comparison], unit: str) -> str:
    """The rows as a Markdown table: case, published, estimate, ratio, note."""
    lines = [
        f"| case | published ({unit}) | estimate ({unit}) | ratio | note |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        est = "-" if r.estimate is None else f"{r.estimate:,.0f}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.case} | {r.published:,.0f} | {est} | {ratio} | {r.note} |")
    lines.append(
        f"\nMedian absolute error: {median_abs_error(rows):.1%} over "
        f"{sum(r.ratio is not None for r in rows)} rows."
    )
    return "\n".join(lines)
