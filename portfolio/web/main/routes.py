from __future__ import annotations

from pathlib import Path

import plotly
from flask import render_template, send_from_directory

from portfolio.domain.permissions import Permission
from portfolio.reporting.overview import overview
from portfolio.web.access import public, region_scope, requires
from portfolio.web.main import bp

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
PLOTLY_VERSION = plotly.__version__


@bp.get("/")
@requires(Permission.VIEW_PORTFOLIO)
def index():
    return render_template("main/index.html", figures=overview(region_scope()))


@bp.get("/vendor/plotly.min.js")
@public
def plotly_js():
    """Plotly's browser bundle from the installed plotly package: no CDN, ever.

    The URL carries plotly's version, so browsers may keep it for a year.
    """
    return send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=365 * 24 * 3600)
