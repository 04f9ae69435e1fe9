"""Donor reports and the portfolio stress test."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from portfolio.web.reports import routes  # noqa: E402,F401
