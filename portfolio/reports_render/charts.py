"""Static charts for the PDF (WeasyPrint runs no JavaScript): matplotlib, as PNG images.

The object-oriented API (``Figure``), not pyplot: no global state, safe in a
web worker. Numbers are written the way the report's language writes them.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

COLOURS = ("#14532d", "#b45309", "#1e40af", "#7c3aed", "#0f766e", "#be123c")
RISK_COLOURS = {"ok": "#86efac", "watch": "#fcd34d", "at_risk": "#f97316", "critical": "#b91c1c"}
_FONT = {"family": "DejaVu Sans", "size": 8}
DPI = 200


def _number(value: float, french: bool) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", "\u202f") if french else text


def _image(figure: Figure) -> str:
    """The figure as a data: URI an <img> shows. PNG at print resolution: WeasyPrint
    places it as is, where an SVG chart's hundreds of shapes took seconds to draw."""
    buffer = io.BytesIO()
    with rc_context({"font.family": "DejaVu Sans"}):
        figure.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _figure(width: float = 7.0, height: float = 3.0, **margins: float) -> Figure:
    # Fixed margins: a layout engine would double the drawing time.
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(**{"left": 0.12, "right": 0.98, "top": 0.95, "bottom": 0.18, **margins})
    return figure


def _style(axes, french: bool, value_axis: str = "y") -> None:
    axes.spines[["top", "right"]].set_visible(False)
    formatter = FuncFormatter(lambda value, _pos: _number(value, french))
    (axes.yaxis if value_axis == "y" else axes.xaxis).set_major_formatter(formatter)
    axes.tick_params(labelsize=7)
    axes.grid(axis=value_axis, color="#e5e7eb", linewidth=0.6)
    axes.set_axisbelow(True)


def stacked_columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    value_label: str,
    french: bool,
    budget: tuple[str, float] | None = None,
) -> str:
    """Columns per category, stacked by series (e.g. money per month by instrument);
    `budget` draws a dashed reference line (label, value)."""
    figure = _figure(top=0.88)
    axes = figure.add_subplot()
    bottom = [0] * len(categories)
    for (name, values), colour in zip(series, COLOURS, strict=False):
        axes.bar(categories, values, bottom=bottom, label=name, color=colour, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if budget:
        axes.axhline(budget[1], color="#1f2933", linestyle="--", linewidth=1, label=budget[0])
    _style(axes, french)
    axes.set_ylabel(value_label, fontdict=_FONT)
    axes.tick_params(axis="x", labelrotation=45 if len(categories) > 8 else 0)
    axes.legend(  # above the columns, never over them
        fontsize=7,
        frameon=False,
        ncols=min(5, len(series) + bool(budget)),
        loc="lower left",
        bbox_to_anchor=(0, 1),
    )
    return _image(figure)


def horizontal_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    value_label: str,
    french: bool,
    colours: Sequence[str] = COLOURS,
) -> str:
    """Horizontal bars, stacked by series when there are several (e.g. risk levels)."""
    height = max(2.0, 0.28 * len(categories) + 1.0)
    legend_room = 0.35 if len(series) > 1 else 0.1
    figure = _figure(
        height=height, left=0.3, bottom=0.5 / height + 0.12, top=1 - legend_room / height
    )
    axes = figure.add_subplot()
    left = [0] * len(categories)
    for (name, values), colour in zip(series, colours, strict=False):
        axes.barh(categories, values, left=left, label=name, color=colour, height=0.7)
        left = [a + v for a, v in zip(left, values, strict=True)]
    _style(axes, french, value_axis="x")
    axes.invert_yaxis()  # the first category at the top, as in the table
    axes.set_xlabel(value_label, fontdict=_FONT)
    if len(series) > 1:  # above the bars, never over them
        axes.legend(
            fontsize=7, frameon=False, ncols=len(series), loc="lower left", bbox_to_anchor=(0, 1)
        )
    return _image(figure)
