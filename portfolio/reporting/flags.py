"""Struggling enterprises: who is flagged, why, and what was done (read side).

Levels come from ``enterprise_risk`` (kept by services/flags.py), the
reasons from the open flags; counts per level are one GROUP BY.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.monitoring.vocabulary import (
    ActionKind,
    ActionStatus,
    FlagRuleCode,
    RiskLevel,
)
from portfolio.models import (
    Commune,
    Enterprise,
    EnterpriseRisk,
    Flag,
    FollowUpAction,
    Programme,
    Region,
    Sector,
    User,
    db,
)
from portfolio.reporting.pagination import Page

#: Levels worth a list of their own (ok enterprises are not "in difficulty").
FLAGGED_LEVELS = (RiskLevel.CRITICAL, RiskLevel.AT_RISK, RiskLevel.WATCH)


@dataclass(frozen=True)
class FlagFilter:
    programme_id: int | None = None
    region_id: int | None = None
    sector_id: int | None = None
    level: RiskLevel | None = None
    rule: FlagRuleCode | None = None
    #: Set by the access layer for field monitors, never by the person.
    scope_region_id: int | None = None


@dataclass(frozen=True)
class FlagRow:
    id: int
    enterprise_id: int
    rule: FlagRuleCode
    level: RiskLevel
    evidence: dict
    visit_id: int | None
    loan_id: int | None
    raised_at: datetime
    cleared_at: datetime | None


@dataclass(frozen=True)
class StrugglingEnterprise:
    enterprise_id: int
    name: str
    programme_code: str
    commune: str
    region: str
    sector_fr: str
    sector_en: str
    level: RiskLevel
    open_flags: int
    computed_at: datetime
    flags: list[FlagRow] = field(default_factory=list)

    def sector(self, locale: str) -> str:
        return self.sector_fr if locale.startswith("fr") else self.sector_en


def level_rank(column) -> sa.ColumnElement[int]:
    return sa.case({level.value: level.rank for level in RiskLevel}, value=column, else_=0)


def _filtered(query: sa.Select, f: FlagFilter, *, with_level: bool = True) -> sa.Select:
    query = query.join(Enterprise, Enterprise.id == EnterpriseRisk.enterprise_id).join(
        Commune, Commune.id == Enterprise.commune_id
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.programme_id:
        query = query.where(Enterprise.programme_id == f.programme_id)
    if f.sector_id:
        query = query.where(Enterprise.sector_id == f.sector_id)
    if f.rule:
        query = query.where(
            sa.exists().where(
                Flag.enterprise_id == EnterpriseRisk.enterprise_id,
                Flag.cleared_at.is_(None),
                Flag.rule == f.rule,
            )
        )
    if with_level and f.level:
        query = query.where(EnterpriseRisk.level == f.level)
    else:
        query = query.where(EnterpriseRisk.level != RiskLevel.OK)
    return query


def level_counts(f: FlagFilter) -> dict[RiskLevel, int]:
    """Enterprises per level under the filters (the level filter itself aside)."""
    rows = db.session.execute(
        _filtered(sa.select(EnterpriseRisk.level, sa.func.count()), f, with_level=False).group_by(
            EnterpriseRisk.level
        )
    )
    counts = dict.fromkeys(FLAGGED_LEVELS, 0)
    counts.update({level: n for level, n in rows})
    return counts


def _struggling_query(f: FlagFilter) -> sa.Select:
    return (
        _filtered(
            sa.select(
                EnterpriseRisk.enterprise_id,
                Enterprise.name,
                Programme.code.label("programme_code"),
                Commune.name.label("commune"),
                Region.name.label("region"),
                Sector.name_fr.label("sector_fr"),
                Sector.name_en.label("sector_en"),
                EnterpriseRisk.level,
                EnterpriseRisk.open_flags,
                EnterpriseRisk.computed_at,
            ),
            f,
        )
        .join(Programme, Programme.id == Enterprise.programme_id)
        .join(Region, Region.id == Commune.region_id)
        .join(Sector, Sector.id == Enterprise.sector_id)
        .order_by(
            level_rank(EnterpriseRisk.level).desc(),
            EnterpriseRisk.open_flags.desc(),
            Enterprise.name,
            Enterprise.id,
        )
    )


def open_flags_of(enterprise_ids: list[int]) -> dict[int, list[FlagRow]]:
    if not enterprise_ids:
        return {}
    rows = db.session.execute(
        sa.select(*_flag_columns())
        .where(Flag.enterprise_id.in_(enterprise_ids), Flag.cleared_at.is_(None))
        .order_by(level_rank(Flag.level).desc(), Flag.rule)
    )
    flags: dict[int, list[FlagRow]] = defaultdict(list)
    for row in rows:
        flags[row.enterprise_id].append(FlagRow(**row._mapping))
    return flags


def _flag_columns():
    return (
        Flag.id,
        Flag.enterprise_id,
        Flag.rule,
        Flag.level,
        Flag.evidence,
        Flag.visit_id,
        Flag.loan_id,
        Flag.raised_at,
        Flag.cleared_at,
    )


def struggling_page(f: FlagFilter, page: int, per_page: int) -> Page[StrugglingEnterprise]:
    """Flagged enterprises, gravest first, each with its open flags (three queries)."""
    from portfolio.reporting.pagination import MAX_PER_PAGE

    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    query = _struggling_query(f)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    flags = open_flags_of([r.enterprise_id for r in rows])
    items = [StrugglingEnterprise(**r._mapping, flags=flags.get(r.enterprise_id, [])) for r in rows]
    return Page(items, page, per_page, total or 0)


def struggling_rows(f: FlagFilter, chunk: int = 2_000) -> Iterator[StrugglingEnterprise]:
    """Every flagged enterprise under the filters, for exports (chunked, no N+1)."""
    query = _struggling_query(f)
    offset = 0
    while True:
        rows = db.session.execute(query.limit(chunk).offset(offset)).all()
        if not rows:
            return
        flags = open_flags_of([r.enterprise_id for r in rows])
        for r in rows:
            yield StrugglingEnterprise(**r._mapping, flags=flags.get(r.enterprise_id, []))
        offset += chunk


# ------------------------------------------------------------- one enterprise


@dataclass(frozen=True)
class ActionRow:
    id: int
    enterprise_id: int
    enterprise: str
    flag_id: int | None
    flag_rule: FlagRuleCode | None
    kind: ActionKind
    description: str
    owner_id: int
    owner: str
    due_on: date
    status: ActionStatus
    resolved_on: date | None
    resolution_note: str | None
    created_by: str
    created_at: datetime

    def overdue(self, today: date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (today or date.today())


@dataclass(frozen=True)
class EnterpriseFlags:
    enterprise_id: int
    level: RiskLevel
    computed_at: datetime | None
    open: list[FlagRow]
    history: list[FlagRow]
    actions: list[ActionRow]


def _action_query() -> sa.Select:
    owner = so.aliased(User)
    creator = so.aliased(User)
    return (
        sa.select(
            FollowUpAction.id,
            FollowUpAction.enterprise_id,
            Enterprise.name.label("enterprise"),
            FollowUpAction.flag_id,
            Flag.rule.label("flag_rule"),
            FollowUpAction.kind,
            FollowUpAction.description,
            FollowUpAction.owner_id,
            owner.name.label("owner"),
            FollowUpAction.due_on,
            FollowUpAction.status,
            FollowUpAction.resolved_on,
            FollowUpAction.resolution_note,
            creator.name.label("created_by"),
            FollowUpAction.created_at,
        )
        .join(Enterprise, Enterprise.id == FollowUpAction.enterprise_id)
        .join(owner, owner.id == FollowUpAction.owner_id)
        .join(creator, creator.id == FollowUpAction.created_by_id)
        .outerjoin(Flag, Flag.id == FollowUpAction.flag_id)
    )


def enterprise_flags(enterprise_id: int, history_limit: int = 50) -> EnterpriseFlags:
    risk = db.session.get(EnterpriseRisk, enterprise_id)
    rows = db.session.execute(
        sa.select(*_flag_columns())
        .where(Flag.enterprise_id == enterprise_id)
        .order_by(Flag.cleared_at.is_(None).desc(), Flag.raised_at.desc(), Flag.id.desc())
        .limit(history_limit + 20)
    )
    flags = [FlagRow(**row._mapping) for row in rows]
    open_ = sorted((f for f in flags if f.cleared_at is None), key=lambda f: -f.level.rank)
    history = [f for f in flags if f.cleared_at is not None][:history_limit]
    actions = [
        ActionRow(**row._mapping)
        for row in db.session.execute(
            _action_query()
            .where(FollowUpAction.enterprise_id == enterprise_id)
            .order_by(
                (FollowUpAction.status == ActionStatus.OPEN).desc(),
                FollowUpAction.due_on,
                FollowUpAction.id,
            )
        )
    ]
    return EnterpriseFlags(
        enterprise_id,
        risk.level if risk else RiskLevel.OK,
        risk.computed_at if risk else None,
        open_,
        history,
        actions,
    )


@dataclass(frozen=True)
class ActionFilter:
    owner_id: int | None = None
    status: ActionStatus | None = ActionStatus.OPEN
    overdue_only: bool = False
    scope_region_id: int | None = None


def action_page(f: ActionFilter, page: int, per_page: int) -> Page[ActionRow]:
    from portfolio.reporting.pagination import paginate

    query = _action_query()
    if f.scope_region_id is not None:
        query = query.join(Commune, Commune.id == Enterprise.commune_id).where(
            Commune.region_id == f.scope_region_id
        )
    if f.owner_id:
        query = query.where(FollowUpAction.owner_id == f.owner_id)
    if f.status:
        query = query.where(FollowUpAction.status == f.status)
    if f.overdue_only:
        query = query.where(
            FollowUpAction.status == ActionStatus.OPEN, FollowUpAction.due_on < date.today()
        )
    query = query.order_by(
        (FollowUpAction.status == ActionStatus.OPEN).desc(),
        FollowUpAction.due_on,
        FollowUpAction.id,
    )
    return paginate(query, ActionRow, page, per_page)


def action_detail(action_id: int, scope_region_id: int | None = None) -> ActionRow | None:
    query = _action_query().where(FollowUpAction.id == action_id)
    if scope_region_id is not None:
        query = query.join(Commune, Commune.id == Enterprise.commune_id).where(
            Commune.region_id == scope_region_id
        )
    row = db.session.execute(query).first()
    return ActionRow(**row._mapping) if row else None


@dataclass(frozen=True)
class OpenFlagRow:
    id: int
    enterprise_id: int
    enterprise: str
    region_id: int
    rule: FlagRuleCode
    level: RiskLevel
    evidence: dict
    visit_id: int | None
    loan_id: int | None
    raised_at: datetime


def open_flag_page(f: FlagFilter, page: int, per_page: int) -> Page[OpenFlagRow]:
    """Open flags, gravest first (for the API)."""
    from portfolio.reporting.pagination import paginate

    query = (
        sa.select(
            Flag.id,
            Flag.enterprise_id,
            Enterprise.name.label("enterprise"),
            Commune.region_id,
            Flag.rule,
            Flag.level,
            Flag.evidence,
            Flag.visit_id,
            Flag.loan_id,
            Flag.raised_at,
        )
        .join(Enterprise, Enterprise.id == Flag.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .where(Flag.cleared_at.is_(None))
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.programme_id:
        query = query.where(Enterprise.programme_id == f.programme_id)
    if f.sector_id:
        query = query.where(Enterprise.sector_id == f.sector_id)
    if f.level:
        query = query.where(Flag.level == f.level)
    if f.rule:
        query = query.where(Flag.rule == f.rule)
    query = query.order_by(level_rank(Flag.level).desc(), Flag.raised_at.desc(), Flag.id)
    return paginate(query, OpenFlagRow, page, per_page)
