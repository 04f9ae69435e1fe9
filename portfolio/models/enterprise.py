from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus, MemberRole
from portfolio.models.base import db, enum_column, utcnow
from portfolio.models.beneficiary import Beneficiary
from portfolio.models.programme import Programme
from portfolio.models.reference import Commune, Sector, Village


class Enterprise(db.Model):
    """An income-generating activity (AGR), run by one returnee or a group."""

    __tablename__ = "enterprise"
    __table_args__ = (
        sa.CheckConstraint("paid_employees >= 0", name="paid_employees_not_negative"),
        sa.CheckConstraint("family_workers >= 0", name="family_workers_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    programme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programme.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)
    sector_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sector.id"), index=True)
    commune_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commune.id"), index=True)
    village_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("village.id"))
    started_on: so.Mapped[date | None]
    status: so.Mapped[EnterpriseStatus] = so.mapped_column(
        enum_column(EnterpriseStatus, "enterprise_status"), index=True
    )
    kind: so.Mapped[EnterpriseKind] = so.mapped_column(
        enum_column(EnterpriseKind, "enterprise_kind")
    )
    #: Jobs besides the owners: employees paid a wage, and unpaid family workers.
    paid_employees: so.Mapped[int] = so.mapped_column(default=0)
    family_workers: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    programme: so.Mapped[Programme] = so.relationship()
    sector: so.Mapped[Sector] = so.relationship()
    commune: so.Mapped[Commune] = so.relationship()
    village: so.Mapped[Village | None] = so.relationship()
    members: so.Mapped[list[EnterpriseMember]] = so.relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="EnterpriseMember.id"
    )

    @property
    def owners(self) -> int:
        return len(self.members)

    @property
    def jobs(self) -> int:
        return self.owners + self.paid_employees + self.family_workers

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(db.Model):
    """A beneficiary taking part in an enterprise (the owner, or a collective's member)."""

    __tablename__ = "enterprise_member"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "beneficiary_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    beneficiary_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("beneficiary.id"), index=True)
    role: so.Mapped[MemberRole] = so.mapped_column(enum_column(MemberRole, "member_role"))

    enterprise: so.Mapped[Enterprise] = so.relationship(back_populates="members")
    beneficiary: so.Mapped[Beneficiary] = so.relationship()
