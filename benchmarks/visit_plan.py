"""Benchmark: the visit plan and "Mes visites" on a seeded database (read-mostly).

Run on a database seeded by benchmarks/seed_100k.sh (which also plans visits and
records the demo histories):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python benchmarks/visit_plan.py

Times: plan_visits() on a plan already complete (the idempotent pass every
support handover triggers for one enterprise, here for all of them, rolled
back), the tab counts and the first page of each tab for a manager (all
regions) and for one region, and the enterprise-page history of 200 enterprises.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from portfolio import create_app
from portfolio.models import Commune, Enterprise, db
from portfolio.reporting.visits import TABS, PlanFilter, enterprise_visits, plan_counts, plan_page
from portfolio.services.visit_plan import plan_visits


def timed(label: str, action) -> object:
    started = time.perf_counter()
    result = action()
    print(f"{label:<48} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    app = create_app()
    with app.app_context():
        added = timed("plan_visits() for every enterprise", plan_visits)
        print(f"  rows added: {added}")
        db.session.rollback()
        region = db.session.scalar(sa.select(Commune.region_id).limit(1))
        for scope in (None, region):
            who = "all regions" if scope is None else f"region {scope}"
            f = PlanFilter(scope_region_id=scope)
            counts = timed(f"tab counts ({who})", lambda f=f: plan_counts(f))
            print(f"  {counts}")
            for tab in TABS:
                timed(
                    f"first page of '{tab}' ({who})",
                    lambda tab=tab, scope=scope: plan_page(
                        PlanFilter(tab=tab, scope_region_id=scope), 1, 50
                    ),
                )
        ids = list(db.session.scalars(sa.select(Enterprise.id).order_by(Enterprise.id).limit(200)))
        timed("visit history of 200 enterprises", lambda: [enterprise_visits(i) for i in ids])


if __name__ == "__main__":
    main()
