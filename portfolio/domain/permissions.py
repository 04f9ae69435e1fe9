"""Who may do what: the one role -> permission table of the application.

Every HTML and API route names one permission from here (or is declared
public); a route that names none is refused. Field monitors additionally
see only their own region: that is a scope, applied by the queries.
"""

from __future__ import annotations

from enum import StrEnum

from portfolio.domain.vocabulary import Role


class Permission(StrEnum):
    VIEW_PORTFOLIO = "portfolio.view"
    VIEW_BENEFICIARIES = "beneficiaries.view"
    EDIT_BENEFICIARIES = "beneficiaries.edit"
    VIEW_ENTERPRISES = "enterprises.view"
    EDIT_ENTERPRISES = "enterprises.edit"
    #: Bulk downloads of personal data (CSV exports).
    EXPORT_PERSONAL_DATA = "personal_data.export"
    MANAGE_PROGRAMMES = "programmes.manage"
    MANAGE_REFERENCE_DATA = "reference_data.manage"
    MANAGE_USERS = "users.manage"
    USE_API = "api.use"
    #: The loan simulator: schedules, true cost, usury and affordability.
    SIMULATE_LOANS = "loans.simulate"
    #: Lenders and their loan products (the simulator's presets).
    MANAGE_LENDERS = "lenders.manage"
    #: See grants, kits, allowances and loans (field monitors: their region's).
    VIEW_LEDGER = "ledger.view"
    #: Record grants, tranche payments, kit handovers, allowances, loan
    #: applications, disbursements and repayments, and reverse mistakes.
    RECORD_LEDGER = "ledger.record"
    #: Budget lines and raising them (recorded with a reason).
    MANAGE_BUDGETS = "budgets.manage"
    #: The kit catalogue per trade.
    MANAGE_KIT_CATALOGUE = "kits.catalogue"
    #: Approve or reject a loan application, write a loan off (never one's own).
    APPROVE_LOANS = "loans.approve"
    #: Read the audit log (who changed what, when).
    VIEW_AUDIT_LOG = "audit.view"
    #: See visits, the visit plan, scores and flags (monitors: their region's).
    VIEW_MONITORING = "monitoring.view"
    #: Record a follow-up visit (web form, API) and import Kobo/ODK exports.
    RECORD_VISITS = "visits.record"
    #: Reassign planned visits between monitors.
    PLAN_VISITS = "visits.plan"
    #: Decide and resolve follow-up actions on flagged enterprises.
    RECORD_FOLLOW_UP = "follow_up.record"
    #: Edit flag rules, their thresholds, score weights and the visit cadence.
    MANAGE_MONITORING_RULES = "monitoring.rules"
    #: Donor reports (PDF, XLSX) and the portfolio stress test.
    REPORT_TO_DONORS = "reports.donor"


_EVERYONE = frozenset(
    {
        Permission.VIEW_PORTFOLIO,
        Permission.VIEW_LEDGER,
        Permission.VIEW_BENEFICIARIES,
        Permission.VIEW_ENTERPRISES,
        Permission.EDIT_BENEFICIARIES,
        Permission.EDIT_ENTERPRISES,
        Permission.USE_API,
        Permission.VIEW_MONITORING,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: _EVERYONE
    | {
        Permission.EXPORT_PERSONAL_DATA,
        Permission.MANAGE_PROGRAMMES,
        Permission.SIMULATE_LOANS,
        Permission.MANAGE_LENDERS,
        Permission.RECORD_LEDGER,
        Permission.MANAGE_BUDGETS,
        Permission.MANAGE_KIT_CATALOGUE,
        Permission.APPROVE_LOANS,
        Permission.VIEW_AUDIT_LOG,
        Permission.RECORD_VISITS,
        Permission.PLAN_VISITS,
        Permission.RECORD_FOLLOW_UP,
        Permission.REPORT_TO_DONORS,
    },
    Role.FINANCE: _EVERYONE
    | {
        Permission.EXPORT_PERSONAL_DATA,
        Permission.SIMULATE_LOANS,
        Permission.MANAGE_LENDERS,
        Permission.RECORD_LEDGER,
    },
    # Monitors edit what they see in the field, but do not carry bulk
    # exports of returnees' personal data on their phones.
    Role.MONITOR: _EVERYONE | {Permission.RECORD_VISITS, Permission.RECORD_FOLLOW_UP},
}


def can(role: Role | str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


def is_region_scoped(role: Role | str) -> bool:
    """Field monitors work in one region and see nothing outside it."""
    return Role(role) is Role.MONITOR
