from flask import Blueprint

bp = Blueprint("budgets", __name__, url_prefix="/budgets")

from portfolio.web.budgets import routes  # noqa: E402,F401
