"""Benchmark: portfolio quality (PAR) and the due-and-late list on a seeded database.

Usage: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
       .venv/bin/python -m benchmarks.arrears  (target: each under 0.5 s at 25k loans)
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from portfolio import create_app
from portfolio.reporting.arrears import ArrearsFilter, due_and_late, portfolio_quality


def timed(label: str, call, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<40} {best:6.3f} s (best of {repeat})")


def main() -> None:
    app = create_app()
    with app.app_context():
        today = date.today()
        timed("portfolio_quality today", lambda: portfolio_quality(today))
        timed("portfolio_quality 90 days ago", lambda: portfolio_quality(today - timedelta(90)))
        timed(
            "portfolio_quality, one region",
            lambda: portfolio_quality(today, ArrearsFilter(region_id=1)),
        )
        timed("due_and_late page 1", lambda: due_and_late(today, ArrearsFilter(), 1, 50))
        timed("due_and_late page 20", lambda: due_and_late(today, ArrearsFilter(), 20, 50))


if __name__ == "__main__":
    main()
