"""JSON API, /api/v1 (personal bearer tokens).

Views validate with the HTML side's WTForms forms and call the same services
and read queries; the OpenAPI document is generated from these routes and forms.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from portfolio.api import (  # noqa: E402,F401
    beneficiaries,
    common,
    enterprises,
    grants,
    kits,
    loan_ledger,
    loans,
    monitoring,
    openapi,
    portfolio,
    reference,
    visits,
)
