"""Feedback on long work: the Monte Carlo is priced in chunks (the same draws and answers
as in one pass, 100,000 draws in bounded memory); draws, sensitivity and threshold report
their progress; the bar is drawn on stderr only on a terminal."""

import io
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tunecost.analysis import montecarlo
from tunecost.analysis.sensitivity import tornado
from tunecost.analysis.threshold import threshold
from tunecost.cli import cli
from tunecost.cli.progress import Progress
from tunecost.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
RANGES = ROOT / "examples" / "support-assistant-ranges.yaml"


@pytest.fixture(scope="module")
def ranged():
    return load_scenario(RANGES)


def test_chunks_give_the_same_answer_as_one_pass(ranged, monkeypatch):
    chunked = montecarlo.monte_carlo(ranged, draws=3000, seed=7)
    monkeypatch.setattr(montecarlo, "CHUNK_CELLS", 10**12)
    whole = montecarlo.monte_carlo(ranged, draws=3000, seed=7)
    assert np.array_equal(chunked.totals, whole.totals)
    assert np.array_equal(chunked.last_month, whole.last_month)
    assert np.array_equal(chunked.breakeven, whole.breakeven)
    np.testing.assert_allclose(chunked.cumulative_bands, whole.cumulative_bands, rtol=1e-6)
    assert chunked.summary() == whole.summary()


def test_100k_draws_stay_in_bounded_memory(ranged):
    montecarlo.monte_carlo(ranged, draws=100, seed=0)  # tables read, caches warm
    tracemalloc.start()
    try:
        mc = montecarlo.monte_carlo(ranged, draws=100_000, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert mc.totals.shape == (100_000, len(ranged.paths))
    # arrays held: per-draw results and the bands' float32 cumulative costs (58 MB here)
    assert peak < 250e6, f"{peak / 1e6:.0f} MB"


def test_progress_is_reported(ranged):
    calls = []
    montecarlo.monte_carlo(ranged, draws=20_000, seed=0, progress=lambda d, t: calls.append((d, t)))
    assert len(calls) > 1 and calls[-1] == (20_000, 20_000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    calls.clear()
    tornado(ranged, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    calls.clear()
    threshold(
        ranged, "workload.requests", low=1e4, high=1e8, progress=lambda d, t: calls.append((d, t))
    )
    assert calls and calls[-1][0] == calls[-1][1]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_is_drawn_only_on_a_terminal():
    tty = Terminal()
    with Progress("draws", tty, delay=0) as bar:
        bar(5, 10)
        bar(10, 10)
    text = tty.getvalue()
    assert "draws [" in text and "100%" in text and text.endswith("\r")
    pipe = io.StringIO()
    with Progress("draws", pipe, delay=0) as bar:
        bar(10, 10)
    assert pipe.getvalue() == ""
    quick = Terminal()
    with Progress("draws", quick) as bar:  # done before the delay: nothing drawn
        bar(10, 10)
    assert quick.getvalue() == ""


def test_a_part_maps_onto_its_share_of_the_bar():
    bar = Progress("report", Terminal(), delay=0)
    bar.part(0.5, 1.0, "charts")(1, 2)
    assert bar.fraction == pytest.approx(0.75) and bar.label == "charts"


def test_commands_draw_no_bar_into_a_pipe():
    r = CliRunner().invoke(cli, ["compare", str(RANGES), "--draws", "2000"])
    assert r.exit_code == 0, r.output
    assert "\r" not in r.output
