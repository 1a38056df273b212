"""A replica's output tokens per second within the latency targets, for one prompt and
output length or for columns of Monte Carlo draws of them.

For one length pair this is the serving estimator's figure. For a few distinct pairs
(sensitivity) each is estimated exactly; for many (draws) the estimator runs on a grid
spanning the draws and capacity is interpolated bilinearly between its points.
"""

from __future__ import annotations

import numpy as np

from tunecost.compute.accuracy import serving_band
from tunecost.compute.engines import get_engine
from tunecost.compute.estimates import estimate_serving
from tunecost.compute.serving import ServingEstimate
from tunecost.pricebook.book import PriceBook

SERVING_GRID = 9
"""Points per token axis at which Monte Carlo draws of prompt and output length evaluate
the serving estimator; capacity is interpolated bilinearly between them (exact at the
grid points, and exact when a range collapses to one value)."""


SERVING_EXACT_PAIRS = 16
"""Up to this many distinct (prompt, output) lengths are estimated one by one."""


def _estimate(s, book: PriceBook, model_id: str, in_tok: float, out_tok: float):
    return estimate_serving(
        model=model_id,
        gpu=s.gpu,
        gpus=s.gpus,
        precision=s.precision,
        input_tokens=in_tok,
        output_tokens=out_tok,
        tpot_slo=s.tpot_slo,
        ttft_slo=s.ttft_slo,
        max_batch=s.max_batch,
        engine=s.engine,
        pp=s.pp,
        expert_parallel=s.expert_parallel,
        book=book,
    )


def capacity(s, book: PriceBook, model_id: str, in_tok, out_tok) -> tuple:
    """(output tokens/s per replica within the SLOs, a representative estimate: the one
    with the most GPUs per replica) for the serving settings ``s``."""
    if np.size(in_tok) == 1 and np.size(out_tok) == 1:
        est = _estimate(s, book, model_id, float(np.ravel(in_tok)[0]), float(np.ravel(out_tok)[0]))
        return est.slo_output_tokens_per_s, est
    ins, outs = np.broadcast_arrays(np.asarray(in_tok, float), np.asarray(out_tok, float))
    pairs, inverse = np.unique(
        np.stack([ins.ravel(), outs.ravel()], axis=1), axis=0, return_inverse=True
    )
    if len(pairs) <= SERVING_EXACT_PAIRS:  # few distinct lengths (sensitivity): exact
        ests = [_estimate(s, book, model_id, float(i), float(o)) for i, o in pairs]
        caps = np.array([e.slo_output_tokens_per_s for e in ests])
        return caps[inverse.ravel()].reshape(ins.shape), _widest(ests)
    axes = []
    for x in (in_tok, out_tok):
        lo, hi = float(np.min(x)), float(np.max(x))
        axes.append(np.linspace(lo, hi, SERVING_GRID) if hi > lo else np.array([lo]))
    ests = [[_estimate(s, book, model_id, i, o) for o in axes[1]] for i in axes[0]]
    grid = np.array([[e.slo_output_tokens_per_s for e in row] for row in ests])
    interpolated = bilinear(
        axes[0], axes[1], grid, np.asarray(in_tok, float), np.asarray(out_tok, float)
    )
    return interpolated, _widest([e for row in ests for e in row])


def throughput_note(name: str, s, book: PriceBook, model_id: str) -> str | None:
    """The assumption ``compare`` prints about a path's throughput: the scale it was
    given, or, left unset, the spread of published runs of its engine and model family
    (:func:`tunecost.compute.accuracy.serving_band`) as a lognormal range to paste."""
    if "throughput_scale" in s.model_fields_set:
        scale = np.asarray(s.throughput_scale, float)
        value = f" {float(scale.ravel()[0]):g}" if scale.size == 1 else " (a range)"
        return f"{name}: throughput scaled by serving.throughput_scale{value} (given)"
    engine = get_engine(s.engine)
    moe = book.architecture(model_id).is_moe
    band = serving_band(engine.id, moe)
    if band is None:
        return None
    median, sigma = band.lognormal
    return (
        f"{name}: throughput as estimated; {band.sentence(engine.name, moe)}, "
        "docs/accuracy.md. To carry that spread, put throughput_scale: "
        f"{{dist: lognormal, median: {median:.2f}, sigma: {sigma:.2f}}} under the path's "
        f"serving (its 10th-90th percentile is {band.low:.2f}-{band.high:.2f}) and run "
        "--draws; the plain comparison then uses its median, and it changes costs once "
        "traffic needs more than the minimum replicas"
    )


def _widest(ests: list[ServingEstimate]) -> ServingEstimate:
    return max(ests, key=lambda e: e.gpus_per_replica)


def bilinear(xs, ys, grid, x, y):
    """Interpolate ``grid[i, j]`` (on ``xs`` x ``ys``) at points ``x``, ``y``."""

    def locate(axis, v):
        if axis.size == 1:
            return np.zeros_like(v, dtype=int), np.zeros_like(v, dtype=float)
        i = np.clip(np.searchsorted(axis, v) - 1, 0, axis.size - 2)
        return i, (v - axis[i]) / (axis[i + 1] - axis[i])

    x, y = np.broadcast_arrays(x, y)
    i, tx = locate(xs, x)
    j, ty = locate(ys, y)
    i1 = np.minimum(i + 1, xs.size - 1)
    j1 = np.minimum(j + 1, ys.size - 1)
    return (
        (1 - tx) * (1 - ty) * grid[i, j]
        + tx * (1 - ty) * grid[i1, j]
        + (1 - tx) * ty * grid[i, j1]
        + tx * ty * grid[i1, j1]
    )
