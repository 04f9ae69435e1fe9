from flask import Blueprint

bp = Blueprint("enterprises", __name__, url_prefix="/entreprises")

from portfolio.web.enterprises import exports, routes  # noqa: E402,F401
