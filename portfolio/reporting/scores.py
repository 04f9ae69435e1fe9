"""Reintegration scores: one enterprise over time, and places ranked (the study's Table 1).

A place's score is the mean, over its enterprises, of each enterprise's
LATEST visit's scores (DOMAIN.md §1): one voice per business, however
often it was visited. Ranked by composite, highest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portfolio.models import Commune, Enterprise, Region, Visit, db
from portfolio.models.base import Rate

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class ScoreFilter:
    programme_id: int | None = None
    region_id: int | None = None
    sector_id: int | None = None
    scope_region_id: int | None = None


@dataclass(frozen=True)
class VisitScoreRow:
    visit_id: int
    visited_on: date
    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None


@dataclass(frozen=True)
class PlaceScores:
    place: str
    region: str | None
    enterprises: int
    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None


def enterprise_scores(enterprise_id: int) -> list[VisitScoreRow]:
    """The enterprise's visits with scores, oldest first."""
    rows = db.session.execute(
        sa.select(
            Visit.id.label("visit_id"),
            Visit.visited_on,
            Visit.economic_score.label("economic"),
            Visit.social_score.label("social"),
            Visit.psychosocial_score.label("psychosocial"),
            Visit.composite_score.label("composite"),
        )
        .where(Visit.enterprise_id == enterprise_id)
        .order_by(Visit.visited_on, Visit.id)
    )
    return [VisitScoreRow(**r._mapping) for r in rows]


def _latest_visits(f: ScoreFilter) -> sa.Subquery:
    ranked = sa.select(
        Visit.enterprise_id,
        Visit.economic_score,
        Visit.social_score,
        Visit.psychosocial_score,
        Visit.composite_score,
        sa.func.row_number()
        .over(partition_by=Visit.enterprise_id, order_by=(Visit.visited_on.desc(), Visit.id.desc()))
        .label("rn"),
    )
    if f.programme_id or f.sector_id or f.region_id or f.scope_region_id is not None:
        ranked = ranked.join(Enterprise, Enterprise.id == Visit.enterprise_id)
        if f.programme_id:
            ranked = ranked.where(Enterprise.programme_id == f.programme_id)
        if f.sector_id:
            ranked = ranked.where(Enterprise.sector_id == f.sector_id)
        if f.region_id or f.scope_region_id is not None:
            ranked = ranked.join(Commune, Commune.id == Enterprise.commune_id)
            if f.region_id:
                ranked = ranked.where(Commune.region_id == f.region_id)
            if f.scope_region_id is not None:
                ranked = ranked.where(Commune.region_id == f.scope_region_id)
    ranked = ranked.subquery()
    return sa.select(ranked).where(ranked.c.rn == 1).subquery()


def _mean(column) -> sa.ColumnElement:
    # The scores are stored in millionths (models.base.Rate): average those,
    # read back as a Rate so the result is a Decimal fraction on every engine.
    return sa.type_coerce(sa.func.round(sa.func.avg(sa.type_coerce(column, sa.BigInteger))), Rate())


def place_scores(f: ScoreFilter, by: str = "commune") -> list[PlaceScores]:
    """Mean scores of each place's enterprises (latest visit each), best composite first."""
    latest = _latest_visits(f)
    columns = (
        sa.func.count(latest.c.enterprise_id).label("enterprises"),
        _mean(latest.c.economic_score).label("economic"),
        _mean(latest.c.social_score).label("social"),
        _mean(latest.c.psychosocial_score).label("psychosocial"),
        _mean(latest.c.composite_score).label("composite"),
    )
    query = (
        sa.select(Region.name.label("region"), *columns)
        .select_from(latest)
        .join(Enterprise, Enterprise.id == latest.c.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .join(Region, Region.id == Commune.region_id)
    )
    if by == "region":
        query = query.add_columns(Region.name.label("place")).group_by(Region.name)
    else:
        query = query.add_columns(Commune.name.label("place")).group_by(
            Commune.id, Commune.name, Region.name
        )
    composite = sa.func.avg(sa.type_coerce(latest.c.composite_score, sa.BigInteger))
    query = query.order_by(composite.is_(None), composite.desc(), sa.literal_column("place"))
    rows = db.session.execute(query)
    return [
        PlaceScores(
            place=r.place,
            region=None if by == "region" else r.region,
            enterprises=r.enterprises,
            economic=r.economic,
            social=r.social,
            psychosocial=r.psychosocial,
            composite=r.composite,
        )
        for r in rows
    ]
