"""Compare the estimators with published runs (CSVs of the reference format).

Used by the golden tests and by ``tools/reference_errors.py``, which writes
``docs/accuracy.md``. The CSVs name models, GPUs, formats and engines in prose ("Llama
3.3 70B", "H200 SXM 141GB", "MXFP4", "TensorRT-LLM"); :mod:`tunecost.compute.names`
maps them to ids, and a model the book lacks runs as a generic shape of its published
parameter count. A ``split`` column marks rows kept aside from calibration; no
constant here is tuned to the rows: the estimators run with their cited defaults.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from tunecost.compute.collectives import is_pcie
from tunecost.compute.engine_releases import engine_as_of, first_date, missing_upgrades
from tunecost.compute.estimates import estimate_serving, estimate_training
from tunecost.compute.moe import is_routed
from tunecost.compute.names import engine_id, gpu_id, model_architecture, weight_format
from tunecost.errors import InputError, UnknownNameError
from tunecost.pricebook.book import PriceBook, open_book

METHODS = {"pretrain": "pretrain", "full_ft": "full", "lora": "lora", "qlora": "qlora"}

GENERATIONS = (
    ("v100", "Volta"),
    ("t4", "Turing"),
    ("a100", "Ampere"),
    ("a10", "Ampere"),
    ("h1", "Hopper"),
    ("h2", "Hopper"),
    ("h8", "Hopper"),
    ("gh", "Hopper"),
    ("b2", "Blackwell"),
    ("gb", "Blackwell"),
    ("rtx-pro", "Blackwell"),
    ("mi3", "AMD CDNA3"),
    ("l4", "Ada"),
)


@dataclass
class Comparison:
    """One published figure beside the estimate, with the groups it belongs to."""

    case: str
    published: float
    estimate: float | None
    note: str = ""
    split: str = "calibration"
    tags: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return None if self.estimate is None else self.estimate / self.published


def _generation(gid: str) -> str:
    return next((g for prefix, g in GENERATIONS if gid.startswith(prefix)), "other")


def _tags(arch, gid: str, book: PriceBook, **extra) -> dict:
    gpu = book.gpu(gid)
    return {
        "family": "MoE" if arch.is_moe else "dense",
        "generation": _generation(gid),
        "interconnect": "PCIe" if is_pcie(gpu.interconnect_bytes_per_s) else "NVLink/xGMI",
        **extra,
    }


def _rows(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def compare_training(path: str | Path, book: PriceBook | None = None) -> list[Comparison]:
    """Estimated vs published GPU-hours for rows with a token count."""
    book = book or open_book()
    return [_training_row(row, book) for row in _rows(path) if row.get("tokens")]


def _training_row(row: dict, book: PriceBook) -> Comparison:
    published = float(row["gpu_hours"])
    split = row.get("split") or "calibration"
    try:
        arch, _ = model_architecture(
            book, row["model"], row.get("params_total"), row.get("params_active")
        )
        gid = gpu_id(book, row["gpu"])
    except UnknownNameError as exc:
        return Comparison(row["case"], published, None, str(exc), split)
    gpus = int(row["gpu_count"]) if row.get("gpu_count") else None
    try:
        est = estimate_training(
            model=arch,
            tokens=float(row["tokens"]),
            method=METHODS[row["method"]],
            gpu=gid,
            gpus=gpus,
            max_gpus=1_000_000,
            precision=(row.get("precision") or "bf16").strip().lower(),
            book=book,
        )
    except InputError as exc:
        return Comparison(row["case"], published, None, f"refused: {exc.message}", split)
    tags = _tags(arch, gid, book, precision=(row.get("precision") or "bf16").upper())
    return Comparison(row["case"], published, est.gpu_hours, est.layout, split, tags)


SERVER_CAP = re.compile(r"--max-num-seqs[ =](\d+)|--max-running-requests[ =](\d+)")
"""A server's batch cap as a row states it (vLLM ``--max-num-seqs``, SGLang
``--max-running-requests``)."""


def _row_batch(text: str, engine_cap: int) -> int | None:
    """The batch a row ran at: its static batch size; or the requests its client sent at
    once, which the server batches up to its cap (the row's ``--max-num-seqs`` or
    ``--max-running-requests``, else the engine's own, ``engine_cap``); or, for an
    offline run, the cap the row states; None: the engine's default."""
    cap = SERVER_CAP.search(text)
    stated = int(cap.group(1) or cap.group(2)) if cap else None
    static = re.search(r"static batch size (\d+)", text)
    if static:
        return int(static.group(1))
    sent = _sent_at_once(text)
    return stated if sent is None else min(sent, stated or engine_cap)


def _sent_at_once(text: str) -> int | None:
    """The requests a row's client sent at once (``N requests at once``), if it says."""
    m = re.search(r"(\d+) requests at once", text)
    return int(m.group(1)) if m else None


RUN_REQUESTS = re.compile(
    r"num-prompts (\d+)|offline batch of (\d+)|, (\d+) (?:prompts|requests)\)|test_round=(\d+)"
)
"""How a row states the whole run's requests: ``vllm bench serve --num-prompts N``,
an offline batch of N, a concurrency-capped run of N prompts or requests, or
LMDeploy's ``profile_generation.py`` clients each sending ``test_round`` requests."""

OFFLINE_PROMPTS = re.compile(
    r"offline, (\d+) requests at once|benchmark_throughput\.py, (\d+) prompts"
)
"""An offline run that hands the engine all of its N prompts at once (vLLM's
``benchmark_throughput.py``), whatever its batch cap."""


def _run_requests(text: str, sent: int | None) -> int | None:
    """The requests of the whole run a row measured, when it says: all N prompts of an
    offline run; with ``sent`` requests at once, N prompts or a batch of N, or
    ``test_round`` x ``sent`` (each of ``sent`` clients sends ``test_round`` requests);
    None when the run is open-ended (a steady state)."""
    offline = OFFLINE_PROMPTS.search(text)
    if offline:
        return int(offline.group(1) or offline.group(2))
    m = RUN_REQUESTS.search(text) if sent is not None else None
    if not m:
        return None
    if m.group(4):
        return int(m.group(4)) * sent
    return int(next(g for g in m.groups() if g))


EXPERT_PARALLEL_FLAGS = re.compile(
    r"enable[-_]expert[-_]parallel|enable[-_]dp[-_]attention|--ep[-_ ]size", re.IGNORECASE
)
EXPERT_PARALLEL_CASE = re.compile(r"(?:^|_)(?:tp\d+)?(?:ep\d+|dpattn)(?:_|$)")
"""How a row says its engine ran a mixture of experts with expert parallelism or
data-parallel attention: vLLM ``--enable-expert-parallel`` (its rows ran it with
``--data-parallel-size``, as vLLM's docs pair them) or SGLang
``--enable-dp-attention`` / ``--ep-size`` in its notes, or an ``ep2``, ``tp4ep4`` or
``dpattn`` part in its case name."""


def _expert_parallel(row: dict, arch, eid: str) -> bool | None:
    """True when a mixture of experts ran expert-parallel outside TensorRT-LLM (which
    does by default), else None: the engine's default."""
    text = f"{row.get('notes', '')} {row.get('concurrency_or_scenario', '')}"
    if eid == "trtllm" or not is_routed(arch):
        return None
    said = EXPERT_PARALLEL_FLAGS.search(text) or EXPERT_PARALLEL_CASE.search(row["case"])
    return True if said else None


def _layout(row: dict) -> tuple[int | None, int | None]:
    """(GPUs, pipeline stages) from ``tp``/``pp`` columns or ``TPn``/``PPn`` in the notes."""
    text = f"{row.get('notes', '')} {row.get('concurrency_or_scenario', '')}"
    pp = row.get("pp") or (re.search(r"PP(\d+)", text) or [None, None])[1]
    gpus = row.get("gpu_count")
    return (int(gpus) if gpus else None), (int(pp) if pp else None)


def compare_serving(path: str | Path, book: PriceBook | None = None) -> list[Comparison]:
    """Estimated output tokens/s vs published: ``max_output_tokens_per_s`` (the steady
    state), or ``burst_output_tokens_per_s`` for a row that states its whole run's
    requests and ends with a partial batch.

    Rows that publish a static batch size are estimated at that batch (if it fits);
    rows whose client sent a number of requests at once, at that many up to the
    server's batch cap (the ``--max-num-seqs`` the row states, else the engine's own);
    the others at the cap they state or the largest batch the engine forms. The engine
    is the row's ``engine`` column or the one its source names, as released on the
    first ISO date its source (or notes) gives, the date it was published
    (:mod:`tunecost.compute.engine_releases`; undated rows run the current release).
    Rows without input/output lengths (MLPerf, whose prompt lengths vary) are skipped.
    """
    book = book or open_book()
    return [
        _serving_row(row, book) for row in _rows(path) if row["input_len"] and row["output_len"]
    ]


def _serving_row(row: dict, book: PriceBook) -> Comparison:
    published = float(row["tokens_per_s"])
    split = row.get("split") or "calibration"
    eid = engine_id(row.get("engine", ""), row.get("source", ""), row.get("notes", ""))
    engine = engine_as_of(eid, first_date(row.get("source"), row.get("notes")))
    try:
        arch, _ = model_architecture(book, row["model"], row.get("params"))
        gid = gpu_id(book, row["gpu"])
    except UnknownNameError as exc:
        return Comparison(row["case"], published, None, str(exc), split)
    fmt = weight_format(row["precision"], bool(book.gpu(gid).tflops.get("fp4")))
    gpus, pp = _layout(row)
    scenario = row.get("concurrency_or_scenario", "")
    batch = _row_batch(scenario, engine.max_seqs(book.gpu(gid)))
    run = _run_requests(f"{scenario} {row.get('notes', '')}", _sent_at_once(scenario))
    tags = _tags(arch, gid, book, precision=fmt.upper(), engine=eid)
    try:
        est = estimate_serving(
            model=arch,
            gpu=gid,
            gpus=gpus,
            precision=fmt,
            input_tokens=float(row["input_len"]),
            output_tokens=float(row["output_len"]),
            max_batch=batch,
            engine=engine,
            pp=pp,
            expert_parallel=_expert_parallel(row, arch, eid),
            burst=run,
            book=book,
        )
    except InputError as exc:
        return Comparison(row["case"], published, None, f"refused: {exc.message}", split, tags)
    note = f"{est.engine}, {est.layout}, batch {est.max_batch}"
    for u in missing_upgrades(engine, book.gpu(gid), arch):
        note += f" (as of {engine.as_of}: {u.feature} before {u.since}, x1/{u.slowdown:g})"
    if batch and est.max_batch < batch:
        note += f" ({batch} at once: only {est.max_batch} fit)"
    measured = est.max_output_tokens_per_s
    if run and run % est.max_batch:
        note += f"; a run of {run}, its last batch {run % est.max_batch}"
        measured = est.burst_output_tokens_per_s
    return Comparison(row["case"], published, measured, note, split, tags)


def _errors(rows: list[Comparison]) -> list[float]:
    return sorted(abs(r.ratio - 1) for r in rows if r.ratio is not None)


def median_abs_error(rows: list[Comparison]) -> float:
    """Median of |estimate / published - 1| over rows with an estimate."""
    return statistics.median(_errors(rows))


def p90_abs_error(rows: list[Comparison]) -> float:
    """90th percentile (nearest rank) of |estimate / published - 1|."""
    errs = _errors(rows)
    return errs[max(0, math.ceil(0.9 * len(errs)) - 1)]


def share_within(rows: list[Comparison], tolerance=0.25) -> float:
    """Share of rows with an estimate within ``tolerance`` of the published figure."""
    errs = _errors(rows)
    return sum(e <= tolerance for e in errs) / len(errs) if errs else 0.0


def summary(rows: list[Comparison]) -> dict:
    """Rows, median and 90th-percentile error, share within 25%, rows without an
    estimate (refused), and the median ratio (above 1: optimistic)."""
    done = [r for r in rows if r.ratio is not None]
    return {
        "rows": len(rows),
        "median": median_abs_error(done) if done else float("nan"),
        "p90": p90_abs_error(done) if done else float("nan"),
        "within25": share_within(done),
        "failed": len(rows) - len(done),
        "median_ratio": statistics.median(r.ratio for r in done) if done else float("nan"),
    }


def by_group(rows: list[Comparison], tag: str) -> dict[str, list[Comparison]]:
    """Rows grouped by one of their tags (``engine``, ``family``, ``precision``...)."""
    groups: dict[str, list[Comparison]] = {}
    for r in rows:
        groups.setdefault(str(r.tags.get(tag, "-")), []).append(r)
    return dict(sorted(groups.items()))


def summary_table(groups: dict[str, list[Comparison]], label: str) -> str:
    """Markdown: one line per group with its :func:`summary`."""
    lines = [
        f"| {label} | rows | median error | p90 error | within 25% | refused | median ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rows in groups.items():
        s = summary(rows)
        lines.append(
            f"| {name} | {s['rows']} | {s['median']:.1%} | {s['p90']:.1%} | "
            f"{s['within25']:.0%} | {s['failed']} | {s['median_ratio']:.2f} |"
        )
    return "\n".join(lines)


def markdown_table(rows: list[Comparison], unit: str, footer=True) -> str:
    """The rows as a Markdown table: case, published, estimate, ratio, note (and the
    median error under it, with ``footer``)."""
    lines = [
        f"| case | published ({unit}) | estimate ({unit}) | ratio | note |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        est = "-" if r.estimate is None else f"{r.estimate:,.0f}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.case} | {r.published:,.0f} | {est} | {ratio} | {r.note} |")
    if not footer:
        return "\n".join(lines)
    lines.append(
        f"\nMedian absolute error: {median_abs_error(rows):.1%} over "
        f"{sum(r.ratio is not None for r in rows)} rows."
    )
    return "\n".join(lines)


def worst(rows: list[Comparison], n=8) -> list[Comparison]:
    """The ``n`` rows furthest from their published figure (refused rows first)."""
    return sorted(rows, key=lambda r: -math.inf if r.ratio is None else -abs(math.log(r.ratio)))[:n]
