"""Enterprise lists for screens, exports and the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.domain.vocabulary import MemberRole, Sex
from portfolio.models import (
    Beneficiary,
    Commune,
    Enterprise,
    EnterpriseMember,
    EnterpriseRisk,
    Programme,
    Region,
    Sector,
    Village,
    db,
)
from portfolio.reporting.filters import LIKE_ESCAPE, ListFilter, search_term
from portfolio.reporting.pagination import Page, paginate

LEAD_ROLES = (MemberRole.OWNER, MemberRole.PRESIDENT)


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    name: str
    programme_code: str
    sector_code: str
    sector_fr: str
    sector_en: str
    region: str
    commune: str
    village: str | None
    status: str
    kind: str
    started_on: date | None
    members: int
    paid_employees: int
    family_workers: int
    lead_name: str | None
    lead_sex: str | None
    lead_phone: str | None

    @property
    def lead_sex_enum(self) -> Sex | None:
        return Sex(self.lead_sex) if self.lead_sex else None

    @property
    def jobs(self) -> int:
        return self.members + self.paid_employees + self.family_workers

    def sector(self, locale: str) -> str:
        return self.sector_fr if locale.startswith("fr") else self.sector_en


def lead_value(
    column: sa.ColumnElement, enterprise_id: sa.ColumnElement | None = None
) -> sa.ScalarSelect:
    """One column of the enterprise's lead (owner, else president), as a subquery.

    `enterprise_id` is the outer query's column naming the enterprise
    (Enterprise.id by default; e.g. KitDelivery.enterprise_id).
    """
    enterprise_id = Enterprise.id if enterprise_id is None else enterprise_id
    return (
        sa.select(column)
        .join(EnterpriseMember, EnterpriseMember.beneficiary_id == Beneficiary.id)
        .where(
            EnterpriseMember.enterprise_id == enterprise_id,
            EnterpriseMember.role.in_(LEAD_ROLES),
        )
        .order_by(EnterpriseMember.id)
        .limit(1)
        .correlate(enterprise_id.table)
        .scalar_subquery()
    )


def lead_is_of_sex(sex: str) -> sa.Exists:
    """The enterprise's owner or president is of this sex (women-led, men-led)."""
    return (
        sa.exists()
        .where(
            EnterpriseMember.enterprise_id == Enterprise.id,
            EnterpriseMember.role.in_(LEAD_ROLES),
            EnterpriseMember.beneficiary_id == Beneficiary.id,
            Beneficiary.sex == sex,
        )
        .correlate(Enterprise)
    )


def _query(f: ListFilter) -> sa.Select:
    e = Enterprise
    members = (
        sa.select(sa.func.count(EnterpriseMember.id))
        .where(EnterpriseMember.enterprise_id == e.id)
        .correlate(e)
        .scalar_subquery()
    )
    query = (
        sa.select(
            e.id,
            e.name,
            Programme.code.label("programme_code"),
            Sector.code.label("sector_code"),
            Sector.name_fr.label("sector_fr"),
            Sector.name_en.label("sector_en"),
            Region.name.label("region"),
            Commune.name.label("commune"),
            Village.name.label("village"),
            e.status,
            e.kind,
            e.started_on,
            members.label("members"),
            e.paid_employees,
            e.family_workers,
            lead_value(Beneficiary.first_name + " " + Beneficiary.last_name).label("lead_name"),
            lead_value(Beneficiary.sex).label("lead_sex"),
            lead_value(Beneficiary.phone).label("lead_phone"),
        )
        .join(Programme, e.programme_id == Programme.id)
        .join(Sector, e.sector_id == Sector.id)
        .join(Commune, e.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .outerjoin(Village, e.village_id == Village.id)
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if term := search_term(f.q):
        query = query.where(sa.func.lower(e.name).like(term, escape=LIKE_ESCAPE))
    if f.programme_id:
        query = query.where(e.programme_id == f.programme_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.commune_id:
        query = query.where(e.commune_id == f.commune_id)
    if f.sector_id:
        query = query.where(e.sector_id == f.sector_id)
    if f.status:
        query = query.where(e.status == f.status)
    if f.sex:
        query = query.where(lead_is_of_sex(f.sex))
    if f.risk:
        level = (
            sa.select(EnterpriseRisk.level)
            .where(EnterpriseRisk.enterprise_id == e.id)
            .correlate(e)
            .scalar_subquery()
        )
        # An enterprise with no level computed yet is "ok".
        query = query.where(sa.func.coalesce(level, RiskLevel.OK.value) == f.risk)
    return query.order_by(e.name, e.id)


def enterprise_page(f: ListFilter, page: int, per_page: int) -> Page[EnterpriseRow]:
    return paginate(_query(f), EnterpriseRow, page, per_page)


def enterprise_rows(f: ListFilter) -> Iterator[EnterpriseRow]:
    result = db.session.execute(_query(f).execution_options(yield_per=1000))
    for row in result:
        yield EnterpriseRow(**row._mapping)
