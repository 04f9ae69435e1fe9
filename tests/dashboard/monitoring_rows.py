"""Visits, planned visits and risk levels written straight into the tables, so the
dashboard's tests (and a demo database) do not depend on the visit services."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import BusinessStatus, RiskLevel, VisitSource
from portfolio.models import Enterprise, EnterpriseRisk, PlannedVisit, Visit, db


def _score(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(0, 100)) / 100


def add_monitoring_rows(seed: int = 11, today: date | None = None) -> None:
    """For every enterprise the demo left without a visit plan: up to three visits with
    scores and the plan's visits (some done, some overdue); and a risk level for about a
    third of those without one. Adds to whatever the demo seed already wrote."""
    rng = random.Random(seed)
    today = today or date.today()
    levels = [RiskLevel.WATCH, RiskLevel.AT_RISK, RiskLevel.CRITICAL, RiskLevel.OK]
    planned = set(db.session.scalars(sa.select(PlannedVisit.enterprise_id)))
    assessed = set(db.session.scalars(sa.select(EnterpriseRisk.enterprise_id)))
    for enterprise_id, started_on in db.session.execute(
        sa.select(Enterprise.id, Enterprise.started_on).order_by(Enterprise.id)
    ):
        if enterprise_id not in assessed and rng.random() < 0.35:
            level = rng.choice(levels)
            db.session.add(
                EnterpriseRisk(enterprise_id=enterprise_id, level=level, open_flags=level.rank)
            )
        if enterprise_id in planned:
            continue
        start = started_on or today - timedelta(days=400)
        visits = []
        for n in range(rng.randint(0, 3)):
            on = start + timedelta(days=30 * (n + 1) * rng.randint(1, 4))
            if on > today:
                break
            economic, social, psychosocial = _score(rng), _score(rng), _score(rng)
            status = rng.choices(list(BusinessStatus), [0.8, 0.08, 0.06, 0.03, 0.03])[0]
            visit = Visit(
                enterprise_id=enterprise_id,
                visited_on=on,
                owner_present=True,
                business_status=status,
                source=VisitSource.DEMO,
                economic_score=economic,
                social_score=social,
                psychosocial_score=psychosocial,
                composite_score=((economic + social + psychosocial) / 3).quantize(
                    Decimal("0.000001")
                ),
            )
            db.session.add(visit)
            visits.append(visit)
        db.session.flush()
        for sequence, months in enumerate((1, 3, 6, 12, 18), start=1):
            due = start + timedelta(days=30 * months)
            if due > today + timedelta(days=200):
                break
            done = visits[sequence - 1] if sequence <= len(visits) else None
            db.session.add(
                PlannedVisit(
                    enterprise_id=enterprise_id,
                    sequence=sequence,
                    months_after_support=months,
                    due_on=due,
                    visit_id=done.id if done else None,
                )
            )
    db.session.commit()
