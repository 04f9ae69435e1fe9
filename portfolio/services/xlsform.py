"""The visit form as an XLSForm for KoboToolbox / ODK Collect (monitors work offline).

The questions are those of the web visit form (``domain/monitoring/submission``);
labels come from the message catalogue in French and English, so the form
speaks like the application. ``pyxform`` converts the file (the tests prove it).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from portfolio.domain.monitoring.submission import (
    FORM_ID,
    FORM_VERSION,
    QUESTIONS,
    Question,
)
from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    Dimension,
    Problem,
    StockLevel,
)
from portfolio.models import Commune, Enterprise, Region, Village, db

LANGUAGES = (("French (fr)", "fr"), ("English (en)", "en"))


@dataclass(frozen=True, slots=True)
class EnterpriseChoice:
    id: int
    name: str
    place: str


QUESTION_LABELS = {
    "enterprise": _l("Enterprise visited"),
    "visited_on": _l("Date of the visit"),
    "owner_present": _l("Was the owner present?"),
    "business_status": _l("State of the business"),
    "monthly_sales_xof": _l("Sales last month (FCFA)"),
    "monthly_costs_xof": _l("Costs last month (FCFA)"),
    "stock_level": _l("Stock level"),
    "paid_employees": _l("Paid employees"),
    "family_workers": _l("Family workers"),
    "problems": _l("Problems met since the last visit"),
    "kit_retained_pct": _l("Share of the starter kit still present and in use (%)"),
    "kit_sold": _l("Was part of the kit sold?"),
    "income_sufficiency": _l("Is the income enough to cover the household's needs?"),
    "food_reduction": _l("How often did the household have to eat less?"),
    "ability_to_borrow": _l("Could the person borrow money if needed?"),
    "debt_burden": _l("How heavy are debts compared with spending?"),
    "work": _l("Does the person have regular work?"),
    "productive_assets": _l("Does the person own productive assets?"),
    "housing": _l("Is the housing adequate?"),
    "education_access": _l("Do the children have access to school?"),
    "health_care_access": _l("Is health care within reach?"),
    "water_access": _l("Is there access to drinking water?"),
    "identity_documents": _l("Does the person have identity documents?"),
    "justice_access": _l("Could the person turn to the police or justice?"),
    "support_network": _l("Can the person count on a support network?"),
    "community_participation": _l("Does the person take part in community life?"),
    "discrimination": _l("How often does the person feel discriminated against?"),
    "feels_safe": _l("Does the person feel safe?"),
    "distress": _l("How often does the person feel distress?"),
    "wants_psychological_help": _l("Does the person wish for psychological help?"),
    "staying_is_a_choice": _l("Does staying feel like a choice?"),
    "support_needed": _l("Support needed"),
    "gps": _l("Position of the business"),
    "photo": _l("Photo of the business"),
    "notes": _l("Notes"),
}
GROUP_LABELS = {
    "business": _l("The business"),
    "kit": _l("Starter kit"),
    Dimension.ECONOMIC.value: _l("Economic reintegration"),
    Dimension.SOCIAL.value: _l("Social reintegration"),
    Dimension.PSYCHOSOCIAL.value: _l("Psychosocial reintegration"),
}
HINTS = {
    "kit_retained_pct": _l("Leave empty when the enterprise received no kit."),
    "photo": _l("Kept on the phone: the import does not transfer photos."),
}
CONSTRAINT_MESSAGES = {
    "visited_on": _l("The visit date cannot be in the future."),
    "monthly_sales_xof": _l("Enter a whole number of francs, zero or more."),
    "monthly_costs_xof": _l("Enter a whole number of francs, zero or more."),
    "paid_employees": _l("Enter a whole number, zero or more."),
    "family_workers": _l("Enter a whole number, zero or more."),
    "kit_retained_pct": _l("Enter a percentage from 0 to 100."),
}
SCALE_LABELS = (
    _l("0 – not at all / never"),
    _l("1 – a little / rarely"),
    _l("2 – moderately / sometimes"),
    _l("3 – mostly / often"),
    _l("4 – completely / always"),
)
YES_NO = (("yes", _l("Yes")), ("no", _l("No")))


def enterprise_choices(region_id: int | None) -> list[EnterpriseChoice]:
    """The enterprises a monitor of the region may visit (all when None), by name."""
    query = (
        sa.select(Enterprise.id, Enterprise.name, Village.name, Commune.name)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .outerjoin(Village, Enterprise.village_id == Village.id)
        .order_by(Enterprise.name, Enterprise.id)
    )
    if region_id is not None:
        query = query.where(Commune.region_id == region_id)
    return [
        EnterpriseChoice(id_, name, village or commune)
        for id_, name, village, commune in db.session.execute(query)
    ]


def region_named(name: str) -> int | None:
    return db.session.scalar(sa.select(Region.id).where(sa.func.lower(Region.name) == name.lower()))


def _texts(text: object) -> list[str]:
    """The text in each language of the form, in LANGUAGES order."""
    out = []
    for _name, code in LANGUAGES:
        with force_locale(code):
            out.append(str(text))
    return out


def _survey_rows(question: Question) -> list[list]:
    name = question.name
    hint = HINTS.get(name)
    message = CONSTRAINT_MESSAGES.get(name)
    return [
        [
            question.type,
            name,
            *_texts(QUESTION_LABELS[name]),
            *(_texts(hint) if hint else ["", ""]),
            "yes" if question.required else "",
            question.constraint or "",
            *(_texts(message) if message else ["", ""]),
            question.relevant or "",
            "minimal" if question.type.startswith("select_one enterprise") else "",
            # Photos stay on the phone; a small one is enough and sends faster.
            "max-pixels=1024" if question.type == "image" else "",
        ]
    ]


def _survey() -> list[list]:
    header = [
        "type",
        "name",
        *(f"label::{lang}" for lang, _c in LANGUAGES),
        *(f"hint::{lang}" for lang, _c in LANGUAGES),
        "required",
        "constraint",
        *(f"constraint_message::{lang}" for lang, _c in LANGUAGES),
        "relevant",
        "appearance",
        "parameters",
    ]
    width = len(header)
    rows = [header, ["start", "start"] + [""] * (width - 2), ["end", "end"] + [""] * (width - 2)]
    open_group: str | None = None
    for question in QUESTIONS:
        if question.group != open_group:
            if open_group is not None:
                rows.append(["end group", open_group] + [""] * (width - 2))
            if question.group is not None:
                rows.append(
                    ["begin group", question.group, *_texts(GROUP_LABELS[question.group])]
                    + [""] * (width - 4)
                )
            open_group = question.group
        rows.extend(_survey_rows(question))
    if open_group is not None:
        rows.append(["end group", open_group] + [""] * (width - 2))
    return rows


def _choices(
    enterprises: Iterable[EnterpriseChoice], label_of: Callable[[StrEnum], object]
) -> list[list]:
    rows: list[list] = [["list_name", "name", *(f"label::{lang}" for lang, _c in LANGUAGES)]]
    for value, text in YES_NO:
        rows.append(["yes_no", value, *_texts(text)])
    for enum, list_name in (
        (BusinessStatus, "business_status"),
        (StockLevel, "stock_level"),
        (Problem, "problems"),
    ):
        for member in enum:
            rows.append([list_name, member.value, *_texts(label_of(member))])
    for value, text in enumerate(SCALE_LABELS):
        rows.append(["scale", str(value), *_texts(text)])
    for enterprise in enterprises:
        text = f"{enterprise.name} — {enterprise.place}"
        rows.append(["enterprise", str(enterprise.id), text, text])
    return rows


def build_xlsform(
    region_id: int | None,
    enterprises: Iterable[EnterpriseChoice],
    *,
    label_of: Callable[[StrEnum], object],
) -> bytes:
    """The form as an .xlsx file (sheets survey, choices, settings).

    ``enterprises`` fill the ``enterprise`` list: those of ``region_id`` for a monitor.
    ``label_of`` names a stored value for people (``web.labels.label``), called once
    per language: the presentation layer owns the wording of the vocabulary.
    """
    enterprises = list(enterprises)
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    for row in _survey():
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in _choices(enterprises, label_of):
        choices.append(row)
    if not enterprises:
        # pyxform refuses an empty list: a placeholder no one can pick by mistake.
        choices.append(["enterprise", "0", *_texts(_l("(no enterprise in this region)"))])
    settings = book.create_sheet("settings")
    suffix = f"_r{region_id}" if region_id is not None else ""
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    settings.append(
        [
            _texts(_l("Follow-up visit"))[0],
            FORM_ID + suffix,
            FORM_VERSION,
            LANGUAGES[0][0],
            "concat(${enterprise}, ' ', ${visited_on})",
        ]
    )
    for sheet in (survey, choices, settings):
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["EnterpriseChoice", "build_xlsform", "enterprise_choices", "region_named"]
