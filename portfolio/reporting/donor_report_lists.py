"""The donor report's lists: risk levels by region, enterprises at risk with their open
flags, follow-up actions of the period. Capped lists, most serious first; counts in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import ActionStatus, RiskLevel
from portfolio.models import (
    Commune,
    Enterprise,
    EnterpriseRisk,
    Flag,
    FollowUpAction,
    Region,
    Sector,
    User,
    db,
)

#: Lists in the report show the most serious cases first, up to this many rows.
LIST_LIMIT = 300
FLAGGED_LEVELS = (RiskLevel.CRITICAL, RiskLevel.AT_RISK)


@dataclass(frozen=True)
class RiskByRegion:
    region: str
    levels: dict[str, int]  # risk level -> enterprises (no assessment counts as "ok")


@dataclass(frozen=True)
class FlaggedEnterprise:
    enterprise_id: int
    name: str
    region: str
    sector_fr: str
    sector_en: str
    level: str
    reasons: list[tuple[str, str, dict]] = field(default_factory=list)  # (rule, level, evidence)

    def sector(self, locale: str) -> str:
        return self.sector_fr if locale.startswith("fr") else self.sector_en


@dataclass(frozen=True)
class ActionRow:
    id: int
    enterprise: str
    kind: str
    description: str
    owner: str
    due_on: date
    status: str
    created_on: date
    resolved_on: date | None


@dataclass(frozen=True)
class ActionCounts:
    opened: int
    resolved: int
    open_at_end: int


def risk_by_region(programme_id: int) -> list[RiskByRegion]:
    level = sa.func.coalesce(EnterpriseRisk.level, RiskLevel.OK.value)
    query = (
        sa.select(Region.name, level.label("level"), sa.func.count().label("n"))
        .select_from(Enterprise)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .join(Region, Region.id == Commune.region_id)
        .outerjoin(EnterpriseRisk, EnterpriseRisk.enterprise_id == Enterprise.id)
        .where(Enterprise.programme_id == programme_id)
        .group_by(Region.name, level)
    )
    regions: dict[str, dict[str, int]] = {}
    for row in db.session.execute(query):
        levels = regions.setdefault(row.name, {lvl.value: 0 for lvl in RiskLevel})
        levels[getattr(row.level, "value", row.level)] += int(row.n)
    return [RiskByRegion(name, regions[name]) for name in sorted(regions, key=str.casefold)]


def flagged_enterprises(programme_id: int) -> tuple[list[FlaggedEnterprise], int]:
    """Enterprises at risk or critical now, critical first, with their open flags."""
    where = (
        Enterprise.programme_id == programme_id,
        EnterpriseRisk.level.in_(FLAGGED_LEVELS),
    )
    total = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EnterpriseRisk)
        .join(Enterprise, Enterprise.id == EnterpriseRisk.enterprise_id)
        .where(*where)
    )
    severity = sa.case((EnterpriseRisk.level == RiskLevel.CRITICAL, 0), else_=1)
    rows = db.session.execute(
        sa.select(
            Enterprise.id,
            Enterprise.name,
            Region.name.label("region"),
            Sector.name_fr,
            Sector.name_en,
            EnterpriseRisk.level,
        )
        .join(Enterprise, Enterprise.id == EnterpriseRisk.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .join(Region, Region.id == Commune.region_id)
        .join(Sector, Sector.id == Enterprise.sector_id)
        .where(*where)
        .order_by(severity, Region.name, Enterprise.name, Enterprise.id)
        .limit(LIST_LIMIT)
    ).all()
    reasons: dict[int, list] = {row.id: [] for row in rows}
    if reasons:
        flags = db.session.execute(
            sa.select(Flag.enterprise_id, Flag.rule, Flag.level, Flag.evidence)
            .where(Flag.enterprise_id.in_(list(reasons)), Flag.cleared_at.is_(None))
            .order_by(Flag.enterprise_id, Flag.raised_at, Flag.id)
        )
        for flag in flags:
            reasons[flag.enterprise_id].append(
                (flag.rule.value, flag.level.value, dict(flag.evidence or {}))
            )
    return [
        FlaggedEnterprise(
            enterprise_id=row.id,
            name=row.name,
            region=row.region,
            sector_fr=row.name_fr,
            sector_en=row.name_en,
            level=row.level.value,
            reasons=reasons[row.id],
        )
        for row in rows
    ], int(total or 0)


def follow_up_actions(
    programme_id: int, period_from: date, period_to: date
) -> tuple[list[ActionRow], int, ActionCounts]:
    """Actions open at some time in the period: opened before its end, not resolved before
    its start. Open ones first, by due date."""
    start = datetime.combine(period_from, time.min)
    end = datetime.combine(period_to + timedelta(days=1), time.min)
    in_programme = sa.and_(
        FollowUpAction.enterprise_id == Enterprise.id, Enterprise.programme_id == programme_id
    )
    during = sa.and_(
        FollowUpAction.created_at < end,
        sa.or_(FollowUpAction.resolved_on.is_(None), FollowUpAction.resolved_on >= period_from),
    )
    counts = db.session.execute(
        sa.select(
            sa.func.count().filter(FollowUpAction.created_at >= start).label("opened"),
            sa.func.count()
            .filter(
                FollowUpAction.resolved_on >= period_from, FollowUpAction.resolved_on <= period_to
            )
            .label("resolved"),
            sa.func.count()
            .filter(
                sa.or_(FollowUpAction.resolved_on.is_(None), FollowUpAction.resolved_on > period_to)
            )
            .label("open_at_end"),
        )
        .select_from(FollowUpAction)
        .join(Enterprise, in_programme)
        .where(during)
    ).one()
    total = counts.opened + db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FollowUpAction)
        .join(Enterprise, in_programme)
        .where(during, FollowUpAction.created_at < start)
    )
    still_open = sa.case((FollowUpAction.status == ActionStatus.OPEN, 0), else_=1)
    rows = db.session.execute(
        sa.select(
            FollowUpAction.id,
            Enterprise.name.label("enterprise"),
            FollowUpAction.kind,
            FollowUpAction.description,
            User.name.label("owner"),
            FollowUpAction.due_on,
            FollowUpAction.status,
            FollowUpAction.created_at,
            FollowUpAction.resolved_on,
        )
        .join(Enterprise, in_programme)
        .join(User, User.id == FollowUpAction.owner_id)
        .where(during)
        .order_by(still_open, FollowUpAction.due_on, FollowUpAction.id)
        .limit(LIST_LIMIT)
    )
    actions = [
        ActionRow(
            id=r.id,
            enterprise=r.enterprise,
            kind=r.kind.value,
            description=r.description,
            owner=r.owner,
            due_on=r.due_on,
            status=r.status.value,
            created_on=r.created_at.date(),
            resolved_on=r.resolved_on,
        )
        for r in rows
    ]
    return (
        actions,
        int(total),
        ActionCounts(int(counts.opened), int(counts.resolved), int(counts.open_at_end)),
    )
