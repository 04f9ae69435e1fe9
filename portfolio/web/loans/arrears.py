"""Arrears page: portfolio at risk and the "due and late" list, as of any date."""

from __future__ import annotations

from datetime import date

from flask import render_template, request

from portfolio.domain.permissions import Permission
from portfolio.reporting.arrears import ArrearsFilter, due_and_late, portfolio_quality
from portfolio.web.access import region_scope, requires
from portfolio.web.listing import page_args
from portfolio.web.loans import bp
from portfolio.web.loans.arrears_forms import ArrearsArgs, filter_options


@bp.get("/retards")
@requires(Permission.VIEW_LEDGER)
def arrears():
    args = ArrearsArgs(formdata=request.args)
    if request.args and not args.validate():
        # A hand-typed bad date or filter: its message shows next to the field,
        # and today's figures for the whole portfolio are shown meanwhile.
        as_of, filters = date.today(), ArrearsFilter(scope_region_id=region_scope())
    else:
        as_of, filters = args.as_of.data or date.today(), args.arrears_filter()
    page, per_page = page_args()
    return render_template(
        "loans/arrears.html",
        args=args,
        as_of=as_of,
        quality=portfolio_quality(as_of, filters),
        page=due_and_late(as_of, filters, page, per_page),
        **filter_options(),
    )
