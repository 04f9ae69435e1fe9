"""Benchmark: import a 10,000-row KoboToolbox CSV export of visits (target: under 10 s).

Run: cd /work/main && .venv/bin/python benchmarks/visit_import.py [DATABASE_URL] [rows]

The database (default postgresql://postgres@127.0.0.1:5432/bench_visits) is
migrated and, when empty, filled with the demo data; the export is generated
for the demo enterprises, imported (timed), imported again (timed: nothing
must be added), then the imported visits are deleted again.
"""

from __future__ import annotations

import csv
import io
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from portfolio import create_app
from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import BusinessStatus, Problem, VisitSource
from portfolio.models import Enterprise, Flag, PlannedVisit, Visit, VisitProblem, db
from portfolio.services.visit_import import import_visits
from portfolio.services.visit_plan import first_support_dates

ROWS = 10_000
TARGET_SECONDS = 10.0
SEED = 20_261_124


def kobo_header() -> list[str]:
    return [
        "start",
        "end",
        "enterprise",
        "visited_on",
        "owner_present",
        "business/business_status",
        "business/monthly_sales_xof",
        "business/monthly_costs_xof",
        "business/stock_level",
        "business/paid_employees",
        "business/family_workers",
        "problems",
        *(f"problems/{p.value}" for p in Problem),
        "kit/kit_retained_pct",
        "kit/kit_sold",
        *(f"{item.dimension.value}/{item.code}" for item in REINTEGRATION_ITEMS),
        "support_needed",
        "gps",
        "_gps_latitude",
        "_gps_longitude",
        "_gps_altitude",
        "_gps_precision",
        "photo",
        "notes",
        "meta/instanceID",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_submitted_by",
        "__version__",
        "_index",
    ]


def kobo_csv(enterprises: list[tuple[int, date]], rows: int, seed: int = SEED) -> bytes:
    """A Kobo export as the server writes it (``;``-separated, XML names)."""
    rng = random.Random(seed)
    today = date.today()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(kobo_header())
    for index in range(1, rows + 1):
        enterprise_id, first = enterprises[rng.randrange(len(enterprises))]
        span = max((today - first).days, 0)
        visited = first + timedelta(days=rng.randint(0, span))
        problems = rng.sample([p.value for p in Problem], rng.randint(0, 3))
        uid = str(uuid.UUID(int=rng.getrandbits(128)))
        lat, lon = 14.4 + rng.random(), -11.4 + rng.random()
        writer.writerow(
            [
                f"{visited}T09:00:00.000+00:00",
                f"{visited}T09:40:00.000+00:00",
                enterprise_id,
                visited.isoformat(),
                rng.choice(["yes", "yes", "yes", "no"]),
                rng.choice([s.value for s in BusinessStatus][:3]),
                rng.randrange(0, 500_000, 500),
                rng.randrange(0, 300_000, 500),
                rng.choice(["none", "low", "enough", "high", ""]),
                rng.randint(0, 3),
                rng.randint(0, 4),
                " ".join(problems),
                *("1" if p.value in problems else "0" for p in Problem),
                rng.choice([str(rng.randint(0, 100)), ""]),
                rng.choice(["yes", "no", "no", "no"]),
                *(rng.randint(0, 4) for _ in REINTEGRATION_ITEMS),
                "",
                f"{lat:.6f} {lon:.6f} 300 5",
                f"{lat:.6f}",
                f"{lon:.6f}",
                "300",
                "5",
                "",
                rng.choice(["", "Bonne tenue des cahiers."]),
                f"uuid:{uid}",
                1_000_000 + index,
                uid,
                datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "",
                "suivi.kayes",
                "2026112401",
                index,
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/bench_visits"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else ROWS
    engine_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": engine_url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)):
            flask = [sys.executable, "-m", "flask", "--app", "portfolio", "demo", "bootstrap"]
            subprocess.run(flask, check=True, env={**os.environ, "DATABASE_URL": url})
        firsts = first_support_dates()
        enterprises = [
            (id_, firsts.get(id_, date.today() - timedelta(days=365)))
            for id_ in db.session.scalars(sa.select(Enterprise.id))
        ]
        data = kobo_csv(enterprises, rows)
        print(f"{rows} rows, {len(enterprises)} enterprises, {len(data) / 1e6:.1f} MB")
        print(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        try:
            started, cpu = time.perf_counter(), time.process_time()
            first = import_visits(data)
            first_s = time.perf_counter() - started
            print(
                f"first import: {first_s:.2f} s wall, {time.process_time() - cpu:.2f} s CPU "
                f"(added {first.added}, rejected {len(first.rejected)})"
            )
            started, cpu = time.perf_counter(), time.process_time()
            again = import_visits(data)
            again_s = time.perf_counter() - started
            print(
                f"same file again: {again_s:.2f} s wall, {time.process_time() - cpu:.2f} s CPU "
                f"(added {again.added}, unchanged {again.unchanged})"
            )
            verdict = "OK" if max(first_s, again_s) < TARGET_SECONDS else "TOO SLOW"
            print(f"target {TARGET_SECONDS:.0f} s: {verdict}")
        finally:
            imported = sa.select(Visit.id).where(Visit.source == VisitSource.KOBO)
            db.session.execute(
                sa.update(PlannedVisit)
                .where(PlannedVisit.visit_id.in_(imported))
                .values(visit_id=None)
            )
            db.session.execute(
                sa.update(Flag).where(Flag.visit_id.in_(imported)).values(visit_id=None)
            )
            db.session.execute(sa.delete(VisitProblem).where(VisitProblem.visit_id.in_(imported)))
            db.session.execute(sa.delete(Visit).where(Visit.source == VisitSource.KOBO))
            db.session.commit()


if __name__ == "__main__":
    main()
