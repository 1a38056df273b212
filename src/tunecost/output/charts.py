"""Charts for reports, drawn from the ledger (matplotlib, Agg backend, no display).

Functions take the ledger DataFrame and return a matplotlib Figure; nothing is shown and
no global state is touched beyond selecting the Agg backend on import.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from tunecost.output.files import check_chart_path, write_atomic
from tunecost.output.numbers import compact

PATH_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
"""Paths: the Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008), safe for
the common colour-vision deficiencies; its yellow is left out (too pale on white)."""

PATH_STYLES = ("-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)), (0, (1, 3)))
"""One line style per path, so paths differ without colour too."""

CATEGORY_COLORS = {
    "data": "#EEDD88",
    "training": "#EE8866",
    "inference": "#77AADD",
    "hardware": "#AAAA00",
    "energy": "#BBCC33",
    "hosting": "#FFAABB",
    "engineering": "#99DDFF",
    "evaluation": "#44BB99",
    "monitoring": "#DDDDDD",
}
"""Cost categories: Paul Tol's colour-blind-safe "light" scheme (Tol, "Colour Schemes",
SRON/EPS/TN/09-002), pale where the path colours are saturated, so a colour never means
a path in one panel and a category in the next."""

TORNADO_COLORS = {"low": "#0072B2", "high": "#E69F00"}


def path_style(j: int) -> dict:
    """Colour and line style of the ``j``-th path (they repeat after seven paths)."""
    return {
        "color": PATH_COLORS[j % len(PATH_COLORS)],
        "linestyle": PATH_STYLES[j % len(PATH_STYLES)],
    }


def usd(value: float, _pos=None) -> str:
    """Axis label for dollars with three significant digits: $950, $1.5k, $12k, $3.4M."""
    return compact(value, "$")


def comparison_figure(
    ledger, *, title: str, baseline: str | None = None, breakeven=None, bands=None
) -> Figure:
    """Cumulative cost of each path with its break-even point against the baseline
    (top; shaded P10-P90 when ``bands`` from a Monte Carlo run are given), and each path's
    monthly cost stacked by category (bottom row). ``breakeven`` maps each path to its
    break-even month (or None), as computed by the analysis."""
    paths = list(dict.fromkeys(ledger["path"]))
    baseline = baseline or paths[0]
    monthly = ledger.pivot_table(
        index="date", columns="path", values="usd", aggfunc="sum", sort=True
    )[paths]
    fig = Figure(figsize=(max(10, 3.2 * len(paths)), 8.5), layout="constrained")
    grid = fig.add_gridspec(2, len(paths), height_ratios=[1.3, 1])
    top = fig.add_subplot(grid[0, :])
    _cumulative_lines(top, monthly, baseline, bands)
    _breakeven_marks(top, monthly, baseline, breakeven or {}, bands is not None)
    top.set_title(f"{title}: cumulative cost by path", loc="left", fontsize=13)
    top.set_ylabel("Cumulative cost (USD)")
    top.set_xlabel("Month")
    top.yaxis.set_major_formatter(FuncFormatter(usd))
    top.grid(True, alpha=0.3)
    handles, labels = top.get_legend_handles_labels()
    if bands is not None:
        from matplotlib.patches import Patch

        handles.append(Patch(color="0.6", alpha=0.35))
        labels.append("P10-P90 of the draws (lines: central values)")
    top.legend(handles, labels, loc="upper left", frameon=False)
    ymax = float(monthly.to_numpy().max()) * 1.05 or 1.0
    for i, name in enumerate(paths):
        _category_bars(fig.add_subplot(grid[1, i]), ledger, name, list(monthly.index), ymax, i)
    present = [c for c in CATEGORY_COLORS if c in set(ledger["category"])]
    handles = [plt.Rectangle((0, 0), 1, 1, color=CATEGORY_COLORS[c]) for c in present]
    fig.legend(
        handles,
        present,
        loc="outside lower center",
        ncol=len(present),
        frameon=False,
        title="Monthly cost by category",
    )
    return fig


def _cumulative_lines(ax, monthly, baseline: str, bands) -> None:
    """One line of cumulative cost per path, each in its own colour and line style and
    labelled at its end, with its band."""
    dates = list(monthly.index)
    cumulative = monthly.cumsum()
    for j, name in enumerate(monthly.columns):
        (line,) = ax.plot(
            dates,
            cumulative[name].to_numpy(),
            linewidth=2.2,
            label=f"{name} (baseline)" if name == baseline else name,
            gid=f"line-{name}",
            **path_style(j),
        )
        if bands is not None:  # P10-P90 of the Monte Carlo draws, shape (3, months, paths)
            ax.fill_between(
                dates,
                bands[0, :, j],
                bands[2, :, j],
                color=line.get_color(),
                alpha=0.18,
                linewidth=0,
                gid=f"band-{name}",
            )
    _direct_labels(ax, dates, cumulative, baseline)


def _direct_labels(ax, dates, cumulative, baseline: str) -> None:
    """Each path's name just right of its line's end, in its colour, nudged apart so no
    two overlap (at least 5% of the highest cost between them)."""
    ends = cumulative.iloc[-1]
    gap = 0.05 * max(float(cumulative.to_numpy().max()), 1e-9)
    placed: list[float] = []
    for j in sorted(range(len(ends)), key=lambda j: float(ends.iloc[j])):
        y = float(ends.iloc[j])
        if placed and y < placed[-1] + gap:
            y = placed[-1] + gap
        placed.append(y)
        name = cumulative.columns[j]
        ax.text(
            1.01,
            y,
            f"{name} (baseline)" if name == baseline else name,
            transform=ax.get_yaxis_transform(),
            color=path_style(j)["color"],
            fontsize=9,
            va="center",
            ha="left",
            gid=f"label-{name}",
        )


def _breakeven_marks(ax, monthly, baseline: str, breakeven: dict, ranged: bool) -> None:
    """A labelled dot where each path breaks even; a line saying so when none does."""
    dates = list(monthly.index)
    cumulative = monthly.cumsum()
    marked = 0
    months = sorted((m, n) for n, m in breakeven.items() if n != baseline and m is not None)
    level = _label_levels(months, len(dates))
    for m, name in months:
        if name not in monthly.columns:
            continue
        marked += 1
        x, y = dates[m - 1], cumulative[name].iloc[m - 1]
        ax.plot(
            [x],
            [y],
            marker="o",
            markersize=9,
            color="black",
            linestyle="none",
            label="_break-even",
            gid=f"breakeven-{name}",
        )
        ax.annotate(
            f"{name} breaks even\nmonth {m} ({x:%Y-%m})",
            (x, y),
            textcoords="offset points",
            # labels of nearby months are stacked upwards so they never overlap
            xytext=(10, 14 + 30 * level[(m, name)]),
            fontsize=9,
            arrowprops={"arrowstyle": "-", "color": "0.4"},
        )
    if not marked and len(monthly.columns) > 1:
        ax.text(
            0.99,
            0.03,
            f"no path breaks even with {baseline} within {len(dates)} months"
            + (" at central values" if ranged else ""),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
            color="0.3",
            gid="no-breakeven",
        )


def _label_levels(marks: list[tuple[int, str]], span: int) -> dict:
    """How high to stack each break-even label (``(month, path)``, sorted by month): 0
    unless an earlier label sits within an eighth of the plan's months, then the lowest
    level none of those takes."""
    near = max(1, span // 8)
    levels: dict[tuple[int, str], int] = {}
    for m, name in marks:
        taken = {lv for (pm, _), lv in levels.items() if m - pm <= near}
        levels[(m, name)] = next(lv for lv in range(len(marks) + 1) if lv not in taken)
    return levels


def _category_bars(ax, ledger, name: str, dates: list, ymax: float, i: int) -> None:
    """One path's monthly cost, stacked by category."""
    part = ledger[ledger["path"] == name].pivot_table(
        index="date", columns="category", values="usd", aggfunc="sum", sort=True
    )
    bottom = np.zeros(len(dates))
    for c in (c for c in CATEGORY_COLORS if c in part.columns):
        values = part[c].reindex(dates).fillna(0).to_numpy()
        ax.bar(
            dates,
            values,
            width=25,
            bottom=bottom,
            color=CATEGORY_COLORS[c],
            label=c,
            gid=f"{name}-{c}",
        )
        bottom += values
    ax.set_title(name, fontsize=10)
    ax.set_ylim(0, ymax)
    ax.yaxis.set_major_formatter(FuncFormatter(usd))
    locator = AutoDateLocator(minticks=2, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(True, alpha=0.3)
    if i == 0:
        ax.set_ylabel("Monthly cost (USD/month)")


def figure_bytes(fig: Figure, fmt: str, dpi: int = 150) -> bytes:
    """``fig`` rendered as ``png``, ``svg`` or ``pdf`` (a leading dot is ignored); every
    text drawn literally (no mathtext)."""
    import io

    from matplotlib.text import Text

    for text in fig.findobj(Text):  # names are text: "$x$" is drawn as typed, not as TeX
        text.set_parse_math(False)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt.lower().lstrip("."), dpi=dpi)
    return buf.getvalue()


def save_figure(fig: Figure, path: str | Path, field: str = "--chart") -> None:
    """Render ``fig`` to PNG, SVG or PDF (by extension), atomically."""
    p = check_chart_path(path, field)
    write_atomic(p, figure_bytes(fig, p.suffix), field)


ZERO_SWING = 1e-6
"""Swings at or below this (a micro-dollar, or no change of month) are left out of the
tornado: an input that moves nothing needs no bar."""


def tornado_figure(result, *, title: str, top: int = 12) -> Figure:
    """Horizontal bars: how far each input moves the result, largest first (a tornado).
    Inputs whose swing is zero are left out; the figure says how many."""
    moving = [r for r in result.rows if r["swing"] > ZERO_SWING]
    rows = moving[:top][::-1]
    fig = Figure(figsize=(10, 0.45 * max(len(rows), 1) + 2), layout="constrained")
    ax = fig.add_subplot()
    base = result.base_value if result.base_value is not None else 0.0
    y = np.arange(len(rows))
    lows = [r["result_at_low"] - base if r["result_at_low"] is not None else 0 for r in rows]
    highs = [r["result_at_high"] - base if r["result_at_high"] is not None else 0 for r in rows]
    ax.barh(
        y, lows, left=base, color=TORNADO_COLORS["low"], label="input at low end", gid="tornado-low"
    )
    ax.barh(
        y,
        highs,
        left=base,
        color=TORNADO_COLORS["high"],
        hatch="//",
        edgecolor="white",
        label="input at high end",
        gid="tornado-high",
    )
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(y, [r["field"] for r in rows], fontsize=9)
    if result.metric == "total-difference":
        ax.set_xlabel(f"Total cost of {result.path} minus {result.baseline} (USD)")
        ax.xaxis.set_major_formatter(FuncFormatter(usd))
    else:
        ax.set_xlabel(f"Break-even month of {result.path} against {result.baseline}")
    ax.set_title(f"{title}: which inputs move the result", loc="left", fontsize=13)
    if rows:
        ax.legend(loc="best", frameon=False)
    notes = []
    if len(result.rows) > len(moving):
        notes.append(f"{len(result.rows) - len(moving)} inputs with no swing left out")
    if len(moving) > top:
        notes.append(f"{len(moving) - top} smaller swings not shown")
    if not rows:
        notes.insert(0, "no input moves the result")
    if notes:  # under the axis label, where it cannot overlap the title or the bars
        ax.set_xlabel(f"{ax.get_xlabel()}\n({'; '.join(notes)})")
    ax.grid(True, axis="x", alpha=0.3)
    return fig
