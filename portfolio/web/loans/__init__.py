"""Loans: the simulator today; applications, disbursements and repayments to come."""

from flask import Blueprint

bp = Blueprint("loans", __name__, url_prefix="/prets")

from portfolio.web.loans import arrears, exports, ledger, reschedules, simulator  # noqa: E402,F401
