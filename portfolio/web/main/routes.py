from __future__ import annotations

from flask import render_template

from portfolio.domain.permissions import Permission
from portfolio.reporting.overview import overview
from portfolio.web.access import region_scope, requires
from portfolio.web.main import bp


@bp.get("/")
@requires(Permission.VIEW_PORTFOLIO)
def index():
    return render_template("main/index.html", figures=overview(region_scope()))
