"""Closed lists of field monitoring: what a visit records and what a flag says."""

from __future__ import annotations

from enum import StrEnum


class BusinessStatus(StrEnum):
    """What the monitor found on the day of the visit."""

    OPERATING = "operating"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"
    MOVED = "moved"
    NOT_FOUND = "not_found"


class StockLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    ENOUGH = "enough"
    HIGH = "high"


class Problem(StrEnum):
    """Problems met since the last visit (multiple choice)."""

    LACK_OF_CAPITAL = "lack_of_capital"
    RAW_MATERIALS = "raw_materials"
    MARKET_ACCESS = "market_access"
    COMPETITION = "competition"
    HEALTH = "health"
    SECURITY = "security"
    SEASONALITY = "seasonality"
    THEFT = "theft"
    FAMILY_PRESSURE = "family_pressure"
    DEBT = "debt"


class KitItemCondition(StrEnum):
    """What became of one item of the starter kit."""

    IN_USE = "in_use"
    PRESENT_UNUSED = "present_unused"
    SOLD = "sold"
    BROKEN = "broken"
    MISSING = "missing"


class VisitSource(StrEnum):
    WEB = "web"
    API = "api"
    KOBO = "kobo"
    ODK = "odk"
    DEMO = "demo"


class Dimension(StrEnum):
    """The three dimensions of reintegration of the study (seed 003)."""

    ECONOMIC = "economic"
    SOCIAL = "social"
    PSYCHOSOCIAL = "psychosocial"


class RiskLevel(StrEnum):
    """An enterprise's level: the highest level among its open flags."""

    OK = "ok"
    WATCH = "watch"
    AT_RISK = "at_risk"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RISK_RANK[self]


_RISK_RANK = {RiskLevel.OK: 0, RiskLevel.WATCH: 1, RiskLevel.AT_RISK: 2, RiskLevel.CRITICAL: 3}


class FlagRuleCode(StrEnum):
    """The signals of DOMAIN.md §6. Thresholds are data (table flag_rule)."""

    LOAN_DAYS_PAST_DUE = "loan_days_past_due"
    BUSINESS_STATUS = "business_status"
    SALES_DROP = "sales_drop"
    KIT_RETAINED = "kit_retained"
    DSCR = "dscr"
    COMPOSITE_SCORE = "composite_score"
    VISITS_OVERDUE = "visits_overdue"
    OWNER_ABSENT = "owner_absent"


class ActionKind(StrEnum):
    """What was decided about a flagged enterprise."""

    EXTRA_TRAINING = "extra_training"
    ADDITIONAL_KIT_ITEMS = "additional_kit_items"
    PARTNER_REFERRAL = "partner_referral"
    LOAN_RESCHEDULE_REQUEST = "loan_reschedule_request"
    PSYCHOSOCIAL_REFERRAL = "psychosocial_referral"
    OTHER = "other"


class ActionStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
