from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/subventions")

from portfolio.web.grants import exports, routes  # noqa: E402,F401
