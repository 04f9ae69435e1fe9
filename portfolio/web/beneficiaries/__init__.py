from flask import Blueprint

bp = Blueprint("beneficiaries", __name__, url_prefix="/beneficiaires")

from portfolio.web.beneficiaries import exports, routes  # noqa: E402,F401
