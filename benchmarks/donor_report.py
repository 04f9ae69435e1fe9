"""Benchmark: the donor report (PDF and XLSX) and the stress test on the 100k demo.

Run: cd /work/main && .venv/bin/python benchmarks/donor_report.py [database URL]

The database defaults to the shared PostgreSQL demo ``bench`` (see
benchmarks/seed_100k.sh); nothing is written to it. Reports the largest
programme's report over the last six whole months, PDF and XLSX (target:
both under 20 s), with the time of each stage, and the stress test on every
active loan (target: well under a second).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench"
TARGET_SECONDS = 20.0


def main() -> None:
    os.environ["DATABASE_URL"] = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    from flask_babel import force_locale

    from portfolio import create_app
    from portfolio.models import Enterprise, Programme, db
    from portfolio.reporting.donor_report import donor_report_data, programme_info
    from portfolio.reporting.stress_test import StressScenario, stress_test
    from portfolio.reports_render import donor as rendering

    app = create_app()
    with app.app_context(), force_locale("fr"):
        programme_id, enterprises = db.session.execute(
            sa.select(Programme.id, sa.func.count(Enterprise.id))
            .join(Enterprise, Enterprise.programme_id == Programme.id)
            .group_by(Programme.id)
            .order_by(sa.func.count(Enterprise.id).desc())
            .limit(1)
        ).one()
        programme = programme_info(programme_id)
        end = date.today().replace(day=1) - timedelta(days=1)
        start = (end - timedelta(days=160)).replace(day=1)
        print(f"{programme.code}: {enterprises:,} enterprises; period {start} to {end}")
        out = Path(tempfile.mkdtemp())
        totals = {}
        for fmt in ("pdf", "xlsx"):
            began = time.perf_counter()
            data = donor_report_data(programme, start, end)
            gathered = time.perf_counter()
            context = rendering.report_context(data, "fr")
            content = (rendering.render_pdf if fmt == "pdf" else rendering.render_xlsx)(context)
            done = time.perf_counter()
            (out / f"report.{fmt}").write_bytes(content)
            totals[fmt] = done - began
            print(
                f"{fmt}: {done - began:.1f} s (SQL {gathered - began:.1f} s, "
                f"rendering {done - gathered:.1f} s), {len(content):,} bytes"
            )
        began = time.perf_counter()
        result = stress_test(StressScenario(Decimal(30), Decimal(5)), date.today())
        stress = time.perf_counter() - began
        print(
            f"stress test: {result.total.loans:,} active loans "
            f"({result.total.without_income:,} without income data) in {stress:.2f} s"
        )
        worst = max(totals.values())
        verdict = "OK" if worst < TARGET_SECONDS else "TOO SLOW"
        print(f"slowest report {worst:.1f} s (target {TARGET_SECONDS:.0f} s): {verdict}")
        print(f"files in {out}")


if __name__ == "__main__":
    main()
