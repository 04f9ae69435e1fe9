"""A programme's budget, line by line (one instrument each)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.models.base import db, enum_column, money_column, utcnow
from portfolio.models.programme import Programme


class BudgetLine(db.Model):
    """What the donor allows for one instrument; commitments beyond it are refused."""

    __tablename__ = "budget_line"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "instrument", "label"),
        sa.CheckConstraint("amount_xof >= 0", name="amount_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    programme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programme.id"), index=True)
    instrument: so.Mapped[Instrument] = so.mapped_column(enum_column(Instrument, "instrument"))
    #: E.g. "Subventions AGR", "Kits d'installation – Kayes".
    label: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: The line's current amount; every change is a BudgetRevision with its reason.
    amount_xof: so.Mapped[int] = money_column()

    programme: so.Mapped[Programme] = so.relationship()
    revisions: so.Mapped[list[BudgetRevision]] = so.relationship(
        back_populates="line", order_by="BudgetRevision.id"
    )

    def __str__(self) -> str:
        return f"{self.programme.code} – {self.label}"


class BudgetRevision(db.Model):
    """A manager raising (or lowering) a line: who, when, from what, to what, why."""

    __tablename__ = "budget_revision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    budget_line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budget_line.id"), index=True)
    previous_xof: so.Mapped[int] = money_column()
    new_xof: so.Mapped[int] = money_column()
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    revised_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    revised_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    line: so.Mapped[BudgetLine] = so.relationship(back_populates="revisions")
