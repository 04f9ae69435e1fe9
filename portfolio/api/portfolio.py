"""Portfolio-wide figures: GET /api/v1/portfolio/arrears?as_of=…"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from portfolio.api import bp
from portfolio.api.common import api_requires
from portfolio.api.formdata import query_args
from portfolio.api.openapi import Shape, documented
from portfolio.domain.permissions import Permission
from portfolio.reporting.arrears import portfolio_quality
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
