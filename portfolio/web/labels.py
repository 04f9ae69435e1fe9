"""What a person reads for each stored value, translated."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from portfolio.domain.loans import (
    DscrVerdict,
    Frequency,
    GraceInterest,
    LenderType,
    RepaymentMethod,
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

LABELS: dict[StrEnum, object] = {
    Role.ADMIN: _l("Administrator"),
    Role.MANAGER: _l("Programme manager"),
    Role.FINANCE: _l("Finance officer"),
    Role.MONITOR: _l("Field monitor"),
    Sex.FEMALE: _l("Woman"),
    Sex.MALE: _l("Man"),
    ReturnKind.ASSISTED_VOLUNTARY: _l("Assisted voluntary return"),
    ReturnKind.EXPELLED: _l("Expelled / forced return"),
    ReturnKind.TURNED_BACK: _l("Turned back at a border"),
    ReturnKind.CONFLICT_DISPLACED: _l("Displaced by conflict"),
    ProgrammeStatus.PLANNED: _l("Planned"),
    ProgrammeStatus.ACTIVE: _l("Active"),
    ProgrammeStatus.CLOSED: _l("Closed"),
    EnterpriseStatus.PLANNED: _l("Planned"),
    EnterpriseStatus.ACTIVE: _l("Operating"),
    EnterpriseStatus.TEMPORARILY_CLOSED: _l("Temporarily closed"),
    EnterpriseStatus.CLOSED: _l("Closed"),
    EnterpriseKind.INDIVIDUAL: _l("Individual"),
    EnterpriseKind.COLLECTIVE: _l("Collective"),
    MemberRole.OWNER: _l("Owner"),
    MemberRole.PRESIDENT: _l("President"),
    MemberRole.TREASURER: _l("Treasurer"),
    MemberRole.SECRETARY: _l("Secretary"),
    MemberRole.MEMBER: _l("Member"),
    RepaymentMethod.DECLINING_EQUAL_INSTALMENTS: _l("Declining balance, equal instalments"),
    RepaymentMethod.DECLINING_EQUAL_PRINCIPAL: _l("Declining balance, equal principal"),
    RepaymentMethod.FLAT: _l("Flat rate"),
    Frequency.MONTHLY: _l("Monthly"),
    Frequency.FOUR_WEEKLY: _l("Every four weeks"),
    Frequency.WEEKLY: _l("Weekly"),
    Frequency.QUARTERLY: _l("Quarterly"),
    GraceInterest.NONE: _l("Interest paid during the grace period"),
    GraceInterest.DEFERRED: _l("Interest deferred to the first repayment"),
    GraceInterest.WAIVED: _l("Interest waived during the grace period"),
    LenderType.SFD: _l("Microfinance institution (SFD)"),
    LenderType.BANK: _l("Bank"),
    DscrVerdict.FINE: _l("The business can carry it"),
    DscrVerdict.TIGHT: _l("Tight: little margin left"),
    DscrVerdict.NOT_CARRIED: _l("The business alone cannot carry it"),
}


def label(value: StrEnum | None) -> str:
    if value is None:
        return ""
    return str(LABELS.get(value, value))


def choices(enum: type[StrEnum]) -> list[SelectChoice]:
    """Options for a select field, in the enum's order."""
    return [SelectChoice(member.value, LABELS[member]) for member in enum]
