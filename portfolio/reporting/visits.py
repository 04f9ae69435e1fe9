"""Visits and the visit plan, read for screens, exports and the API.

Counts per tab come from one aggregate query; lists are pages of small
dataclasses; an enterprise's history is one query for its visits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.monitoring.plan import days_overdue
from portfolio.models import (
    Beneficiary,
    Commune,
    Enterprise,
    KitDelivery,
    KitDeliveryItem,
    Region,
    User,
    Village,
    db,
)
from portfolio.models.monitoring import PlannedVisit, Visit, VisitKitItem, VisitProblem
from portfolio.reporting.enterprises import lead_value
from portfolio.reporting.filters import LIKE_ESCAPE, search_term
from portfolio.reporting.pagination import Page, paginate

#: The tabs of "Mes visites"; "todo" (late or due within a week) is the default.
TABS = ("todo", "overdue", "week", "upcoming", "done")
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class PlanFilter:
    tab: str = "todo"
    #: Only visits assigned to this monitor (0: not assigned to anyone).
    monitor_id: int | None = None
    region_id: int | None = None
    q: str | None = None
    today: date = field(default_factory=date.today)
    #: Set by the access layer for field monitors, never by the person.
    scope_region_id: int | None = None


@dataclass(frozen=True)
class PlanRow:
    id: int
    enterprise_id: int
    enterprise_name: str
    village: str | None
    commune: str
    region: str
    owner_name: str | None
    owner_phone: str | None
    sequence: int
    months_after_support: int
    due_on: date
    assigned_to_id: int | None
    assigned_to: str | None
    visit_id: int | None
    visited_on: date | None
    days_overdue: int = 0


def _tab_condition(tab: str, today: date) -> sa.ColumnElement[bool]:
    open_ = PlannedVisit.visit_id.is_(None)
    return {
        "todo": sa.and_(open_, PlannedVisit.due_on < today + WEEK),
        "overdue": sa.and_(open_, PlannedVisit.due_on < today),
        "week": sa.and_(open_, PlannedVisit.due_on >= today, PlannedVisit.due_on < today + WEEK),
        "upcoming": sa.and_(open_, PlannedVisit.due_on >= today + WEEK),
        "done": PlannedVisit.visit_id.is_not(None),
    }[tab]


def _plan_base(query: sa.Select, f: PlanFilter) -> sa.Select:
    query = query.join(Enterprise, PlannedVisit.enterprise_id == Enterprise.id).join(
        Commune, Enterprise.commune_id == Commune.id
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.region_id is not None:
        query = query.where(Commune.region_id == f.region_id)
    if f.monitor_id == 0:
        query = query.where(PlannedVisit.assigned_to_id.is_(None))
    elif f.monitor_id is not None:
        query = query.where(PlannedVisit.assigned_to_id == f.monitor_id)
    if term := search_term(f.q):
        query = query.where(sa.func.lower(Enterprise.name).like(term, escape=LIKE_ESCAPE))
    return query


def plan_counts(f: PlanFilter) -> dict[str, int]:
    """How many planned visits each tab holds, with the other filters applied."""
    columns = [
        sa.func.coalesce(sa.func.sum(sa.case((_tab_condition(tab, f.today), 1), else_=0)), 0).label(
            tab
        )
        for tab in TABS
    ]
    row = db.session.execute(_plan_base(sa.select(*columns).select_from(PlannedVisit), f)).one()
    return {tab: int(getattr(row, tab)) for tab in TABS}


def _plan_query(f: PlanFilter, *, tab: bool = True) -> sa.Select:
    assignee = so.aliased(User)
    query = (
        sa.select(
            PlannedVisit.id,
            PlannedVisit.enterprise_id,
            Enterprise.name.label("enterprise_name"),
            Village.name.label("village"),
            Commune.name.label("commune"),
            Region.name.label("region"),
            lead_value(Beneficiary.first_name + " " + Beneficiary.last_name).label("owner_name"),
            lead_value(Beneficiary.phone).label("owner_phone"),
            PlannedVisit.sequence,
            PlannedVisit.months_after_support,
            PlannedVisit.due_on,
            PlannedVisit.assigned_to_id,
            assignee.name.label("assigned_to"),
            PlannedVisit.visit_id,
            Visit.visited_on,
        )
        .select_from(PlannedVisit)
        .outerjoin(assignee, PlannedVisit.assigned_to_id == assignee.id)
        .outerjoin(Visit, PlannedVisit.visit_id == Visit.id)
    )
    query = _plan_base(query, f)
    query = query.join(Region, Commune.region_id == Region.id).outerjoin(
        Village, Enterprise.village_id == Village.id
    )
    if not tab:
        return query
    query = query.where(_tab_condition(f.tab, f.today))
    if f.tab == "done":
        return query.order_by(Visit.visited_on.desc(), PlannedVisit.id.desc())
    return query.order_by(PlannedVisit.due_on, PlannedVisit.id)


def _with_lateness(row: PlanRow, today: date) -> PlanRow:
    late = days_overdue(row.due_on, today) if row.visit_id is None else 0
    return replace(row, days_overdue=late)


def plan_page(f: PlanFilter, page: int, per_page: int) -> Page[PlanRow]:
    result = paginate(_plan_query(f), PlanRow, page, per_page)
    return Page(
        [_with_lateness(r, f.today) for r in result.items],
        result.page,
        result.per_page,
        result.total,
    )


def plan_rows(f: PlanFilter) -> Iterator[PlanRow]:
    """Every row of the filtered plan, streamed (exports)."""
    for row in db.session.execute(_plan_query(f).execution_options(yield_per=1000)):
        yield _with_lateness(PlanRow(**row._mapping), f.today)


def active_monitors(region_id: int | None = None) -> list[tuple[int, str, int | None]]:
    """(id, name, region id) of active field monitors, by name."""
    from portfolio.domain.vocabulary import Role

    query = sa.select(User.id, User.name, User.region_id).where(
        User.role == Role.MONITOR, User.active.is_(True)
    )
    if region_id is not None:
        query = query.where(User.region_id == region_id)
    return [tuple(row) for row in db.session.execute(query.order_by(User.name))]


# --- visits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilter:
    enterprise_id: int | None = None
    monitor_id: int | None = None
    region_id: int | None = None
    business_status: str | None = None
    from_on: date | None = None
    to_on: date | None = None
    q: str | None = None
    scope_region_id: int | None = None


@dataclass(frozen=True)
class VisitRow:
    id: int
    enterprise_id: int
    enterprise_name: str
    region_id: int
    visited_on: date
    monitor: str | None
    owner_present: bool
    business_status: str
    monthly_sales_xof: int | None
    net_income_xof: int | None
    kit_retained_pct: int | None
    kit_sold: bool
    economic_score: Decimal | None
    social_score: Decimal | None
    psychosocial_score: Decimal | None
    composite_score: Decimal | None
    source: str


def _visit_query(f: VisitFilter) -> sa.Select:
    monitor = so.aliased(User)
    query = (
        sa.select(
            Visit.id,
            Visit.enterprise_id,
            Enterprise.name.label("enterprise_name"),
            Commune.region_id,
            Visit.visited_on,
            sa.func.coalesce(monitor.name, Visit.submitted_by).label("monitor"),
            Visit.owner_present,
            Visit.business_status,
            Visit.monthly_sales_xof,
            Visit.net_income_xof,
            Visit.kit_retained_pct,
            Visit.kit_sold,
            Visit.economic_score,
            Visit.social_score,
            Visit.psychosocial_score,
            Visit.composite_score,
            Visit.source,
        )
        .join(Enterprise, Visit.enterprise_id == Enterprise.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .outerjoin(monitor, Visit.monitor_id == monitor.id)
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.region_id is not None:
        query = query.where(Commune.region_id == f.region_id)
    if f.enterprise_id is not None:
        query = query.where(Visit.enterprise_id == f.enterprise_id)
    if f.monitor_id is not None:
        query = query.where(Visit.monitor_id == f.monitor_id)
    if f.business_status is not None:
        query = query.where(Visit.business_status == f.business_status)
    if f.from_on is not None:
        query = query.where(Visit.visited_on >= f.from_on)
    if f.to_on is not None:
        query = query.where(Visit.visited_on <= f.to_on)
    if term := search_term(f.q):
        query = query.where(sa.func.lower(Enterprise.name).like(term, escape=LIKE_ESCAPE))
    return query.order_by(Visit.visited_on.desc(), Visit.id.desc())


def visit_page(f: VisitFilter, page: int, per_page: int) -> Page[VisitRow]:
    return paginate(_visit_query(f), VisitRow, page, per_page)


def enterprise_visits(enterprise_id: int, limit: int = 50) -> list[VisitRow]:
    """An enterprise's visits, latest first (its history, scores over time)."""
    rows = db.session.execute(_visit_query(VisitFilter(enterprise_id=enterprise_id)).limit(limit))
    return [VisitRow(**row._mapping) for row in rows]


def open_planned(enterprise_id: int, today: date | None = None) -> list[PlanRow]:
    """The enterprise's planned visits not yet done, soonest first."""
    today = today or date.today()
    query = (
        _plan_query(PlanFilter(), tab=False)
        .where(PlannedVisit.enterprise_id == enterprise_id, PlannedVisit.visit_id.is_(None))
        .order_by(None)
        .order_by(PlannedVisit.due_on)
    )
    return [_with_lateness(PlanRow(**row._mapping), today) for row in db.session.execute(query)]


@dataclass(frozen=True)
class KitObservation:
    name: str
    quantity: int
    unit_cost_xof: int
    condition: str


@dataclass(frozen=True)
class VisitDetail:
    visit: Visit
    enterprise_name: str
    region_id: int
    commune: str
    village: str | None
    monitor: str | None
    recorded_by: str | None
    problems: list[str]
    kit_items: list[KitObservation]
    planned_sequence: int | None
    planned_due_on: date | None


def visit_detail(visit_id: int, scope_region_id: int | None) -> VisitDetail | None:
    monitor, recorder = so.aliased(User), so.aliased(User)
    query = (
        sa.select(
            Visit,
            Enterprise.name,
            Commune.region_id,
            Commune.name,
            Village.name,
            sa.func.coalesce(monitor.name, Visit.submitted_by),
            recorder.name,
            PlannedVisit.sequence,
            PlannedVisit.due_on,
        )
        .join(Enterprise, Visit.enterprise_id == Enterprise.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .outerjoin(Village, Enterprise.village_id == Village.id)
        .outerjoin(monitor, Visit.monitor_id == monitor.id)
        .outerjoin(recorder, Visit.recorded_by_id == recorder.id)
        .outerjoin(PlannedVisit, PlannedVisit.visit_id == Visit.id)
        .where(Visit.id == visit_id)
    )
    if scope_region_id is not None:
        query = query.where(Commune.region_id == scope_region_id)
    row = db.session.execute(query).first()
    if row is None:
        return None
    problems = list(
        db.session.scalars(
            sa.select(VisitProblem.problem)
            .where(VisitProblem.visit_id == visit_id)
            .order_by(VisitProblem.problem)
        )
    )
    kit = [
        KitObservation(*r)
        for r in db.session.execute(
            sa.select(
                KitDeliveryItem.name,
                KitDeliveryItem.quantity,
                KitDeliveryItem.unit_cost_xof,
                VisitKitItem.condition,
            )
            .join(KitDeliveryItem, VisitKitItem.delivery_item_id == KitDeliveryItem.id)
            .join(KitDelivery, KitDeliveryItem.delivery_id == KitDelivery.id)
            .where(VisitKitItem.visit_id == visit_id)
            .order_by(KitDelivery.delivered_on, KitDeliveryItem.id)
        )
    ]
    return VisitDetail(row[0], *row[1:7], problems, kit, row[7], row[8])
