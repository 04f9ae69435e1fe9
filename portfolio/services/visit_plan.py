"""The visit plan: planned visits created from the first support, assigned to monitors.

``plan_visits`` runs inside the caller's transaction (the kit, grant and loan
services call it when support is handed over) and never commits; it reads
what is missing in one query, computes due dates with the pure
``domain.monitoring.plan`` (calendar months clamped to the month's end, which
SQLite and PostgreSQL do not agree on) and inserts the rows in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.monitoring.plan import missing_steps
from portfolio.domain.vocabulary import Role
from portfolio.models import Commune, Enterprise, JournalEntry, Loan, User, db
from portfolio.models.journal import standing
from portfolio.models.monitoring import PlannedVisit, VisitCadenceStep
from portfolio.services.unit_of_work import ServiceError, unit_of_work

_CHUNK = 5000


def first_support_query() -> sa.Subquery:
    """(enterprise_id, first_on): the earliest kit handed over, grant tranche paid or loan
    disbursed, per enterprise. Reversed handovers and payments do not count."""
    entries = standing(
        sa.select(
            JournalEntry.enterprise_id.label("enterprise_id"),
            JournalEntry.value_on.label("on"),
        ).where(
            JournalEntry.kind.in_([EntryKind.KIT_DELIVERY, EntryKind.GRANT_PAYMENT]),
            JournalEntry.enterprise_id.is_not(None),
        )
    )
    loans = sa.select(Loan.enterprise_id, Loan.disbursed_on).where(Loan.disbursed_on.is_not(None))
    supports = sa.union_all(entries, loans).subquery("support")
    return (
        sa.select(supports.c.enterprise_id, sa.func.min(supports.c.on).label("first_on"))
        .group_by(supports.c.enterprise_id)
        .subquery("first_support")
    )


def first_support_dates(enterprise_ids: Iterable[int] | None = None) -> dict[int, date]:
    first = first_support_query()
    query = sa.select(first.c.enterprise_id, first.c.first_on)
    if enterprise_ids is not None:
        query = query.where(first.c.enterprise_id.in_(list(enterprise_ids)))
    return {row.enterprise_id: as_date(row.first_on) for row in db.session.execute(query)}


def as_date(value: Any) -> date:
    # SQLite returns MIN() over a UNION as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def cadence_months() -> list[int]:
    return list(
        db.session.scalars(sa.select(VisitCadenceStep.months).order_by(VisitCadenceStep.months))
    )


def monitor_loads() -> dict[int, dict[int, int]]:
    """region → {monitor id → open planned visits}, for active monitors."""
    open_count = (
        sa.select(PlannedVisit.assigned_to_id, sa.func.count().label("n"))
        .where(PlannedVisit.visit_id.is_(None), PlannedVisit.assigned_to_id.is_not(None))
        .group_by(PlannedVisit.assigned_to_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(User.id, User.region_id, sa.func.coalesce(open_count.c.n, 0))
        .outerjoin(open_count, open_count.c.assigned_to_id == User.id)
        .where(User.role == Role.MONITOR, User.active.is_(True), User.region_id.is_not(None))
        .order_by(User.id)
    )
    loads: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, region_id, n in rows:
        loads[region_id][user_id] = n
    return loads


def least_loaded(loads: dict[int, int]) -> int | None:
    if not loads:
        return None
    return min(loads, key=lambda user_id: (loads[user_id], user_id))


def plan_visits(
    enterprise_ids: Iterable[int] | None = None, *, months: Sequence[int] | None = None
) -> int:
    """Create the planned visits missing for these enterprises (all when None).

    Idempotent: a step (months after the first support) already planned for an
    enterprise is never planned again, so running it twice adds nothing. New rows go
    to the monitor who already follows the enterprise, else to the least loaded
    active monitor of its region (none when the region has no monitor). Runs in the
    caller's transaction; returns how many rows were added.
    """
    steps = list(months) if months is not None else cadence_months()
    if not steps:
        return 0
    ids = None if enterprise_ids is None else sorted(set(enterprise_ids))
    if ids is not None and not ids:
        return 0
    first = first_support_query()
    covered = (
        sa.select(PlannedVisit.enterprise_id, sa.func.count().label("n"))
        .where(PlannedVisit.months_after_support.in_(steps))
        .group_by(PlannedVisit.enterprise_id)
        .subquery("covered")
    )
    candidates = (
        sa.select(first.c.enterprise_id, first.c.first_on, Commune.region_id)
        .join(Enterprise, Enterprise.id == first.c.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .outerjoin(covered, covered.c.enterprise_id == first.c.enterprise_id)
        .where(sa.func.coalesce(covered.c.n, 0) < len(set(steps)))
    )
    if ids is not None:
        candidates = candidates.where(first.c.enterprise_id.in_(ids))
    todo = {row.enterprise_id: row for row in db.session.execute(candidates)}
    if not todo:
        return 0
    existing: dict[int, list[tuple[int, int]]] = defaultdict(list)
    followed_by: dict[int, int] = {}
    todo_ids = sorted(todo)
    for start in range(0, len(todo_ids), _CHUNK):
        chunk = todo_ids[start : start + _CHUNK]
        for row in db.session.execute(
            sa.select(
                PlannedVisit.enterprise_id,
                PlannedVisit.sequence,
                PlannedVisit.months_after_support,
                PlannedVisit.assigned_to_id,
            ).where(PlannedVisit.enterprise_id.in_(chunk))
        ):
            existing[row.enterprise_id].append((row.sequence, row.months_after_support))
            if row.assigned_to_id is not None:
                followed_by[row.enterprise_id] = row.assigned_to_id
    loads = monitor_loads()
    active = {user_id for region in loads.values() for user_id in region}
    rows: list[dict[str, Any]] = []
    for enterprise_id in todo_ids:
        row = todo[enterprise_id]
        due = missing_steps(as_date(row.first_on), steps, existing[enterprise_id])
        if not due:
            continue
        region_loads = loads.get(row.region_id, {})
        monitor = followed_by.get(enterprise_id)
        if monitor not in active or monitor not in region_loads:
            monitor = least_loaded(region_loads)
        if monitor is not None:
            region_loads[monitor] += len(due)
        rows.extend(
            {
                "enterprise_id": enterprise_id,
                "sequence": d.sequence,
                "months_after_support": d.months_after_support,
                "due_on": d.due_on,
                "assigned_to_id": monitor,
            }
            for d in due
        )
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(sa.insert(PlannedVisit), rows[start : start + _CHUNK])
    return len(rows)


def plan_all_visits() -> int:
    """Plan every enterprise's missing visits, as one unit of work (CLI, demo)."""
    with unit_of_work():
        return plan_visits()


def replan_after_cadence_change() -> tuple[int, int]:
    """Bring the plan in line with the cadence steps after an admin edited them.

    Adds the steps each enterprise is missing; removes planned visits not yet done
    whose step no longer exists. Visits done, and the planned visits they fulfilled,
    are never touched. Returns (added, removed). Commits.
    """
    with unit_of_work() as session:
        steps = cadence_months()
        removed = session.execute(
            sa.delete(PlannedVisit).where(
                PlannedVisit.visit_id.is_(None),
                PlannedVisit.months_after_support.not_in(steps) if steps else sa.true(),
            )
        ).rowcount
        added = plan_visits(months=steps)
    return added, removed or 0


def reassign_planned_visits(
    planned_ids: Iterable[int], monitor_id: int, *, region_id: int | None = None
) -> int:
    """Give planned visits not yet done to another monitor; returns how many changed.

    The monitor must be active and work in the region of each enterprise; visits
    already done keep who was assigned.
    """
    ids = sorted({int(i) for i in planned_ids})
    if not ids:
        raise ServiceError(_("Select at least one planned visit."), "planned")
    with unit_of_work() as session:
        monitor = session.get(User, monitor_id)
        if monitor is None or not monitor.active or monitor.role != Role.MONITOR:
            raise ServiceError(_("Choose an active field monitor."), "monitor_id")
        regions = set(
            session.scalars(
                sa.select(Commune.region_id)
                .join(Enterprise, Enterprise.commune_id == Commune.id)
                .join(PlannedVisit, PlannedVisit.enterprise_id == Enterprise.id)
                .where(PlannedVisit.id.in_(ids))
                .distinct()
            )
        )
        if region_id is not None and regions - {region_id}:
            raise ServiceError(_("Unknown planned visit."), "planned")
        if regions - {monitor.region_id}:
            raise ServiceError(
                _("This monitor does not work in the region of every selected enterprise."),
                "monitor_id",
            )
        changed = session.execute(
            sa.update(PlannedVisit)
            .where(PlannedVisit.id.in_(ids), PlannedVisit.visit_id.is_(None))
            .values(assigned_to_id=monitor.id)
        ).rowcount
    return changed or 0
