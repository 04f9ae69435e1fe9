"""Struggling enterprises: flags, follow-up actions, scores, rules and weights."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

from portfolio.web.monitoring import routes  # noqa: E402,F401
