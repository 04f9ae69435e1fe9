"""Offline collection: XLSForm download and Kobo/ODK export import."""

from flask import Blueprint

bp = Blueprint("visit_imports", __name__, url_prefix="/visits/import")

from portfolio.web.visit_imports import routes  # noqa: E402,F401
