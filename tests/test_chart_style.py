"""Charts anyone can read, checked on the figure's artists: colour-blind-safe colours
(Okabe-Ito for paths, Paul Tol's light scheme for categories, never the same colour for
both), a distinct line style and a direct label per path, labelled break-even markers,
and no empty tornado rows for inputs that move nothing."""

import itertools

import numpy as np
import pytest
import yaml
from matplotlib.colors import to_hex, to_rgb
from matplotlib.text import Annotation

from tunecost import compare
from tunecost.analysis.sensitivity import tornado
from tunecost.cli.options import bundled_example
from tunecost.output.charts import CATEGORY_COLORS, PATH_COLORS, tornado_figure
from tunecost.scenario import parse_scenario

OKABE_ITO = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#0072b2", "#d55e00", "#cc79a7"}
TOL_LIGHT = {
    "#77aadd",
    "#ee8866",
    "#eedd88",
    "#ffaabb",
    "#99ddff",
    "#44bb99",
    "#bbcc33",
    "#aaaa00",
    "#dddddd",
}
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
    input_tokens: 200
    data: {examples: 5000, tokens_per_example: 600, labelling: 20 USD/example}
"""
)


@pytest.fixture(scope="module")
def bundled():
    result = compare(bundled_example())
    return result, result.plot()


def path_lines(ax):
    return [line for line in ax.get_lines() if str(line.get_gid()).startswith("line-")]


def test_each_path_has_its_own_colour_and_line_style(bundled):
    result, fig = bundled
    lines = path_lines(fig.axes[0])
    assert len(lines) == len(result.paths)
    colours = [to_hex(line.get_color()) for line in lines]
    assert set(colours) <= OKABE_ITO
    assert len(set(colours)) == len(colours)
    styles = [line.get_linestyle() for line in lines]
    assert len(set(styles)) == len(styles), styles  # solid, dashed, dash-dot, dotted


def test_each_path_is_labelled_at_the_end_of_its_line(bundled):
    result, fig = bundled
    top = fig.axes[0]
    labels = {t.get_gid(): t for t in top.texts if str(t.get_gid()).startswith("label-")}
    assert sorted(labels) == sorted(f"label-{p}" for p in result.paths)
    lines = {line.get_gid()[5:]: line for line in path_lines(top)}
    ys = []
    for name, text in ((g[6:], t) for g, t in labels.items()):
        assert name in text.get_text()
        assert to_hex(text.get_color()) == to_hex(lines[name].get_color())
        assert text.get_position()[0] > 1.0  # right of the plot, by the line's end
        ys.append(text.get_position()[1])
    ys.sort()
    top_cost = float(result.cumulative.to_numpy().max())
    assert all(b - a >= 0.049 * top_cost for a, b in itertools.pairwise(ys))  # no overlap


def test_categories_have_their_own_palette(bundled):
    _, fig = bundled
    assert {c.lower() for c in CATEGORY_COLORS.values()} <= TOL_LIGHT
    assert not {c.lower() for c in CATEGORY_COLORS.values()} & {c.lower() for c in PATH_COLORS}
    used = {
        to_hex(p.get_facecolor())
        for ax in fig.axes[1:]
        for container in ax.containers
        for p in container.patches
    }
    assert used <= TOL_LIGHT
    line_colours = {to_hex(line.get_color()) for line in path_lines(fig.axes[0])}
    assert not used & line_colours


def test_palettes_stay_apart_for_colour_blind_readers():
    """Paths stay distinct under deuteranopia and protanopia (Viénot, Brettel and Mollon
    1999 simulation): no two path colours closer than 0.1 in RGB."""
    sims = {
        "deuteranopia": np.array(
            [[0.29275, 0.70725, 0], [0.29275, 0.70725, 0], [-0.02234, 0.02234, 1]]
        ),
        "protanopia": np.array(
            [[0.11238, 0.88762, 0], [0.11238, 0.88762, 0], [0.00401, -0.00401, 1]]
        ),
    }
    colours = [np.array(to_rgb(c)) for c in PATH_COLORS[:4]]
    for matrix in sims.values():
        seen = [np.clip(matrix @ (c**2.2), 0, 1) ** (1 / 2.2) for c in colours]
        for a, b in itertools.combinations(seen, 2):
            assert np.linalg.norm(a - b) > 0.1


def test_breakeven_markers_are_labelled():
    result = compare(parse_scenario(BREAKEVEN))
    fig = result.plot()
    top = fig.axes[0]
    markers = [line for line in top.get_lines() if str(line.get_gid()).startswith("breakeven-")]
    notes = [t for t in top.texts if isinstance(t, Annotation)]
    assert len(markers) == len(notes) == 1
    assert "tuned breaks even" in notes[0].get_text() and "month" in notes[0].get_text()


def test_tornado_leaves_out_inputs_with_no_swing():
    result = tornado(parse_scenario(yaml.safe_load(bundled_example().read_text())))
    zero = [r["field"] for r in result.rows if r["swing"] == 0]
    assert zero, "the bundled example has inputs that move nothing"
    fig = tornado_figure(result, title="t", top=100)
    ax = fig.axes[0]
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert not set(zero) & set(shown)
    assert len(shown) == len(result.rows) - len(zero)
    assert f"{len(zero)} inputs with no swing left out" in ax.get_xlabel()
    low, high = ax.containers
    for a, b in zip(low.patches, high.patches, strict=True):
        assert abs(a.get_width()) + abs(b.get_width()) > 0  # every row shown has a bar
