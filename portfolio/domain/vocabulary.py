"""The closed lists of the domain: values stored in the database, labels in the UI.

Values are stable English identifiers (stored, sent over the API); the
French (or English) label a person reads comes from the web layer's
translation catalogue, never from these values.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    FINANCE = "finance"
    MONITOR = "monitor"


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"


class ReturnKind(StrEnum):
    ASSISTED_VOLUNTARY = "assisted_voluntary"
    EXPELLED = "expelled"
    TURNED_BACK = "turned_back"
    CONFLICT_DISPLACED = "conflict_displaced"


class ProgrammeStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"


class EnterpriseStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"


class EnterpriseKind(StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


class MemberRole(StrEnum):
    OWNER = "owner"
    PRESIDENT = "president"
    TREASURER = "treasurer"
    SECRETARY = "secretary"
    MEMBER = "member"
