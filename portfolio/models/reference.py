"""Reference data an admin edits: places (region > commune > village) and sectors."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.models.base import db


class Region(db.Model):
    __tablename__ = "region"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Official name, e.g. "Kayes" or "District de Bamako".
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)

    communes: so.Mapped[list[Commune]] = so.relationship(
        back_populates="region", order_by="Commune.name"
    )

    def __str__(self) -> str:
        return self.name


class Commune(db.Model):
    """A commune (or cercle seat) within a region."""

    __tablename__ = "commune"
    __table_args__ = (sa.UniqueConstraint("region_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("region.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: The cercle the commune belongs to (administrative level between region and commune).
    cercle: so.Mapped[str | None] = so.mapped_column(sa.String(80))

    region: so.Mapped[Region] = so.relationship(back_populates="communes")
    villages: so.Mapped[list[Village]] = so.relationship(
        back_populates="commune", order_by="Village.name"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.region.name})"


class Village(db.Model):
    __tablename__ = "village"
    __table_args__ = (sa.UniqueConstraint("commune_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    commune_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commune.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))

    commune: so.Mapped[Commune] = so.relationship(back_populates="villages")

    def __str__(self) -> str:
        return self.name


class Sector(db.Model):
    """A trade a supported business works in (tailoring, fishing, ...)."""

    __tablename__ = "sector"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stable identifier used by imports and the API, e.g. "tailoring".
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name_fr: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: Farm, livestock and fishing earn at harvest or season, not every month.
    seasonal: so.Mapped[bool] = so.mapped_column(default=False)

    def name(self, locale: str) -> str:
        return self.name_fr if locale.startswith("fr") else self.name_en
