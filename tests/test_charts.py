"""The report figure: cumulative cost lines with break-even markers, stacked monthly costs by
category, units, dollar ticks, legends and title, checked on the figure's artists."""

import datetime as dt
import warnings

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.container import BarContainer
from matplotlib.text import Annotation

from tunecost import compare
from tunecost.analysis.ledger import breakeven_by_path
from tunecost.cli.options import bundled_example
from tunecost.errors import InputError
from tunecost.output.charts import comparison_figure, save_figure
from tunecost.scenario import parse_scenario

CATEGORIES = ["data", "training", "inference", "hosting", "engineering", "evaluation", "monitoring"]

# The tuned path pays 100k USD of labelling up front and breaks even in month 3 (see
# test_compare_cli.py for the arithmetic).
BREAKEVEN = yaml.safe_load(
    """\
name: breakeven-demo
start: 2027-01
months: 24
workload: {requests: 5M requests/month, input_tokens: 3000, output_tokens: 200}
paths:
  - {name: prompt, kind: prompt-api, provider: openai, model: gpt-4.1}
  - name: tuned
    kind: finetune-api
    provider: together
    model: llama-3.1-8b-instruct-turbo
    base_model: llama-3.1-8b
    hosting: serverless
    input_tokens: 200
    token_ratio: 1    # counts as Llama 3 tokens, as the hand-worked sums take them
    data: {examples: 5000, tokens_per_example: 600, labelling: 20 USD/example}
"""
)


def figure_of(result):
    # the figure shows the break-even months the analysis found in the ledger
    return comparison_figure(
        result.ledger,
        title=result.scenario.name,
        baseline=result.baseline,
        breakeven=breakeven_by_path(result.ledger, result.baseline),
    )


@pytest.fixture(scope="module")
def bundled():
    result = compare(bundled_example())
    return result, figure_of(result)


@pytest.fixture(scope="module")
def breakeven():
    result = compare(parse_scenario(BREAKEVEN))
    return result, figure_of(result)


@pytest.fixture(scope="module", params=["bundled", "breakeven"])
def case(request):
    return request.getfixturevalue(request.param)


def path_lines(ax):
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def markers(ax):
    return [line for line in ax.get_lines() if str(line.get_gid()).startswith("breakeven-")]


def annotations(ax):
    return [t for t in ax.texts if isinstance(t, Annotation)]


def visible_tick_labels(ax):
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if lo - 1e-9 <= t <= hi + 1e-9]
    return ax.yaxis.get_major_formatter().format_ticks(ticks)


# ---- the top panel: cumulative cost ----------------------------------------------------------
def test_one_line_per_path_labelled_with_the_baseline(case):
    result, fig = case
    top = fig.axes[0]
    lines = path_lines(top)
    assert len(lines) == len(result.paths)
    expected = [f"{p} (baseline)" if p == result.baseline else p for p in result.paths]
    assert [line.get_label() for line in lines] == expected
    assert [t.get_text() for t in top.get_legend().get_texts()] == expected
    for name, line in zip(result.paths, lines, strict=True):
        assert line.get_ydata() == pytest.approx(result.cumulative[name].to_numpy(), rel=1e-9)
        assert len(line.get_xdata()) == result.scenario.months


def test_breakeven_marker_and_annotation(breakeven):
    result, fig = breakeven
    top = fig.axes[0]
    assert result.breakeven.loc["tuned", "month"] == 3
    (marker,) = markers(top)
    assert marker.get_gid() == "breakeven-tuned"
    assert marker.get_marker() == "o"
    assert mdates.date2num(marker.get_xdata()[0]) == mdates.date2num(dt.date(2027, 3, 1))
    assert marker.get_ydata()[0] == pytest.approx(result.cumulative["tuned"].iloc[2], rel=1e-9)
    assert marker.get_ydata()[0] == pytest.approx(115_484.32, abs=0.01)
    (note,) = annotations(top)
    text = note.get_text()
    assert "tuned breaks even" in text
    assert "month 3" in text and "2027-03" in text
    assert mdates.date2num(note.xy[0]) == mdates.date2num(dt.date(2027, 3, 1))


def test_no_breakeven_is_said_on_the_chart(bundled):
    _, fig = bundled
    texts = [t for t in fig.axes[0].texts if t.get_gid() == "no-breakeven"]
    assert len(texts) == 1 and "no path breaks even with prompt-api" in texts[0].get_text()


def test_no_marker_where_no_path_breaks_even(bundled):
    result, fig = bundled
    top = fig.axes[0]
    assert result.breakeven["month"].isna().all()
    assert markers(top) == []
    assert annotations(top) == []


def test_markers_match_the_breakeven_table(case):
    result, fig = case
    top = fig.axes[0]
    months = result.breakeven["month"].dropna()
    assert sorted(m.get_gid() for m in markers(top)) == sorted(
        f"breakeven-{p}" for p in months.index
    )
    assert len(annotations(top)) == len(months)


def test_axes_units_dollar_ticks_and_title(case):
    result, fig = case
    top = fig.axes[0]
    assert "USD" in top.get_ylabel()
    assert top.get_xlabel() == "Month"
    assert result.scenario.name in top.get_title(loc="left")
    for ax in fig.axes:
        labels = visible_tick_labels(ax)
        assert len(labels) >= 3
        assert all(label.startswith("$") for label in labels), labels
    assert "USD" in fig.axes[1].get_ylabel()


# ---- the bottom row: monthly cost stacked by category ----------------------------------------
def test_one_stacked_panel_per_path(case):
    result, fig = case
    panels = fig.axes[1:]
    assert [ax.get_title() for ax in panels] == result.paths
    for name, ax in zip(result.paths, panels, strict=True):
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]
        assert bars, name
        led = result.ledger[result.ledger.path == name]
        present = [c for c in CATEGORIES if c in set(led.category)]
        assert [b.get_label() for b in bars] == present
        heights = np.array([[p.get_height() for p in b.patches] for b in bars])
        assert heights.shape == (len(present), result.scenario.months)
        monthly = result.monthly[name].to_numpy()
        np.testing.assert_allclose(heights.sum(axis=0), monthly, rtol=1e-6)
        # stacked: each category starts where the ones below it end
        bottoms = np.array([[p.get_y() for p in b.patches] for b in bars])
        np.testing.assert_allclose(bottoms[1:], np.cumsum(heights, axis=0)[:-1], rtol=1e-9)
        per_cat = led.pivot_table(index="month", columns="category", values="usd", aggfunc="sum")
        for b, row in zip(bars, heights, strict=True):
            np.testing.assert_allclose(row, per_cat[b.get_label()].to_numpy(), rtol=1e-9)


def test_figure_legend_lists_the_categories(case):
    result, fig = case
    assert len(fig.legends) == 1
    legend = fig.legends[0]
    present = [c for c in CATEGORIES if c in set(result.ledger["category"])]
    # the categories the paths have, in the fixed order, and no others ("hosting" is
    # absent when no path pays a hosting fee)
    assert [t.get_text() for t in legend.get_texts()] == present
    assert "categor" in legend.get_title().get_text().lower()


def test_dollar_tick_labels_are_distinct():
    """Ticks every 500 USD must not collapse to the same label ($1.5k, $2k and $2.5k)."""
    dates = [dt.date(2027, m, 1) for m in (1, 2, 3)]
    rows = [
        {"month": i + 1, "date": d, "path": p, "category": "inference", "usd": usd}
        for p, usd in (("a", 2800.0), ("b", 1200.0))
        for i, d in enumerate(dates)
    ]
    fig = comparison_figure(pd.DataFrame(rows), title="ticks")
    for ax in fig.axes:
        labels = visible_tick_labels(ax)
        assert all(label.startswith("$") for label in labels), labels
        assert len(set(labels)) == len(labels), f"{ax.get_title()}: {labels}"


# ---- saving ----------------------------------------------------------------------------------
def test_result_plot_writes_a_file_without_warnings(breakeven, tmp_path):
    result, _ = breakeven
    out = tmp_path / "cost.svg"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = result.plot(out)
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text[:2000]
    assert "breakeven-demo" in text
    assert "tuned breaks even" in text
    assert fig.axes[0].get_title(loc="left").startswith("breakeven-demo")
    assert [p.name for p in tmp_path.iterdir()] == ["cost.svg"]


@pytest.mark.parametrize("name", ["fig.jpg", "fig.txt", "fig"])
def test_saving_to_an_unsupported_extension_raises(breakeven, tmp_path, name):
    _, fig = breakeven
    with pytest.raises(InputError, match=r"use a \.png, \.svg or \.pdf file name"):
        save_figure(fig, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_break_even_labels_of_the_same_month_do_not_overlap():
    # both self-hosted paths of the example break even within a month of each other
    # (months 2 and 3): their labels stack instead of covering each other
    from pathlib import Path

    from tunecost import compare as compare_

    example = Path(__file__).parents[1] / "examples" / "buy-vs-rent.yaml"
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = compare_(str(example)).plot()
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    from matplotlib.text import Text

    boxes = [  # the text's own box, without the annotation's arrow
        Text.get_window_extent(t, renderer)
        for ax in fig.axes
        for t in ax.texts
        if "breaks even" in t.get_text()
    ]
    assert len(boxes) == 2
    assert not boxes[0].overlaps(boxes[1])
