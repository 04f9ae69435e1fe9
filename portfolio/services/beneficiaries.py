"""Registering returnees and keeping their record up to date."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from portfolio.models import Beneficiary
from portfolio.services.places import check_place, check_programme
from portfolio.services.unit_of_work import ServiceError, unit_of_work

FIELDS = (
    "programme_id",
    "first_name",
    "last_name",
    "sex",
    "birth_year",
    "phone",
    "commune_id",
    "village_id",
    "returned_on",
    "returned_from",
    "return_kind",
    "woman_head_of_household",
    "vulnerability_notes",
    "external_case_number",
    "consent_on",
)


def _check(values: dict[str, Any], scope_region_id: int | None) -> None:
    check_programme(values["programme_id"])
    check_place(values["commune_id"], values.get("village_id"), scope_region_id)
    returned_on = values.get("returned_on")
    if returned_on and returned_on > date.today():
        raise ServiceError(_("The return date cannot be in the future."), "returned_on")
    consent_on = values.get("consent_on")
    if consent_on and consent_on > date.today():
        raise ServiceError(_("The consent date cannot be in the future."), "consent_on")
    birth_year = values.get("birth_year")
    if birth_year and returned_on and birth_year > returned_on.year:
        raise ServiceError(_("The birth year is after the return date."), "birth_year")


def _apply(beneficiary: Beneficiary, values: dict[str, Any]) -> None:
    for field in FIELDS:
        if field in values:
            value = values[field]
            setattr(beneficiary, field, value.strip() or None if isinstance(value, str) else value)
    # Names are required: keep them even if stripping emptied an optional twin.
    beneficiary.first_name = values["first_name"].strip()
    beneficiary.last_name = values["last_name"].strip()


def register_beneficiary(values: dict[str, Any], scope_region_id: int | None = None) -> Beneficiary:
    with unit_of_work() as session:
        _check(values, scope_region_id)
        beneficiary = Beneficiary()
        _apply(beneficiary, values)
        session.add(beneficiary)
    return beneficiary


def update_beneficiary(
    beneficiary: Beneficiary, values: dict[str, Any], scope_region_id: int | None = None
) -> Beneficiary:
    with unit_of_work():
        _check(values, scope_region_id)
        _apply(beneficiary, values)
    return beneficiary
