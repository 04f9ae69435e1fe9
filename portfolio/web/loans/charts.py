"""Plotly figures (plain dicts, drawn by static/js/charts.js with the local plotly.min.js)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from portfolio.domain.loans import Simulation

COLOURS = ("#14532d", "#b45309", "#1e40af")


def _layout(title: str, y_title: str) -> dict:
    french = str(get_locale()).startswith("fr")
    return {
        "title": {"text": title, "font": {"size": 15}},
        "xaxis": {"title": {"text": _("Instalment")}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "tickformat": ",d"},
        # French number display: decimal comma, narrow space between thousands.
        "separators": ",\u202f" if french else ".,",
        "margin": {"l": 70, "r": 10, "t": 40, "b": 45},
        "legend": {"orientation": "h", "y": -0.25},
        "height": 320,
    }


def comparison_charts(simulations: list[tuple[str, Simulation]]) -> list[dict]:
    if not simulations:
        return []
    balance, cost = [], []
    for (name, simulation), colour in zip(simulations, COLOURS, strict=False):
        steps = list(range(len(simulation.schedule.rows) + 1))
        label = _("Scenario %(name)s", name=name)
        line = {"color": colour, "width": 2}
        balance.append(
            {
                "x": steps,
                "y": simulation.balances(),
                "name": label,
                "type": "scatter",
                "mode": "lines",
                "line": {**line, "shape": "hv"},
            }
        )
        cost.append(
            {
                "x": steps,
                "y": simulation.cumulative_cost(),
                "name": label,
                "type": "scatter",
                "mode": "lines",
                "line": line,
            }
        )
    return [
        {
            "id": "chart-balance",
            "data": balance,
            "layout": _layout(_("Principal still owed"), "FCFA"),
        },
        {
            "id": "chart-cost",
            "data": cost,
            "layout": _layout(_("Cumulative cost: interest and fees"), "FCFA"),
        },
    ]
