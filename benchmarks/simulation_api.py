"""Benchmark: one loan simulation answered by POST /api/v1/loan-simulations (target < 50 ms).

Runs the whole Flask stack in-process (routing, token check, form
validation, engine, JSON) on a temporary SQLite database; network time
is not included. Usage: .venv/bin/python benchmarks/simulation_api.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from portfolio import create_app  # noqa: E402
from portfolio.services.users import create_user, issue_api_token  # noqa: E402

CASES = {
    "24 % flat, 12 monthly, fee + savings": {
        "amount_xof": 500000,
        "rate_percent": 24,
        "method": "flat",
        "instalments": 12,
        "upfront_fee_percent": 2,
        "savings_upfront_percent": 10,
    },
    "declining, 36 monthly, with income (affordability search)": {
        "amount_xof": 1500000,
        "rate_percent": 18,
        "method": "declining_equal_instalments",
        "instalments": 36,
        "net_monthly_income_xof": 120000,
    },
    "weekly, 104 instalments, with income": {
        "amount_xof": 300000,
        "rate_percent": 20,
        "method": "declining_equal_instalments",
        "frequency": "weekly",
        "instalments": 104,
        "net_monthly_income_xof": 40000,
    },
}


def main(repeat: int = 200) -> None:
    folder = tempfile.mkdtemp()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench"}
    )
    with app.app_context():
        upgrade()
        user = create_user(
            email="bench@test.ml", name="Bench", role="finance", password="Correct-Horse-42"
        )
        headers = {"Authorization": f"Bearer {issue_api_token(user)}"}
    client = app.test_client()
    print(f"{'case':58} {'median':>9} {'p95':>9}")
    for name, body in CASES.items():
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.post("/api/v1/loan-simulations", json=body, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.json
        timings.sort()
        p95 = timings[int(len(timings) * 0.95)]
        print(f"{name:58} {statistics.median(timings):7.1f}ms {p95:7.1f}ms")


if __name__ == "__main__":
    main()
