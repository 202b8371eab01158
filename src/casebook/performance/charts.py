"""Charts for board packs and the trend page, drawn by matplotlib (Agg, no display).

Every chart is deterministic: the same figures give byte-identical SVG (fixed
hash salt, no date in the metadata), so a published pack's PDF regenerates
identically from its stored figures.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.figure import Figure  # noqa: E402

BLUE, BLACK, GREY, GREEN, RED = "#1d70b8", "#0b0c0c", "#505a5f", "#00703c", "#d4351c"
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "casebook",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def trend_chart(
    title: str,
    months: Sequence[date],
    values: Sequence[float | None],
    *,
    target: float | None = None,
    england: float | None = None,
    unit: str = "",
    width: float = 6.0,
    height: float = 2.2,
    show_title: bool = True,
) -> Figure:
    """A month-by-month line with the target and England's figure as reference lines."""
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    xs = list(range(len(months)))
    points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    if points:
        ax.plot([x for x, _ in points], [v for _, v in points], color=BLUE, linewidth=2,
                marker="o", markersize=2.5, label=title)  # fmt: skip
    if target is not None:
        ax.axhline(target, color=GREEN, linestyle="--", linewidth=1, label=f"Target {target:g}")
    if england is not None:
        ax.axhline(england, color=GREY, linestyle=":", linewidth=1, label=f"England {england:g}")
    step = max(1, -(-len(months) // (4 if width < 4.5 else 8)))
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([f"{m:%b %y}" for m in months][::step])
    if unit:
        ax.set_ylabel(unit)
    if show_title:
        ax.set_title(title, loc="left", fontsize=9, color=BLACK)
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    if target is not None or england is not None:
        ax.legend(loc="upper left", fontsize=6, frameon=False)
    # Fixed margins: tight_layout costs more than drawing the chart.
    fig.subplots_adjust(left=0.18, right=0.98, top=0.86 if show_title else 0.95, bottom=0.14)
    return fig


def comparator_chart(
    title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = ""
) -> Figure:
    """Horizontal bars: the authority beside England, the region and its neighbours."""
    fig = Figure(figsize=(6.0, 0.35 * max(3, len(labels)) + 0.6), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    ys = list(range(len(labels)))[::-1]
    shown = [v if v is not None else 0 for v in values]
    colours = [BLUE if i == 0 else GREY for i in range(len(labels))]
    ax.barh(ys, shown, color=colours)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels)
    for y, v in zip(ys, values, strict=True):
        ax.text(0, y, f" {v:g}" if v is not None else " not published", va="center",
                color="white" if v else BLACK, fontsize=7)  # fmt: skip
    if unit:
        ax.set_xlabel(unit)
    ax.set_title(title, loc="left", fontsize=9, color=BLACK)
    fig.subplots_adjust(left=0.3, right=0.97, top=0.85, bottom=0.15)
    return fig


def to_svg(fig: Figure) -> str:
    """The chart as SVG text, identical for identical figures."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def to_png(fig: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
