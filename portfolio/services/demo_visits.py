"""Demo follow-up visits: a plan for every supported enterprise and a visit history
for the visits already due, written in bulk (COPY on PostgreSQL).

Each enterprise follows one trajectory: improving (about 40 %), stable (35 %),
declining (18 %) or closing down (7 %). About 12 % of due visits were missed
(they show as overdue), about 8 % of visits found the owner absent, and a
declining business sometimes sold part of its kit.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.scoring import score_visit
from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    KitItemCondition,
    Problem,
    StockLevel,
    VisitSource,
)
from portfolio.models import KitDelivery, KitDeliveryItem, db
from portfolio.models.base import Rate, utcnow
from portfolio.models.monitoring import PlannedVisit, Visit, VisitKitItem, VisitProblem
from portfolio.services.demo import _insert_rows, _next_id, _sync_id_sequences
from portfolio.services.flags import recompute_all
from portfolio.services.visit_plan import plan_visits
from portfolio.services.visits import kit_retained, score_weights

CHUNK = 5000
MISSED_SHARE = 0.12
ABSENT_SHARE = 0.08
TRAJECTORIES = (("improving", 0.40), ("stable", 0.35), ("declining", 0.18), ("closing", 0.07))
_PROBLEMS = list(Problem)
_RATE = Rate()
SCORE_COLUMNS = ("economic_score", "social_score", "psychosocial_score", "composite_score")


def _trajectory(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for name, share in TRAJECTORIES:
        total += share
        if pick < total:
            return name
    return "stable"


def _answers(rng: random.Random, level: float) -> dict[str, int]:
    """Answers around a reintegration level 0..1 (favourable end = level)."""
    answers = {}
    for item in REINTEGRATION_ITEMS:
        good = min(4, max(0, round(level * 4 + rng.gauss(0, 0.8))))
        answers[item.code] = good if item.favourable_high else 4 - good
    return answers


def _observe_kit(
    rng: random.Random, items: list[tuple[int, int, int]], trajectory: str, step: int
) -> list[tuple[int, KitItemCondition]]:
    worn = {"improving": 0.02, "stable": 0.05, "declining": 0.15, "closing": 0.3}[trajectory]
    seen = []
    for item_id, _, _ in items:
        roll = rng.random()
        if roll < worn * step * 0.5:
            condition = rng.choice(
                [KitItemCondition.SOLD, KitItemCondition.BROKEN, KitItemCondition.MISSING]
            )
        elif roll < worn * step:
            condition = KitItemCondition.PRESENT_UNUSED
        else:
            condition = KitItemCondition.IN_USE
        seen.append((item_id, condition))
    return seen


def _link_planned(links: list[dict[str, Any]], copying: bool) -> None:
    """Mark planned visits done. On PostgreSQL the pairs are copied into a temporary
    table and applied in one UPDATE: one UPDATE per row took most of the seed's time."""
    if not links:
        return
    if not copying:
        db.session.execute(sa.update(PlannedVisit), links)
        return
    db.session.execute(
        sa.text(
            "CREATE TEMP TABLE IF NOT EXISTS demo_visit_link "
            "(id integer PRIMARY KEY, visit_id integer) ON COMMIT DROP"
        )
    )
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    with cursor.copy("COPY demo_visit_link (id, visit_id) FROM STDIN") as copy:
        for link in links:
            copy.write_row((link["id"], link["visit_id"]))
    cursor.close()
    db.session.execute(
        sa.text(
            "UPDATE planned_visit SET visit_id = l.visit_id "
            "FROM demo_visit_link l WHERE planned_visit.id = l.id"
        )
    )


def seed_visits_demo(
    rng: random.Random,
    first_enterprise_id: int = 1,
    *,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Plan visits and record the ones already due for enterprises from `first_enterprise_id`.

    Commits (a chunk at a time). Returns counts for the command line.
    """
    today = today or date.today()
    planned = plan_visits()
    db.session.commit()
    weights = score_weights()
    due = db.session.execute(
        sa.select(
            PlannedVisit.id,
            PlannedVisit.enterprise_id,
            PlannedVisit.sequence,
            PlannedVisit.due_on,
            PlannedVisit.assigned_to_id,
        )
        .where(
            PlannedVisit.enterprise_id >= first_enterprise_id,
            PlannedVisit.visit_id.is_(None),
            PlannedVisit.due_on <= today,
        )
        .order_by(PlannedVisit.enterprise_id, PlannedVisit.sequence)
    ).all()
    by_enterprise: dict[int, list[Any]] = defaultdict(list)
    for row in due:
        by_enterprise[row.enterprise_id].append(row)
    kit_items: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for item_id, enterprise_id, quantity, cost in db.session.execute(
        sa.select(
            KitDeliveryItem.id,
            KitDelivery.enterprise_id,
            KitDeliveryItem.quantity,
            KitDeliveryItem.unit_cost_xof,
        )
        .join(KitDelivery, KitDeliveryItem.delivery_id == KitDelivery.id)
        .where(KitDelivery.enterprise_id >= first_enterprise_id)
    ):
        kit_items[enterprise_id].append((item_id, quantity, cost))

    next_id = _next_id(Visit)
    now = utcnow()
    visits: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    observed: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    made = 0

    copying = db.session.get_bind().dialect.name == "postgresql"

    def flush() -> None:
        if copying:  # COPY skips the Rate type's conversion to stored millionths
            for row in visits:
                for name in SCORE_COLUMNS:
                    row[name] = _RATE.process_bind_param(row[name], None)
        _insert_rows(Visit, visits)
        _insert_rows(VisitProblem, problems)
        _insert_rows(VisitKitItem, observed)
        _link_planned(links, copying)
        db.session.commit()
        if progress:
            progress(len(visits))
        visits.clear(), problems.clear(), observed.clear(), links.clear()

    for enterprise_id, rows in by_enterprise.items():
        trajectory = _trajectory(rng)
        level = rng.uniform(0.35, 0.75)
        sales = rng.choice([40_000, 60_000, 90_000, 150_000, 250_000, 400_000])
        closed = False
        for step, row in enumerate(rows, start=1):
            # Missed visits are recent ones: an old plan step was caught up with long ago.
            if (today - row.due_on).days < 180 and rng.random() < MISSED_SHARE:
                continue
            visited_on = min(today, row.due_on + timedelta(days=rng.randint(-5, 20)))
            drift = {"improving": 0.05, "stable": 0.0, "declining": -0.07, "closing": -0.1}
            level = min(0.95, max(0.05, level + drift[trajectory] + rng.gauss(0, 0.03)))
            growth = {"improving": 1.12, "stable": 1.0, "declining": 0.75, "closing": 0.6}
            sales = int(round(sales * growth[trajectory] * rng.uniform(0.9, 1.1), -3))
            if trajectory == "closing" and step >= 3:
                closed = True
            status = BusinessStatus.OPERATING
            if closed:
                status = rng.choice([BusinessStatus.CLOSED, BusinessStatus.MOVED])
            elif trajectory == "declining" and rng.random() < 0.15:
                status = BusinessStatus.TEMPORARILY_CLOSED
            present = rng.random() >= ABSENT_SHARE and status != BusinessStatus.MOVED
            visit_id = next_id
            next_id += 1
            row_values: dict[str, Any] = {
                "id": visit_id,
                "enterprise_id": enterprise_id,
                "visited_on": visited_on,
                "monitor_id": row.assigned_to_id,
                "submitted_by": None,
                "owner_present": present,
                "business_status": status,
                "monthly_sales_xof": None,
                "monthly_costs_xof": None,
                "net_income_xof": None,
                "stock_level": None,
                "paid_employees": 0,
                "family_workers": 0,
                "kit_retained_pct": None,
                "kit_sold": False,
                "source": VisitSource.DEMO,
                "created_at": now,
                "updated_at": now,
                **{item.code: None for item in REINTEGRATION_ITEMS},
                "economic_score": None,
                "social_score": None,
                "psychosocial_score": None,
                "composite_score": None,
            }
            if present and status in (
                BusinessStatus.OPERATING,
                BusinessStatus.TEMPORARILY_CLOSED,
            ):
                costs = int(round(sales * rng.uniform(0.4, 0.8), -3))
                answers = _answers(rng, level)
                scores = score_visit(answers, weights)
                row_values.update(
                    monthly_sales_xof=sales if status == BusinessStatus.OPERATING else 0,
                    monthly_costs_xof=costs if status == BusinessStatus.OPERATING else 0,
                    stock_level=rng.choice(list(StockLevel)),
                    paid_employees=rng.choice([0, 0, 0, 1, 1, 2]),
                    family_workers=rng.choice([0, 1, 1, 2, 3]),
                    economic_score=scores.economic,
                    social_score=scores.social,
                    psychosocial_score=scores.psychosocial,
                    composite_score=scores.composite,
                    **answers,
                )
                row_values["net_income_xof"] = (
                    row_values["monthly_sales_xof"] - row_values["monthly_costs_xof"]
                )
                for problem in rng.sample(_PROBLEMS, rng.choice([0, 1, 1, 2, 3])):
                    problems.append({"visit_id": visit_id, "problem": problem})
            items = kit_items.get(enterprise_id)
            if items and status != BusinessStatus.MOVED:
                seen = _observe_kit(rng, items, trajectory, step)
                values = {item_id: (q, c) for item_id, q, c in items}
                pct, sold = kit_retained((*values[i], c) for i, c in seen)
                row_values["kit_retained_pct"], row_values["kit_sold"] = pct, sold
                observed.extend(
                    {"visit_id": visit_id, "delivery_item_id": i, "condition": c} for i, c in seen
                )
            visits.append(row_values)
            links.append({"id": row.id, "visit_id": visit_id})
            made += 1
        if len(visits) >= CHUNK:
            flush()
    flush()
    _sync_id_sequences(Visit)
    db.session.commit()
    recompute_all()  # the flags the histories raise (commits chunk by chunk)
    return {"planned_visits": planned, "visits": made}
