"""Benchmark: `recompute_all` on 100,000 enterprises on PostgreSQL (target: under 30 s).

Run on a seeded database (benchmarks/seed_100k.sh):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python benchmarks/flags_recompute.py

If the database has no visits yet, synthetic ones are added first (three
per enterprise, with falls in sales, absent owners, closed businesses, kits
partly sold) and two planned visits each, some overdue. Then the recompute
runs twice: from scratch (every flag new), and again (flags kept).
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portfolio import create_app
from portfolio.domain.monitoring.vocabulary import BusinessStatus, VisitSource
from portfolio.models import Enterprise, Flag, PlannedVisit, Visit, db
from portfolio.services.flags import recompute_all

TARGET_SECONDS = 30.0
SEED = 20_261_124


def add_synthetic_visits(rng: random.Random) -> int:
    ids = list(db.session.scalars(sa.select(Enterprise.id).order_by(Enterprise.id)))
    today = date.today()
    statuses = [BusinessStatus.OPERATING] * 30 + [
        BusinessStatus.TEMPORARILY_CLOSED,
        BusinessStatus.CLOSED,
        BusinessStatus.MOVED,
    ]
    visits, planned = [], []
    for enterprise_id in ids:
        sales = rng.randrange(20_000, 400_000, 1_000)
        for months_ago in (12, 6, 1):
            sales = max(0, int(sales * rng.uniform(0.4, 1.3)))
            costs = int(sales * rng.uniform(0.3, 0.9))
            visits.append(
                {
                    "enterprise_id": enterprise_id,
                    "visited_on": today - timedelta(days=30 * months_ago + rng.randrange(10)),
                    "owner_present": rng.random() > 0.1,
                    "business_status": rng.choice(statuses),
                    "monthly_sales_xof": sales,
                    "monthly_costs_xof": costs,
                    "net_income_xof": sales - costs,
                    "paid_employees": 0,
                    "family_workers": rng.randrange(3),
                    "kit_retained_pct": rng.choice((None, 100, 80, 50, 20)),
                    "kit_sold": rng.random() < 0.02,
                    "composite_score": Decimal(rng.randrange(200, 950)) / 1000,
                    "source": VisitSource.DEMO,
                }
            )
        for sequence, months in ((1, 18), (2, 24)):
            planned.append(
                {
                    "enterprise_id": enterprise_id,
                    "sequence": sequence,
                    "months_after_support": months,
                    "due_on": today + timedelta(days=rng.randrange(-90, 300)),
                }
            )
        if len(visits) >= 30_000:
            db.session.execute(sa.insert(Visit), visits)
            visits.clear()
    if visits:
        db.session.execute(sa.insert(Visit), visits)
    for start in range(0, len(planned), 30_000):
        db.session.execute(sa.insert(PlannedVisit), planned[start : start + 30_000])
    db.session.commit()
    return len(ids)


def main() -> int:
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        enterprises = db.session.scalar(sa.select(sa.func.count(Enterprise.id)))
        if not db.session.scalar(sa.select(sa.func.count(Visit.id))):
            started = time.perf_counter()
            add_synthetic_visits(random.Random(SEED))
            print(f"synthetic visits added in {time.perf_counter() - started:.1f} s")
        # Fresh bulk-loaded tables: let the planner see their size, as
        # autovacuum would on a live database.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        visits = db.session.scalar(sa.select(sa.func.count(Visit.id)))
        # From scratch: every open flag cleared, so the first run raises them all.
        db.session.execute(sa.delete(Flag))
        db.session.commit()
        results = []
        for label in ("from scratch", "again (flags kept)"):
            cpu = time.process_time()
            summary = recompute_all()
            cpu = time.process_time() - cpu
            results.append(summary.seconds)
            levels = ", ".join(f"{k.value} {v}" for k, v in sorted(summary.levels.items()))
            print(
                f"{label}: {summary.enterprises} enterprises, {visits} visits in "
                f"{summary.seconds:.1f} s wall, {cpu:.1f} s CPU in Python — raised "
                f"{summary.raised}, cleared {summary.cleared}, kept {summary.kept} ({levels})"
            )
        worst = max(results)
        print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"target {TARGET_SECONDS:.0f} s: {'OK' if worst < TARGET_SECONDS else 'TOO SLOW'}")
        return 0 if worst < TARGET_SECONDS and enterprises else 1


if __name__ == "__main__":
    sys.exit(main())
