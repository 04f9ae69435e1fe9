"""Benchmark: the dashboard page and GET /api/v1/portfolio/summary (target < 1 s each).

The page answers with the key figures and two charts; the browser then fetches its four
slower parts (/dashboard/parts/<name>) side by side. Each is timed, and all of them one
after the other (what one server process would spend on a whole dashboard).

Runs the whole Flask stack in-process (routing, login or token, SQL, templates, JSON) on
the 100k-enterprise PostgreSQL demo (benchmarks/seed_100k.sh); network time is not
included. Prints the median and the slowest of several runs, cold (the memo of
reporting.dashboard_cache emptied before each run) and warm (the same view again), then the
time each part of the page takes, cold, to show where a slow page spends it.

    .venv/bin/python benchmarks/dashboard.py [postgresql://postgres@127.0.0.1:5432/bench]

Creates (once) an account bench.dashboard@demo.portfolio.ml (manager) to log in with.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from portfolio import create_app  # noqa: E402
from portfolio.models import Enterprise, User, db  # noqa: E402
from portfolio.reporting import dashboard_cache  # noqa: E402
from portfolio.reporting.dashboard import monthly_disbursements, portfolio_breakdown  # noqa: E402
from portfolio.reporting.dashboard_trends import (  # noqa: E402
    par_trend,
    scores_by_community,
    survival_cohorts,
)
from portfolio.reporting.summary import PortfolioFilters, portfolio_summary  # noqa: E402
from portfolio.services.users import create_user, issue_api_token  # noqa: E402

PARTS = ("breakdown", "survival", "par", "scores")
EMAIL = "bench.dashboard@demo.portfolio.ml"
PASSWORD = "Bench-Dashboard-2026"


def _timed(call, repeat: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main(url: str, repeat: int = 3) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        enterprises = db.session.scalar(sa.select(sa.func.count(Enterprise.id)))
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        if user is None:
            user = create_user(
                email=EMAIL, name="Bench dashboard", role="manager", password=PASSWORD
            )
        token = issue_api_token(user)
    database = url.rsplit("/", 1)[-1]
    print(f"{enterprises:,} enterprises in {database}; median and slowest of {repeat}")
    client = app.test_client()
    response = client.post("/connexion", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str, **kwargs) -> None:
        answer = client.get(path, **kwargs)
        assert answer.status_code == 200, (path, answer.status_code)

    cases = {
        "dashboard page": lambda: get("/dashboard/"),
        "dashboard page, one region": lambda: get("/dashboard/?region=1"),
        **{
            f"dashboard part {part}": (lambda part=part: get(f"/dashboard/parts/{part}"))
            for part in PARTS
        },
        "dashboard, page then its 4 parts in turn": lambda: [
            get(path) for path in ("/dashboard/", *(f"/dashboard/parts/{p}" for p in PARTS))
        ],
        "summary API": lambda: get("/api/v1/portfolio/summary", headers=headers),
        "summary API, women, kits": lambda: get(
            "/api/v1/portfolio/summary?sex=F&instrument=kit", headers=headers
        ),
    }
    get("/dashboard/")  # warm up: templates, statement caches

    def cold(call):
        def run():
            dashboard_cache.clear()
            call()

        return run

    # Cold: the memo emptied before each run (every figure computed). Warm: the same view
    # again; answered from the memo only while no transaction committed anywhere on the
    # database server in between (hits / computed say how often that was the case).
    print(f"{'request':50} {'median':>9} {'slowest':>9}")
    for name, call in cases.items():
        median, slowest = _timed(cold(call), repeat)
        print(f"{name + ' (cold)':50} {median:7.0f}ms {slowest:7.0f}ms")
        before = dict(dashboard_cache.stats)
        median, slowest = _timed(call, repeat)
        hits = dashboard_cache.stats["hits"] - before["hits"]
        computed = dashboard_cache.stats["computed"] - before["computed"]
        print(
            f"{name + ' (warm)':50} {median:7.0f}ms {slowest:7.0f}ms"
            f"  memo: {hits} hits, {computed} computed"
        )

    today, f = date.today(), PortfolioFilters()
    parts = {
        "portfolio_summary (6 queries)": lambda: portfolio_summary(f, today),
        "monthly_disbursements": lambda: monthly_disbursements(f, today),
        "portfolio_breakdown": lambda: portfolio_breakdown(f, today, "fr"),
        "par_trend (12 month-ends)": lambda: par_trend(f, today),
        "scores_by_community": lambda: scores_by_community(f, today),
        "survival_cohorts": lambda: survival_cohorts(f, today),
    }
    print(f"\n{'part of the page':50} {'median':>9} {'slowest':>9}")
    with app.app_context():
        for name, call in parts.items():
            median, slowest = _timed(cold(call), repeat)
            print(f"{name:50} {median:7.0f}ms {slowest:7.0f}ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/bench")
