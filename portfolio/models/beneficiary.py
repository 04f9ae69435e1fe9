from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.vocabulary import ReturnKind, Sex
from portfolio.models.base import db, enum_column, utcnow
from portfolio.models.programme import Programme
from portfolio.models.reference import Commune, Village


class Beneficiary(db.Model):
    """A returnee supported by a programme."""

    __tablename__ = "beneficiary"
    __table_args__ = (
        sa.CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_plausible"),
        sa.Index("ix_beneficiary_names", "last_name", "first_name"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    programme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programme.id"), index=True)
    first_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    last_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    sex: so.Mapped[Sex] = so.mapped_column(enum_column(Sex, "sex"), index=True)
    birth_year: so.Mapped[int | None]
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    commune_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commune.id"), index=True)
    village_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("village.id"))
    returned_on: so.Mapped[date | None]
    #: Country the person came back from (Côte d'Ivoire, Algérie, Libye...).
    returned_from: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    return_kind: so.Mapped[ReturnKind] = so.mapped_column(enum_column(ReturnKind, "return_kind"))
    woman_head_of_household: so.Mapped[bool] = so.mapped_column(default=False)
    vulnerability_notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Opaque case number from another system (e.g. the IOM case file); never parsed.
    external_case_number: so.Mapped[str | None] = so.mapped_column(sa.String(60), index=True)
    #: Date the person agreed to their data being used; None means no consent recorded.
    consent_on: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    programme: so.Mapped[Programme] = so.relationship()
    commune: so.Mapped[Commune] = so.relationship()
    village: so.Mapped[Village | None] = so.relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.full_name
