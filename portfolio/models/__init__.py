"""Persistence model (SQLAlchemy 2, typed). Behaviour lives in portfolio.domain."""

from portfolio.models.audit import AuditEntry
from portfolio.models.base import Base, db
from portfolio.models.beneficiary import Beneficiary
from portfolio.models.budget import BudgetLine, BudgetRevision
from portfolio.models.enterprise import Enterprise, EnterpriseMember
from portfolio.models.journal import JournalEntry
from portfolio.models.lending import Lender, LoanProduct, UsuryCeiling
from portfolio.models.loan import Loan, LoanAllocation, LoanInstalment, LoanReschedule
from portfolio.models.monitoring import (
    EnterpriseRisk,
    Flag,
    FlagRule,
    FollowUpAction,
    PlannedVisit,
    ScoreWeight,
    Visit,
    VisitCadenceStep,
    VisitKitItem,
    VisitProblem,
)
from portfolio.models.programme import Programme
from portfolio.models.reference import Commune, Region, Sector, Village
from portfolio.models.support import (
    Grant,
    GrantTranche,
    KitDelivery,
    KitDeliveryItem,
    KitTemplate,
    KitTemplateItem,
)
from portfolio.models.user import ApiToken, User

__all__ = [
    "AuditEntry",
    "BudgetLine",
    "EnterpriseRisk",
    "Flag",
    "FlagRule",
    "FollowUpAction",
    "PlannedVisit",
    "ScoreWeight",
    "Visit",
    "VisitCadenceStep",
    "VisitKitItem",
    "VisitProblem",
    "BudgetRevision",
    "Grant",
    "GrantTranche",
    "JournalEntry",
    "KitDelivery",
    "KitDeliveryItem",
    "KitTemplate",
    "KitTemplateItem",
    "Loan",
    "LoanAllocation",
    "LoanInstalment",
    "LoanReschedule",
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
