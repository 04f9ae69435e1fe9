"""Creating enterprises and keeping track of who runs them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.vocabulary import EnterpriseKind, MemberRole
from portfolio.models import Beneficiary, Commune, Enterprise, EnterpriseMember, db
from portfolio.services.places import check_place, check_programme, check_sector
from portfolio.services.unit_of_work import ServiceError, unit_of_work

FIELDS = (
    "programme_id",
    "name",
    "sector_id",
    "commune_id",
    "village_id",
    "started_on",
    "status",
    "kind",
    "paid_employees",
    "family_workers",
)


def _check(values: dict[str, Any], scope_region_id: int | None) -> None:
    check_programme(values["programme_id"])
    check_sector(values["sector_id"])
    check_place(values["commune_id"], values.get("village_id"), scope_region_id)


def _apply(enterprise: Enterprise, values: dict[str, Any]) -> None:
    for field in FIELDS:
        if field in values:
            setattr(enterprise, field, values[field])
    enterprise.name = values["name"].strip()


def _beneficiary_in_scope(beneficiary_id: int, scope_region_id: int | None) -> Beneficiary:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    if beneficiary is None:
        raise ServiceError(_("Unknown beneficiary."), "beneficiary_id")
    if scope_region_id is not None:
        region_id = db.session.scalar(
            sa.select(Commune.region_id).where(Commune.id == beneficiary.commune_id)
        )
        if region_id != scope_region_id:
            raise ServiceError(_("This beneficiary is outside your region."), "beneficiary_id")
    return beneficiary


def create_enterprise(
    values: dict[str, Any], owner_id: int, scope_region_id: int | None = None
) -> Enterprise:
    """An enterprise starts with the beneficiary who leads it (owner or president)."""
    with unit_of_work() as session:
        _check(values, scope_region_id)
        _beneficiary_in_scope(owner_id, scope_region_id)
        enterprise = Enterprise()
        _apply(enterprise, values)
        lead_role = (
            MemberRole.OWNER
            if enterprise.kind == EnterpriseKind.INDIVIDUAL
            else MemberRole.PRESIDENT
        )
        enterprise.members.append(EnterpriseMember(beneficiary_id=owner_id, role=lead_role))
        session.add(enterprise)
    return enterprise


def update_enterprise(
    enterprise: Enterprise, values: dict[str, Any], scope_region_id: int | None = None
) -> Enterprise:
    with unit_of_work():
        _check(values, scope_region_id)
        if values.get("kind") == EnterpriseKind.INDIVIDUAL and len(enterprise.members) > 1:
            raise ServiceError(
                _("An enterprise with several members must stay collective."), "kind"
            )
        _apply(enterprise, values)
    return enterprise


def add_member(
    enterprise: Enterprise,
    beneficiary_id: int,
    role: MemberRole | str,
    scope_region_id: int | None = None,
) -> EnterpriseMember:
    with unit_of_work():
        if enterprise.kind != EnterpriseKind.COLLECTIVE:
            raise ServiceError(
                _("Only a collective enterprise can have several members."), "beneficiary_id"
            )
        _beneficiary_in_scope(beneficiary_id, scope_region_id)
        if any(m.beneficiary_id == beneficiary_id for m in enterprise.members):
            raise ServiceError(_("This person is already a member."), "beneficiary_id")
        member = EnterpriseMember(beneficiary_id=beneficiary_id, role=MemberRole(role))
        enterprise.members.append(member)
    return member


def remove_member(enterprise: Enterprise, member_id: int) -> None:
    with unit_of_work():
        member = next((m for m in enterprise.members if m.id == member_id), None)
        if member is None:
            raise ServiceError(_("Unknown member."), "member_id")
        if len(enterprise.members) == 1:
            raise ServiceError(_("An enterprise keeps at least one member."), "member_id")
        enterprise.members.remove(member)
