"""The managers' dashboard: key figures, charts and tables, each leading to its list."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import Sex
from portfolio.reporting.dashboard import monthly_disbursements, portfolio_breakdown
from portfolio.reporting.dashboard_cache import memoised
from portfolio.reporting.dashboard_trends import par_trend, scores_by_community, survival_cohorts
from portfolio.reporting.summary import PortfolioFilters, portfolio_summary
from portfolio.web.access import region_scope, requires, user_can
from portfolio.web.dashboard import bp, charts
from portfolio.web.dashboard.forms import SummaryArgs
from portfolio.web.fields import programme_choices, region_choices, sector_choices
from portfolio.web.labels import choices

#: The list behind each instrument's money.
INSTRUMENT_LISTS = {
    Instrument.GRANT: "grants.index",
    Instrument.KIT: "kits.index",
    Instrument.LOAN: "loans.index",
    Instrument.TRAINING: "grants.allowances",
}
#: Who may open each list (a link a person cannot follow is not drawn).
LIST_PERMISSIONS = {
    "enterprises.index": Permission.VIEW_ENTERPRISES,
    "beneficiaries.index": Permission.VIEW_BENEFICIARIES,
    "grants.index": Permission.VIEW_LEDGER,
    "grants.allowances": Permission.VIEW_LEDGER,
    "kits.index": Permission.VIEW_LEDGER,
    "loans.index": Permission.VIEW_LEDGER,
    "loans.arrears": Permission.VIEW_LEDGER,
    "visits.index": Permission.VIEW_MONITORING,
    "monitoring.index": Permission.VIEW_MONITORING,
}


class Drill:
    """URLs of the lists behind the figures, carrying the dashboard's filters."""

    def __init__(self, f: PortfolioFilters, as_of: date) -> None:
        self.f, self.as_of = f, as_of

    def common(self) -> dict:
        f = self.f
        values = {
            "programme_id": f.programme_id,
            "region_id": f.region_id,
            "sector_id": f.sector_id,
            "sex": f.sex,
        }
        return {k: v for k, v in values.items() if v is not None}

    def __call__(self, endpoint: str, **extra) -> str | None:
        """The list's URL, or None when it does not exist (yet) or is not for this user."""
        if endpoint not in current_app.view_functions:
            return None
        permission = LIST_PERMISSIONS.get(endpoint)
        if permission is not None and not user_can(permission):
            return None
        args = {**self.common(), **{k: v for k, v in extra.items() if v is not None}}
        return url_for(endpoint, **args)

    def money(self, instrument: str | None = None, **extra) -> str | None:
        instrument = instrument or self.f.instrument
        if instrument is None:
            return self("grants.index", **extra)
        endpoint = INSTRUMENT_LISTS[Instrument(instrument)]
        if endpoint == "kits.index":
            extra.setdefault("from_on", self.f.period_from and self.f.period_from.isoformat())
            extra.setdefault("to_on", self.f.period_to and self.f.period_to.isoformat())
        return self(endpoint, **extra)

    def enterprises(self, **extra) -> str | None:
        return self("enterprises.index", **extra)

    def arrears(self, as_of: str | None = None) -> str | None:
        return self("loans.arrears", as_of=as_of or self.as_of.isoformat())


def _args() -> SummaryArgs:
    args = SummaryArgs(formdata=request.args)
    if request.args and not args.validate():
        # A wrong filter is shown with its message and left out of the figures.
        for field in args:
            if field.errors:
                field.data = None
    return args


#: The charts each part of the page draws, in the page's order, with their titles (shown
#: while the part loads). A part is one or two SQL queries: the page answers with the key
#: figures, and the browser then fetches the parts side by side (static/js/dashboard.js).
PART_CHARTS = {
    "breakdown": ("chart-regions", "chart-sectors", "chart-risk"),
    "survival": ("chart-survival",),
    "par": ("chart-par",),
    "scores": (),
}


def _chart_titles() -> dict[str, str]:
    return {
        "chart-regions": _("Portfolio by region"),
        "chart-sectors": _("Portfolio by sector"),
        "chart-risk": _("Enterprises by risk level and region"),
        "chart-survival": _("Enterprises still operating, by quarter of first support"),
        "chart-par": _("Portfolio at risk at each month-end"),
    }


def _shows_loans(filters: PortfolioFilters) -> bool:
    return filters.instrument in (None, Instrument.LOAN)


@bp.get("/")
@requires(Permission.VIEW_PORTFOLIO)
def index():
    args = _args()
    filters, as_of = args.portfolio_filters(), args.as_of_date()
    drill = Drill(filters, as_of)
    summary = portfolio_summary(filters, as_of)
    monthly = memoised(
        ("dashboard-money", filters, as_of),
        lambda: monthly_disbursements(filters, as_of, summary.money_by_month),
    )
    figures = [
        charts.money_chart(monthly, drill.money),
        charts.instrument_chart(summary, drill.money),
    ]
    parts = [name for name in PART_CHARTS if name != "par" or _shows_loans(filters)]
    return render_template(
        "dashboard/index.html",
        args=args,
        filters=filters,
        as_of=as_of,
        summary=summary,
        figures=figures,
        parts={name: url_for("dashboard.part", name=name, **request.args) for name in parts},
        part_charts=[(chart, name) for name in parts for chart in PART_CHARTS[name]],
        titles=_chart_titles(),
        shows_loans=_shows_loans(filters),
        drill=drill,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        sectors=sector_choices(),
        sexes=choices(Sex),
        instruments=choices(Instrument),
    )


@bp.get("/parts/<name>")
@requires(Permission.VIEW_PORTFOLIO)
def part(name: str):
    """One part of the page as JSON: its Plotly figures, or its table as HTML."""
    if name not in PART_CHARTS:
        abort(404)
    args = _args()
    filters, as_of = args.portfolio_filters(), args.as_of_date()
    drill = Drill(filters, as_of)
    locale = str(get_locale())
    figures: list[dict] = []
    html = None
    if name == "breakdown":
        titles = _chart_titles()
        breakdown = memoised(
            ("dashboard-breakdown", filters, as_of, locale),
            lambda: portfolio_breakdown(filters, as_of, locale),
        )
        figures = [
            charts.group_chart(
                "chart-regions",
                titles["chart-regions"],
                breakdown.by_region,
                drill.enterprises,
                "region_id",
            ),
            charts.group_chart(
                "chart-sectors",
                titles["chart-sectors"],
                breakdown.by_sector,
                drill.enterprises,
                "sector_id",
            ),
            charts.risk_chart(breakdown, drill.enterprises),
        ]
    elif name == "survival":
        cohorts = memoised(
            ("dashboard-survival", filters, as_of), lambda: survival_cohorts(filters, as_of)
        )
        figures = [charts.survival_chart(cohorts, drill.enterprises)]
    elif name == "par":
        trend = (
            memoised(("dashboard-par", filters, as_of), lambda: par_trend(filters, as_of))
            if _shows_loans(filters)
            else []
        )
        figures = [charts.par_chart(trend, drill.arrears)] if trend else []
    else:
        scores = memoised(
            ("dashboard-scores", filters, as_of), lambda: scores_by_community(filters, as_of)
        )
        html = render_template("dashboard/_scores.html", scores=scores, drill=drill)
    return jsonify(figures=figures, html=html)
