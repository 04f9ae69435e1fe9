"""Portfolio-wide figures: GET /api/v1/portfolio/arrears and /api/v1/portfolio/summary."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from portfolio.api import bp
from portfolio.api.common import api_requires
from portfolio.api.formdata import query_args
from portfolio.api.openapi import Shape, documented
from portfolio.domain.permissions import Permission
from portfolio.reporting.arrears import portfolio_quality
from portfolio.reporting.summary import portfolio_summary_dict
from portfolio.web.dashboard.forms import SummaryArgs
from portfolio.web.loans.arrears_forms import ArrearsArgs

_INT = {"type": "integer"}
ARREARS = Shape(
    "PortfolioArrears",
    lambda: {
        "type": "object",
        "description": "Whole francs CFA; PAR as a fraction (0.068 = 6.8 %).",
        "properties": {
            "as_of": {"type": "string", "format": "date"},
            "loans": _INT,
            "outstanding_xof": _INT,
            "overdue_xof": _INT,
            "par30": {"type": "number"},
            "par90": {"type": "number"},
            "par30_xof": _INT,
            "par90_xof": _INT,
            "buckets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "bucket": {"enum": ["current", "1-30", "31-60", "61-90", "91-180", "180+"]},
                        "loans": _INT,
                        "outstanding_xof": _INT,
                    },
                },
            },
        },
        "required": ["as_of", "loans", "outstanding_xof", "par30", "par90", "buckets"],
    },
)


@bp.get("/portfolio/arrears")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("Arrears, PAR30 and PAR90 and ageing, as of a date"), ARREARS, query=ArrearsArgs)
def portfolio_arrears():
    args = query_args(ArrearsArgs)
    quality = portfolio_quality(args.as_of.data or date.today(), args.arrears_filter())
    return {
        "as_of": quality.as_of.isoformat(),
        "loans": quality.loans,
        "outstanding_xof": quality.outstanding_xof,
        "overdue_xof": quality.overdue_xof,
        "par30": float(round(quality.par30, 6)),
        "par90": float(round(quality.par90, 6)),
        "par30_xof": quality.par30_xof,
        "par90_xof": quality.par90_xof,
        "buckets": [
            {"bucket": b.bucket, "loans": b.loans, "outstanding_xof": b.outstanding_xof}
            for b in quality.buckets
        ],
    }


_RATIO = {"type": "number", "description": "A fraction rounded to 4 decimals (0.0683 = 6.83 %)."}
_NULLABLE_INT = {"type": ["integer", "null"]}
SUMMARY = Shape(
    "PortfolioSummary",
    lambda: {
        "type": "object",
        "description": (
            "The portfolio in figures as of a date (the dashboard's key figures). Money in "
            "whole francs CFA; ratios as fractions rounded to 4 decimals. Money per "
            "instrument is what is committed / disbursed against the programme's budget "
            "lines, in the period; loans and PAR cover every loan; risk counts enterprises "
            "per level (none recorded = ok); visits are planned visits due by the date."
        ),
        "properties": {
            "as_of": {"type": "string", "format": "date"},
            "filters": {
                "type": "object",
                "properties": {
                    "programme": _NULLABLE_INT,
                    "region": _NULLABLE_INT,
                    "sector": _NULLABLE_INT,
                    "sex": {"type": ["string", "null"]},
                    "instrument": {"type": ["string", "null"]},
                    "from": {"type": ["string", "null"], "format": "date"},
                    "to": {"type": ["string", "null"], "format": "date"},
                },
            },
            "beneficiaries": _INT,
            "women": _INT,
            "women_share": _RATIO,
            "enterprises": {
                "type": "object",
                "properties": {
                    k: _INT for k in ("total", "active", "temporarily_closed", "closed")
                },
            },
            "jobs": {
                "type": "object",
                "properties": {k: _INT for k in ("total", "owners", "paid", "family")},
            },
            "communes": _INT,
            "villages": _INT,
            "sectors": _INT,
            "money": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "instrument": {"enum": ["grant", "kit", "loan", "training"]},
                        "budget_xof": _INT,
                        "committed_xof": _INT,
                        "disbursed_xof": _INT,
                        "disbursed_share": _RATIO,
                    },
                },
            },
            "loans": {
                "type": "object",
                "properties": {
                    "count": _INT,
                    "outstanding_xof": _INT,
                    "overdue_xof": _INT,
                    "par30_xof": _INT,
                    "par90_xof": _INT,
                    "par30": _RATIO,
                    "par90": _RATIO,
                },
            },
            "risk": {
                "type": "object",
                "properties": {k: _INT for k in ("ok", "watch", "at_risk", "critical")},
            },
            "visits": {
                "type": "object",
                "properties": {"due": _INT, "done": _INT, "done_share": _RATIO},
            },
        },
        "required": ["as_of", "beneficiaries", "enterprises", "money", "loans", "risk"],
    },
)


@bp.get("/portfolio/summary")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("Key figures of the portfolio, as of a date"), SUMMARY, query=SummaryArgs)
def portfolio_summary():
    args = query_args(SummaryArgs)
    return portfolio_summary_dict(args.portfolio_filters(), args.as_of_date())
