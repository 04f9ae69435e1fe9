from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.vocabulary import ProgrammeStatus
from portfolio.models.base import db, enum_column, money_column


class Programme(db.Model):
    """A funded reintegration programme (e.g. EU-IOM Joint Initiative Mali)."""

    __tablename__ = "programme"
    __table_args__ = (
        sa.CheckConstraint("budget_xof >= 0", name="budget_not_negative"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Short code used in reports and on the command line, e.g. "UE-OIM-2026".
    code: so.Mapped[str] = so.mapped_column(sa.String(30), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    donor: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: Currency the donor reports in; the ledger itself is always kept in XOF.
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="XOF")
    #: Total budget in whole francs CFA.
    budget_xof: so.Mapped[int] = money_column()
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date | None]
    status: so.Mapped[ProgrammeStatus] = so.mapped_column(
        enum_column(ProgrammeStatus, "programme_status"), default=ProgrammeStatus.ACTIVE
    )

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
