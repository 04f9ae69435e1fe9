"""The dashboard's Plotly figures (plain dicts, drawn by static/js/dashboard.js).

Every point carries in `customdata` the URL of the list behind it (the drill-down), with
the dashboard's filters; dashboard.js opens it on a click.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.reporting.dashboard import MonthlyMoney, PortfolioBreakdown
from portfolio.reporting.dashboard_trends import Cohort, ParPoint
from portfolio.reporting.summary import PortfolioSummary
from portfolio.web.labels import label

INSTRUMENT_COLOURS = {
    Instrument.GRANT: "#14532d",
    Instrument.KIT: "#b45309",
    Instrument.LOAN: "#1e40af",
    Instrument.TRAINING: "#7c3aed",
}
RISK_COLOURS = {
    RiskLevel.OK: "#15803d",
    RiskLevel.WATCH: "#ca8a04",
    RiskLevel.AT_RISK: "#ea580c",
    RiskLevel.CRITICAL: "#b91c1c",
}
COHORT_COLOURS = (
    "#14532d",
    "#1e40af",
    "#b45309",
    "#7c3aed",
    "#0f766e",
    "#be123c",
    "#4d7c0f",
    "#475569",
)

Url = Callable[..., str | None]


def _layout(title: str, *, y: dict | None = None, x: dict | None = None, **extra) -> dict:
    french = str(get_locale()).startswith("fr")
    return {
        "title": {"text": title, "font": {"size": 15}, "x": 0, "xanchor": "left"},
        "xaxis": {"automargin": True, **(x or {})},
        "yaxis": {"automargin": True, "rangemode": "tozero", **(y or {})},
        # French number display: decimal comma, narrow space between thousands.
        "separators": ",\u202f" if french else ".,",
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
        "height": 340,
        "hovermode": "closest",
        **extra,
    }


def money_chart(monthly: MonthlyMoney, url: Url) -> dict:
    """Cumulative disbursements per instrument (stacked), against the budget."""
    months = [m.isoformat() for m in monthly.months]
    traces = []
    for instrument in Instrument:
        values = monthly.cumulative.get(instrument.value)
        if not values:
            continue
        link = url(instrument=instrument.value)
        traces.append(
            {
                "x": months,
                "y": values,
                "name": label(instrument),
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "money",
                "line": {"color": INSTRUMENT_COLOURS[instrument], "width": 1.5},
                "customdata": [link] * len(months),
                "hovertemplate": "%{x|%m/%Y} · %{y:,d} FCFA<extra>%{fullData.name}</extra>",
            }
        )
    if monthly.budget_xof and months:
        traces.append(
            {
                "x": [months[0], months[-1]],
                "y": [monthly.budget_xof, monthly.budget_xof],
                "name": _("Budget"),
                "type": "scatter",
                "mode": "lines",
                "line": {"color": "#111827", "dash": "dash", "width": 1.5},
                "hovertemplate": "%{y:,d} FCFA<extra>%{fullData.name}</extra>",
            }
        )
    return {
        "id": "chart-money",
        "data": traces,
        "layout": _layout(
            _("Disbursed, cumulated by month, against the budget"),
            y={"tickformat": "~s", "title": {"text": "FCFA"}},
            # Numeric dates: Plotly's month names would be English.
            x={"type": "date", "tickformat": "%Y"},
        ),
    }


def instrument_chart(summary: PortfolioSummary, url: Url) -> dict:
    """Budget, committed and disbursed per instrument (grouped bars)."""
    names = [label(Instrument(m.instrument)) for m in summary.money]
    links = [url(instrument=m.instrument) for m in summary.money]
    bars = [
        (_("Budget"), "#9ca3af", [m.budget_xof for m in summary.money]),
        (_("Committed"), "#b45309", [m.committed_xof for m in summary.money]),
        (_("Disbursed"), "#14532d", [m.disbursed_xof for m in summary.money]),
    ]
    return {
        "id": "chart-instruments",
        "data": [
            {
                "y": names,
                "x": values,
                "name": name,
                "type": "bar",
                "orientation": "h",
                "marker": {"color": colour},
                "customdata": links,
                "hovertemplate": "%{y} · %{x:,d} FCFA<extra>%{fullData.name}</extra>",
            }
            for name, colour, values in reversed(bars)
        ],
        "layout": _layout(
            _("Support by instrument (FCFA)"),
            x={"tickformat": "~s"},
            y={"autorange": "reversed"},
            barmode="group",
            legend={
                "orientation": "h",
                "x": 0,
                "y": -0.2,
                "yanchor": "top",
                "traceorder": "reversed",
            },
        ),
    }


def group_chart(chart_id: str, title: str, groups, url: Url, key: str) -> dict:
    """Enterprises and money disbursed per region or sector (horizontal bars)."""
    groups = list(reversed(groups[:15]))  # largest at the top
    names = [g.name for g in groups]
    links = [url(**{key: g.id}) for g in groups]
    return {
        "id": chart_id,
        "data": [
            {
                "y": names,
                "x": [g.enterprises for g in groups],
                "name": _("Enterprises"),
                "type": "bar",
                "orientation": "h",
                "marker": {"color": "#14532d"},
                "customdata": links,
                "hovertemplate": "%{y} · %{x:,d}<extra>%{fullData.name}</extra>",
            },
            {
                "y": names,
                "x": [g.disbursed_xof for g in groups],
                "name": _("Disbursed (FCFA)"),
                "type": "bar",
                "orientation": "h",
                "xaxis": "x2",
                "marker": {"color": "#b45309"},
                "customdata": links,
                "hovertemplate": "%{y} · %{x:,d} FCFA<extra>%{fullData.name}</extra>",
            },
        ],
        "layout": _layout(
            title,
            x={"domain": [0, 0.48], "title": {"text": _("Enterprises")}},
            y={"automargin": True},
            xaxis2={
                "domain": [0.52, 1],
                "anchor": "y",
                "tickformat": "~s",
                "title": {"text": "FCFA"},
            },
            showlegend=False,
            height=max(260, 60 + 26 * len(groups)),
        ),
    }


def par_chart(points: list[ParPoint], url: Url) -> dict:
    dates = [p.on.isoformat() for p in points]
    links = [url(as_of=p.on.isoformat()) for p in points]
    return {
        "id": "chart-par",
        "data": [
            {
                "x": dates,
                "y": [float(p.par30) for p in points],
                "name": "PAR30",
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"color": "#b91c1c", "width": 2},
                "customdata": links,
                "hovertemplate": "%{x|%d/%m/%Y} · %{y:.2%}<extra>PAR30</extra>",
            },
            {
                "x": dates,
                "y": [float(p.par90) for p in points],
                "name": "PAR90",
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"color": "#7c2d12", "width": 1.5, "dash": "dot"},
                "customdata": links,
                "hovertemplate": "%{x|%d/%m/%Y} · %{y:.2%}<extra>PAR90</extra>",
            },
        ],
        "layout": _layout(
            _("Portfolio at risk at each month-end"),
            y={"tickformat": ".1%"},
            x={"type": "date", "tickformat": "%m/%Y"},
        ),
    }


def risk_chart(breakdown: PortfolioBreakdown, url: Url) -> dict:
    regions = list(reversed(breakdown.by_region))
    names = [g.name for g in regions]
    return {
        "id": "chart-risk",
        "data": [
            {
                "y": names,
                "x": [g.risk.get(level.value, 0) for g in regions],
                "name": label(level),
                "type": "bar",
                "orientation": "h",
                "marker": {"color": RISK_COLOURS[level]},
                "customdata": [url(region_id=g.id, risk=level.value) for g in regions],
                "hovertemplate": "%{y} · %{x:,d}<extra>%{fullData.name}</extra>",
            }
            for level in RiskLevel
        ],
        "layout": _layout(
            _("Enterprises by risk level and region"),
            barmode="stack",
            legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
            height=max(260, 90 + 26 * len(regions)),
        ),
    }


def cohort_name(cohort: Cohort) -> str:
    return _("Q%(quarter)d %(year)d", quarter=cohort.quarter, year=cohort.year)


def survival_chart(cohorts: list[Cohort], url: Url) -> dict:
    traces = []
    for cohort, colour in zip(cohorts, COHORT_COLOURS, strict=False):
        if not cohort.months:
            continue
        traces.append(
            {
                "x": cohort.months,
                "y": [float(s) for s in cohort.operating_share],
                "name": f"{cohort_name(cohort)} ({cohort.enterprises})",
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"color": colour, "width": 1.5},
                "customdata": [url()] * len(cohort.months),
                "hovertemplate": "%{x} · %{y:.0%}<extra>%{fullData.name}</extra>",
            }
        )
    return {
        "id": "chart-survival",
        "data": traces,
        "layout": _layout(
            _("Enterprises still operating, by quarter of first support"),
            y={"tickformat": ".0%", "range": [0, 1.05]},
            x={"title": {"text": _("Months since first support")}, "dtick": 3},
            legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"},
        ),
    }
