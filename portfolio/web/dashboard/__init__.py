"""Managers' portfolio dashboard with drill-down."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from portfolio.web.dashboard import routes  # noqa: E402,F401
