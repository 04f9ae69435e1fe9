"""Persistence model (SQLAlchemy 2, typed). Behaviour lives in portfolio.domain."""

from portfolio.models.base import Base, db
from portfolio.models.beneficiary import Beneficiary
from portfolio.models.enterprise import Enterprise, EnterpriseMember
from portfolio.models.lending import Lender, LoanProduct, UsuryCeiling
from portfolio.models.programme import Programme
from portfolio.models.reference import Commune, Region, Sector, Village
from portfolio.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Base",
    "Beneficiary",
    "Commune",
    "Enterprise",
    "EnterpriseMember",
    "Lender",
    "LoanProduct",
    "Programme",
    "Region",
    "Sector",
    "User",
    "UsuryCeiling",
    "Village",
    "db",
]
