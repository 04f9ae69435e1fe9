"""The key figures on the home page, computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portfolio.domain.vocabulary import EnterpriseStatus, Sex
from portfolio.models import Beneficiary, Commune, Enterprise, EnterpriseMember, db


@dataclass(frozen=True)
class Overview:
    beneficiaries: int
    women: int
    enterprises: int
    enterprises_active: int
    enterprises_paused: int
    enterprises_closed: int
    jobs: int
    communes: int

    @property
    def women_share(self) -> float:
        return self.women / self.beneficiaries if self.beneficiaries else 0.0


def overview(scope_region_id: int | None = None) -> Overview:
    people = sa.select(
        sa.func.count(Beneficiary.id).label("beneficiaries"),
        sa.func.count(Beneficiary.id).filter(Beneficiary.sex == Sex.FEMALE).label("women"),
    ).join(Commune, Beneficiary.commune_id == Commune.id)
    members = (
        sa.select(sa.func.count(EnterpriseMember.id))
        .join(Enterprise, EnterpriseMember.enterprise_id == Enterprise.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .where(Enterprise.status == EnterpriseStatus.ACTIVE)
    )
    businesses = sa.select(
        sa.func.count(Enterprise.id).label("enterprises"),
        sa.func.count(Enterprise.id)
        .filter(Enterprise.status == EnterpriseStatus.ACTIVE)
        .label("enterprises_active"),
        sa.func.count(Enterprise.id)
        .filter(Enterprise.status == EnterpriseStatus.TEMPORARILY_CLOSED)
        .label("enterprises_paused"),
        sa.func.count(Enterprise.id)
        .filter(Enterprise.status == EnterpriseStatus.CLOSED)
        .label("enterprises_closed"),
        # Jobs are counted in operating businesses only: owners + employees + family.
        sa.func.coalesce(
            sa.func.sum(Enterprise.paid_employees + Enterprise.family_workers).filter(
                Enterprise.status == EnterpriseStatus.ACTIVE
            ),
            0,
        ).label("workers"),
        sa.func.count(sa.distinct(Enterprise.commune_id)).label("communes"),
    ).join(Commune, Enterprise.commune_id == Commune.id)
    if scope_region_id is not None:
        people = people.where(Commune.region_id == scope_region_id)
        members = members.where(Commune.region_id == scope_region_id)
        businesses = businesses.where(Commune.region_id == scope_region_id)
    p = db.session.execute(people).one()
    b = db.session.execute(businesses).one()
    owners = db.session.scalar(members) or 0
    return Overview(
        beneficiaries=p.beneficiaries,
        women=p.women,
        enterprises=b.enterprises,
        enterprises_active=b.enterprises_active,
        enterprises_paused=b.enterprises_paused,
        enterprises_closed=b.enterprises_closed,
        jobs=owners + b.workers,
        communes=b.communes,
    )
