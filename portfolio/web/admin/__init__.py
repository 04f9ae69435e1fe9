from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portfolio.web.admin import audit, exports, lending, places, programmes, users  # noqa: E402,F401
