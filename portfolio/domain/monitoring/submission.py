"""The offline visit form (Kobo / ODK) and the columns of its submission exports.

Pure Python: which questions the XLSForm asks (names, groups, types) and how
an export's header names map back to them (DOMAIN.md §7). Kobo joins group
paths with ``/`` (``business/monthly_sales_xof``), ODK Central with ``-``
(``business-monthly_sales_xof``); both name the questions by their XML names,
so a column is recognised by its last path segment, whatever the groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import Dimension

FORM_ID = "portfolio_visit"
#: Bumped whenever a question changes: Kobo and ODK refuse a form whose version
#: did not change, and exports carry it in ``__version__``.
FORM_VERSION = "2026112401"


class ExportFormat(StrEnum):
    KOBO = "kobo"
    ODK = "odk"


@dataclass(frozen=True, slots=True)
class Question:
    name: str
    type: str
    group: str | None = None
    required: bool = False
    #: XPath constraint on ``.``, checked on the phone (the import checks again).
    constraint: str | None = None
    #: XPath condition for the question to be asked at all.
    relevant: str | None = None


#: Sales, stock and workers are asked only of a business that is still there.
_STILL_THERE = "selected(${business_status}, 'operating') or " + (
    "selected(${business_status}, 'temporarily_closed')"
)
BUSINESS_QUESTIONS = (
    Question("business_status", "select_one business_status", "business", required=True),
    Question(
        "monthly_sales_xof", "integer", "business", constraint=". >= 0", relevant=_STILL_THERE
    ),
    Question(
        "monthly_costs_xof", "integer", "business", constraint=". >= 0", relevant=_STILL_THERE
    ),
    Question("stock_level", "select_one stock_level", "business", relevant=_STILL_THERE),
    Question(
        "paid_employees",
        "integer",
        "business",
        constraint=". >= 0 and . <= 500",
        relevant=_STILL_THERE,
    ),
    Question(
        "family_workers",
        "integer",
        "business",
        constraint=". >= 0 and . <= 500",
        relevant=_STILL_THERE,
    ),
)
KIT_QUESTIONS = (
    Question("kit_retained_pct", "integer", "kit", constraint=". >= 0 and . <= 100"),
    Question("kit_sold", "select_one yes_no", "kit"),
)
ITEM_QUESTIONS = tuple(
    Question(item.code, "select_one scale", item.dimension.value) for item in REINTEGRATION_ITEMS
)
#: Every question, in the order of the form (groups opened where their first question is).
QUESTIONS: tuple[Question, ...] = (
    Question("enterprise", "select_one enterprise", required=True),
    Question("visited_on", "date", required=True, constraint=". <= today()"),
    Question("owner_present", "select_one yes_no", required=True),
    *BUSINESS_QUESTIONS,
    Question("problems", "select_multiple problems"),
    *KIT_QUESTIONS,
    *ITEM_QUESTIONS,
    Question("support_needed", "text"),
    Question("gps", "geopoint"),
    Question("photo", "image"),
    Question("notes", "text"),
)
GROUPS: tuple[str, ...] = ("business", "kit", *(d.value for d in Dimension))
QUESTION_NAMES = frozenset(q.name for q in QUESTIONS)

#: Export meta columns → the key the import uses.
KOBO_META = {
    "meta/instanceid": "instance_id",
    "meta/deprecatedid": "deprecated_id",
    "_submission_time": "submitted_at",
    "_submitted_by": "submitted_by",
    "_validation_status": "review_state",
    "_gps_latitude": "gps_latitude",
    "_gps_longitude": "gps_longitude",
    "_gps_altitude": "gps_altitude",
    "_gps_precision": "gps_accuracy",
}
ODK_META = {
    "meta-instanceid": "instance_id",
    "meta-deprecatedid": "deprecated_id",
    "submissiondate": "submitted_at",
    "submittername": "submitter_name",
    "key": "key",
    "reviewstate": "review_state",
    "gps-latitude": "gps_latitude",
    "gps-longitude": "gps_longitude",
    "gps-altitude": "gps_altitude",
    "gps-accuracy": "gps_accuracy",
}
_KOBO_MARKERS = frozenset({"_uuid", "_submission_time", "meta/instanceid", "_id", "_index"})
_ODK_MARKERS = frozenset({"submissiondate", "key", "meta-instanceid", "reviewstate"})


#: Review states (ODK ``ReviewState``, Kobo ``_validation_status`` as uid or label) that
#: mean a supervisor turned the submission down: such rows are not imported.
REFUSED_REVIEW_STATES = frozenset(
    {"rejected", "validation_status_not_approved", "not approved", "non approuvé"}
)


def is_refused_review(state: str) -> bool:
    return state.strip().lower() in REFUSED_REVIEW_STATES


def detect_format(headers: Sequence[str]) -> ExportFormat | None:
    """Kobo or ODK Central from the header row; None when it is neither."""
    names = {h.strip().lower() for h in headers}
    if names & _ODK_MARKERS and not names & {"_uuid", "meta/instanceid"}:
        return ExportFormat.ODK
    if names & _KOBO_MARKERS:
        return ExportFormat.KOBO
    return None


def column_map(headers: Sequence[str], export: ExportFormat) -> dict[str, int]:
    """Key (question name or meta key) → column index; unknown columns are ignored.

    The 0/1 columns Kobo adds per option of a multiple choice
    (``problems/raw_materials``) are skipped: the space-separated column is read.
    Group columns of ODK (``gps-Latitude`` at the top level) are meta keys.
    """
    separator, meta = ("/", KOBO_META) if export is ExportFormat.KOBO else ("-", ODK_META)
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        text = header.strip()
        lowered = text.lower()
        if lowered in meta:
            found.setdefault(meta[lowered], index)
            continue
        parts = text.split(separator)
        name = parts[-1]
        if name in QUESTION_NAMES and (len(parts) == 1 or parts[-2] in GROUPS):
            found.setdefault(name, index)
    return found
