from flask import Blueprint

bp = Blueprint("kits", __name__, url_prefix="/kits")

from portfolio.web.kits import exports, routes  # noqa: E402,F401
