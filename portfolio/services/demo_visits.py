"""Demo follow-up visits: a plan for every supported enterprise and a visit history
for the visits already due (services.demo_visit_rows), written in bulk.

The new enterprises' plan is computed here as services.visit_plan.plan_visits
computes it (same steps, due dates and monitors), so that each planned visit
is written once, already naming the visit that fulfilled it: inserting the
plan and then updating 300,000 rows to link them took longer than writing
the visits. Planned visits that existed before (and the rest of the
portfolio) go through the services.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa

from portfolio.domain.monitoring.plan import missing_steps
from portfolio.models import Commune, Enterprise, KitDelivery, KitDeliveryItem, db
from portfolio.models.base import utcnow
from portfolio.models.monitoring import PlannedVisit, Visit, VisitKitItem, VisitProblem
from portfolio.services.demo_bulk import BulkWriter, PhaseClock, next_ids, sync_id_sequences
from portfolio.services.demo_visit_rows import (
    KIT_ITEM_COLUMNS,
    PROBLEM_COLUMNS,
    VISIT_COLUMNS,
    VisitRows,
)
from portfolio.services.flags import recompute_all
from portfolio.services.unit_of_work import unit_of_work
from portfolio.services.visit_plan import (
    as_date,
    cadence_months,
    first_support_query,
    least_loaded,
    monitor_loads,
    plan_visits,
)
from portfolio.services.visits import score_weights

#: Visits written at once.
CHUNK = 5_000
PLANNED_COLUMNS = (
    "id",
    "enterprise_id",
    "sequence",
    "months_after_support",
    "due_on",
    "assigned_to_id",
    "visit_id",
)


class Step(NamedTuple):
    """One planned visit of an enterprise; `id` is None for a row not written yet."""

    id: int | None
    sequence: int
    months_after_support: int
    due_on: date
    assigned_to_id: int | None
    done: bool = False  # a visit already fulfilled it


def seed_visits_demo(
    rng: random.Random,
    first_enterprise_id: int = 1,
    *,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    clock: PhaseClock | None = None,
) -> dict[str, int]:
    """Plan visits and record the ones already due for enterprises from `first_enterprise_id`,
    then recompute every flag. Commits. Returns counts for the command line.

    `clock` times "visits plan", "visits" (with the planned visits they fulfil) and "flags".
    """
    clock = clock or PhaseClock()
    today = today or date.today()
    with clock.phase("visits plan"):
        plan = _plan(first_enterprise_id)
    with clock.phase("visits"), unit_of_work() as session, BulkWriter(session) as writer:
        planned, made = _write_histories(rng, writer, plan, first_enterprise_id, today, progress)
        writer.wait()
        sync_id_sequences(session, Visit.__table__, PlannedVisit.__table__)
        # The rest of the portfolio, as the services plan it (nothing left to add
        # for the enterprises above).
        planned += plan_visits()
    with clock.phase("flags"):
        recompute_all()  # the flags the histories raise (commits chunk by chunk)
    return {"planned_visits": planned, "visits": made}


def _plan(first_enterprise_id: int) -> dict[int, list[Step]]:
    """Every planned visit of the enterprises from `first_enterprise_id` that have had
    support: the ones already in the table and the missing steps, with the monitor
    plan_visits would give them (the one who follows the enterprise, else the least
    loaded active monitor of its region)."""
    steps = cadence_months()
    first = first_support_query()
    supported = db.session.execute(
        sa.select(first.c.enterprise_id, first.c.first_on, Commune.region_id)
        .join(Enterprise, Enterprise.id == first.c.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .where(first.c.enterprise_id >= first_enterprise_id)
    ).all()
    plan: dict[int, list[Step]] = defaultdict(list)
    followed_by: dict[int, int] = {}
    for row in db.session.execute(
        sa.select(
            PlannedVisit.id,
            PlannedVisit.enterprise_id,
            PlannedVisit.sequence,
            PlannedVisit.months_after_support,
            PlannedVisit.due_on,
            PlannedVisit.assigned_to_id,
            PlannedVisit.visit_id,
        ).where(PlannedVisit.enterprise_id >= first_enterprise_id)
    ):
        # Visits already done stay as they are; they still count as planned steps.
        plan[row.enterprise_id].append(
            Step(
                row.id,
                row.sequence,
                row.months_after_support,
                row.due_on,
                row.assigned_to_id,
                done=row.visit_id is not None,
            )
        )
        if row.assigned_to_id is not None:
            followed_by[row.enterprise_id] = row.assigned_to_id
    loads = monitor_loads()
    active = {user_id for region in loads.values() for user_id in region}
    fresh: dict[date, list] = {}  # a whole plan depends only on the first support date
    for enterprise_id, first_on, region_id in sorted(supported):
        existing = plan[enterprise_id]
        if existing:
            done = [(s.sequence, s.months_after_support) for s in existing]
            due = missing_steps(as_date(first_on), steps, done)
        else:
            due = fresh.get(first_on)
            if due is None:
                due = fresh[first_on] = missing_steps(as_date(first_on), steps, [])
        if not due:
            continue
        region_loads = loads.get(region_id, {})
        monitor = followed_by.get(enterprise_id)
        if monitor not in active or monitor not in region_loads:
            monitor = least_loaded(region_loads)
        if monitor is not None:
            region_loads[monitor] += len(due)
        existing.extend(
            Step(None, d.sequence, d.months_after_support, d.due_on, monitor) for d in due
        )
    return {e: sorted(s, key=lambda step: step.sequence) for e, s in sorted(plan.items())}


def _kit_items(first_enterprise_id: int) -> dict[int, list[tuple[int, int, int]]]:
    items: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for item_id, enterprise_id, quantity, cost in db.session.execute(
        sa.select(
            KitDeliveryItem.id,
            KitDelivery.enterprise_id,
            KitDeliveryItem.quantity,
            KitDeliveryItem.unit_cost_xof,
        )
        .join(KitDelivery, KitDeliveryItem.delivery_id == KitDelivery.id)
        .where(KitDelivery.enterprise_id >= first_enterprise_id)
        .order_by(KitDeliveryItem.id)
    ):
        items[enterprise_id].append((item_id, quantity, cost))
    return items


def _write_histories(rng, writer: BulkWriter, plan, first_enterprise_id, today, progress):
    """Visits for every due planned visit, then the planned visits naming them.
    Returns (planned visits added, visits added)."""
    session = db.session
    kit_items = _kit_items(first_enterprise_id)
    visit_id, planned_id = next_ids(session, Visit.__table__, PlannedVisit.__table__)
    rows = VisitRows(rng, score_weights(), visit_id, utcnow())
    planned: list[tuple] = []
    links: list[dict[str, Any]] = []  # planned visits written before this seed
    added = made = 0

    def flush() -> None:
        nonlocal made, planned
        visit_rows, problems, observed = rows.take()
        visits = [writer.add(Visit.__table__, VISIT_COLUMNS, visit_rows)]
        writer.add(VisitProblem.__table__, PROBLEM_COLUMNS, problems, after=visits)
        writer.add(VisitKitItem.__table__, KIT_ITEM_COLUMNS, observed, after=visits)
        writer.add(PlannedVisit.__table__, PLANNED_COLUMNS, planned, after=visits)
        planned = []  # a new list: the writer holds the one just queued
        made += len(visit_rows)
        if progress:
            progress(len(visit_rows))

    for enterprise_id, steps in plan.items():
        due = [s for s in steps if not s.done and s.due_on <= today]
        done = rows.history(
            enterprise_id,
            [(s.due_on, s.assigned_to_id) for s in due],
            kit_items.get(enterprise_id),
            today,
        )
        visit_of = {s.sequence: v for s, v in zip(due, done, strict=True)}
        for step in steps:
            visit = visit_of.get(step.sequence)
            if step.id is None:
                planned.append(
                    (
                        planned_id,
                        enterprise_id,
                        step.sequence,
                        step.months_after_support,
                        step.due_on,
                        step.assigned_to_id,
                        visit,
                    )
                )
                planned_id += 1
                added += 1
            elif visit is not None:
                links.append({"id": step.id, "visit_id": visit})
        if len(rows) >= CHUNK:
            flush()
    flush()
    if links:
        writer.wait()  # the visits they name are in
        session.execute(sa.update(PlannedVisit), links)
    return added, made
