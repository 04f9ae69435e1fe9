"""What a person reads for each stored value, translated."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import SelectChoice

from portfolio.domain.ledger_vocabulary import (
    AllowanceKind,
    EntryKind,
    Instrument,
    LoanStatus,
    PaymentChannel,
)
from portfolio.domain.loans import (
    DscrVerdict,
    Frequency,
    GraceInterest,
    LenderType,
    RepaymentMethod,
)
from portfolio.domain.monitoring.vocabulary import (
    ActionKind,
    ActionStatus,
    BusinessStatus,
    Dimension,
    FlagRuleCode,
    KitItemCondition,
    Problem,
    RiskLevel,
    StockLevel,
    VisitSource,
)
from portfolio.domain.vocabulary import (
    EnterpriseKind,
    EnterpriseStatus,
    MemberRole,
    ProgrammeStatus,
    ReturnKind,
    Role,
    Sex,
)

# Pairs, not a dict: equal-valued members of different enums must not collide.
LABELS: tuple[tuple[StrEnum, object], ...] = (
    (Role.ADMIN, _l("Administrator")),
    (Role.MANAGER, _l("Programme manager")),
    (Role.FINANCE, _l("Finance officer")),
    (Role.MONITOR, _l("Field monitor")),
    (Sex.FEMALE, _l("Woman")),
    (Sex.MALE, _l("Man")),
    (ReturnKind.ASSISTED_VOLUNTARY, _l("Assisted voluntary return")),
    (ReturnKind.EXPELLED, _l("Expelled / forced return")),
    (ReturnKind.TURNED_BACK, _l("Turned back at a border")),
    (ReturnKind.CONFLICT_DISPLACED, _l("Displaced by conflict")),
    # Contexts: French agrees "fermé" (programme) and "fermée" (entreprise).
    (ProgrammeStatus.PLANNED, _lp("programme status", "Planned")),
    (ProgrammeStatus.ACTIVE, _lp("programme status", "Active")),
    (ProgrammeStatus.CLOSED, _lp("programme status", "Closed")),
    (EnterpriseStatus.PLANNED, _lp("enterprise status", "Planned")),
    (EnterpriseStatus.ACTIVE, _lp("enterprise status", "Operating")),
    (EnterpriseStatus.TEMPORARILY_CLOSED, _lp("enterprise status", "Temporarily closed")),
    (EnterpriseStatus.CLOSED, _lp("enterprise status", "Closed")),
    (EnterpriseKind.INDIVIDUAL, _l("Individual")),
    (EnterpriseKind.COLLECTIVE, _l("Collective")),
    (MemberRole.OWNER, _l("Owner")),
    (MemberRole.PRESIDENT, _l("President")),
    (MemberRole.TREASURER, _l("Treasurer")),
    (MemberRole.SECRETARY, _l("Secretary")),
    (MemberRole.MEMBER, _l("Member")),
    (RepaymentMethod.DECLINING_EQUAL_INSTALMENTS, _l("Declining balance, equal instalments")),
    (RepaymentMethod.DECLINING_EQUAL_PRINCIPAL, _l("Declining balance, equal principal")),
    (RepaymentMethod.FLAT, _l("Flat rate")),
    (Frequency.MONTHLY, _l("Monthly")),
    (Frequency.FOUR_WEEKLY, _l("Every four weeks")),
    (Frequency.WEEKLY, _l("Weekly")),
    (Frequency.QUARTERLY, _l("Quarterly")),
    (GraceInterest.NONE, _l("Interest paid during the grace period")),
    (GraceInterest.DEFERRED, _l("Interest deferred to the first repayment")),
    (GraceInterest.WAIVED, _l("Interest waived during the grace period")),
    (LenderType.SFD, _l("Microfinance institution (SFD)")),
    (LenderType.BANK, _l("Bank")),
    (DscrVerdict.FINE, _l("The business can carry it")),
    (DscrVerdict.TIGHT, _l("Tight: little margin left")),
    (DscrVerdict.NOT_CARRIED, _l("The business alone cannot carry it")),
    (Instrument.GRANT, _l("Grants")),
    (Instrument.KIT, _l("Starter kits")),
    (Instrument.LOAN, _l("Loans and guarantees")),
    (Instrument.TRAINING, _l("Training allowances")),
    (PaymentChannel.CASH, _l("Cash")),
    (PaymentChannel.MOBILE_MONEY, _l("Mobile money")),
    (PaymentChannel.BANK_TRANSFER, _l("Bank transfer")),
    (AllowanceKind.STIPEND, _l("Monthly training allowance")),
    (AllowanceKind.DAYCARE, _l("Day-care costs")),
    (LoanStatus.APPLIED, _lp("loan status", "Application")),
    (LoanStatus.APPROVED, _lp("loan status", "Approved")),
    (LoanStatus.REJECTED, _lp("loan status", "Rejected")),
    (LoanStatus.ACTIVE, _lp("loan status", "Being repaid")),
    (LoanStatus.CLOSED, _lp("loan status", "Repaid")),
    (LoanStatus.WRITTEN_OFF, _lp("loan status", "Written off")),
    (EntryKind.GRANT_PAYMENT, _l("Grant payment")),
    (EntryKind.KIT_DELIVERY, _l("Kit handover")),
    (EntryKind.ALLOWANCE_PAYMENT, _l("Allowance payment")),
    (EntryKind.LOAN_DISBURSEMENT, _l("Disbursement")),
    (EntryKind.LOAN_REPAYMENT, _l("Repayment")),
    (EntryKind.LOAN_REFUND, _l("Refund of an overpayment")),
    (EntryKind.LOAN_WRITE_OFF, _l("Write-off")),
    (EntryKind.LOAN_RECOVERY, _l("Recovery after write-off")),
    (EntryKind.REVERSAL, _l("Reversal")),
    # Field monitoring
    (BusinessStatus.OPERATING, _lp("business status", "Operating")),
    (BusinessStatus.TEMPORARILY_CLOSED, _lp("business status", "Temporarily closed")),
    (BusinessStatus.CLOSED, _lp("business status", "Closed")),
    (BusinessStatus.MOVED, _lp("business status", "Moved")),
    (BusinessStatus.NOT_FOUND, _lp("business status", "Not found")),
    (StockLevel.NONE, _lp("stock level", "None")),
    (StockLevel.LOW, _lp("stock level", "Low")),
    (StockLevel.ENOUGH, _lp("stock level", "Enough")),
    (StockLevel.HIGH, _lp("stock level", "High")),
    (Problem.LACK_OF_CAPITAL, _l("Lack of capital")),
    (Problem.RAW_MATERIALS, _l("Raw materials hard to get")),
    (Problem.MARKET_ACCESS, _l("Market access")),
    (Problem.COMPETITION, _l("Competition")),
    (Problem.HEALTH, _l("Health")),
    (Problem.SECURITY, _l("Insecurity")),
    (Problem.SEASONALITY, _l("Seasonality")),
    (Problem.THEFT, _l("Theft")),
    (Problem.FAMILY_PRESSURE, _l("Family pressure")),
    (Problem.DEBT, _l("Debt")),
    (KitItemCondition.IN_USE, _l("In use")),
    (KitItemCondition.PRESENT_UNUSED, _l("Present, not used")),
    (KitItemCondition.SOLD, _lp("kit item", "Sold")),
    (KitItemCondition.BROKEN, _lp("kit item", "Broken")),
    (KitItemCondition.MISSING, _lp("kit item", "Missing")),
    (VisitSource.WEB, _lp("visit source", "Web form")),
    (VisitSource.API, _lp("visit source", "API")),
    (VisitSource.KOBO, _lp("visit source", "KoboToolbox")),
    (VisitSource.ODK, _lp("visit source", "ODK Central")),
    (VisitSource.DEMO, _lp("visit source", "Demo data")),
    (Dimension.ECONOMIC, _l("Economic")),
    (Dimension.SOCIAL, _l("Social")),
    (Dimension.PSYCHOSOCIAL, _l("Psychosocial")),
    (RiskLevel.OK, _lp("risk level", "OK")),
    (RiskLevel.WATCH, _lp("risk level", "Watch")),
    (RiskLevel.AT_RISK, _lp("risk level", "At risk")),
    (RiskLevel.CRITICAL, _lp("risk level", "Critical")),
    (FlagRuleCode.LOAN_DAYS_PAST_DUE, _l("Loan days past due")),
    (FlagRuleCode.BUSINESS_STATUS, _l("Business status")),
    (FlagRuleCode.SALES_DROP, _l("Fall in sales")),
    (FlagRuleCode.KIT_RETAINED, _l("Kit still present and in use")),
    (FlagRuleCode.DSCR, _l("Debt service coverage (DSCR)")),
    (FlagRuleCode.COMPOSITE_SCORE, _l("Reintegration score")),
    (FlagRuleCode.VISITS_OVERDUE, _l("Overdue visits")),
    (FlagRuleCode.OWNER_ABSENT, _l("Owner absent")),
    (ActionKind.EXTRA_TRAINING, _l("Extra training")),
    (ActionKind.ADDITIONAL_KIT_ITEMS, _l("Additional kit items")),
    (ActionKind.PARTNER_REFERRAL, _l("Referral to a partner")),
    (ActionKind.LOAN_RESCHEDULE_REQUEST, _l("Loan reschedule request")),
    (ActionKind.PSYCHOSOCIAL_REFERRAL, _l("Psychosocial referral")),
    (ActionKind.OTHER, _lp("action kind", "Other")),
    (ActionStatus.OPEN, _lp("action status", "Open")),
    (ActionStatus.RESOLVED, _lp("action status", "Resolved")),
)


# StrEnum members of different enums compare equal when their values do
# (ProgrammeStatus.ACTIVE == EnterpriseStatus.ACTIVE == "active"), so the
# lookup is keyed by the enum's type as well as its value.
_BY_TYPE = {(type(member), member.value): text for member, text in LABELS}


def label(value: StrEnum | None) -> str:
    if value is None:
        return ""
    return str(_BY_TYPE.get((type(value), getattr(value, "value", value)), value))


def choices(enum: type[StrEnum]) -> list[SelectChoice]:
    """Options for a select field, in the enum's order."""
    return [SelectChoice(member.value, _BY_TYPE[(enum, member.value)]) for member in enum]
