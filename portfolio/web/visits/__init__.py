"""Visit plan, visit form and visit records (field monitors)."""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from portfolio.web.visits import routes  # noqa: E402,F401
