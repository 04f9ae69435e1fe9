"""Benchmark: one request at a time to each page of the load test's journeys (benchmarks/load).

The load test's 95th percentile can only be as good as each page alone: this shows which
page is slow, without 50 users queueing behind it. In-process Flask client on the 100k
PostgreSQL demo (benchmarks/seed_100k.sh); network time is not included. Uses the load
test's accounts and targets (created on first use by benchmarks/load/prepare.py).

    .venv/bin/python benchmarks/pages.py [postgresql://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))


def main(url: str, repeat: int = 5) -> None:
    os.environ["DATABASE_URL"] = url
    import prepare  # noqa: E402  (benchmarks/load/prepare.py: accounts and targets)

    from portfolio import create_app
    from portfolio.reporting import dashboard_cache

    out = io.StringIO()
    with redirect_stdout(out):
        prepare.main()
    targets = json.loads(out.getvalue())
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    rng = random.Random(1)
    region_enterprise = lambda: rng.choice(targets["region_enterprises"])  # noqa: E731
    journeys = {
        "monitor": [
            ("GET /visits/ (my visits)", lambda: "/visits/"),
            ("GET /entreprises/[id]", lambda: f"/entreprises/{region_enterprise()}"),
            ("GET /visits/new (form)", lambda: f"/visits/new?enterprise={region_enterprise()}"),
        ],
        "finance": [
            ("GET /prets/ (loans)", lambda: "/prets/"),
            ("GET /prets/[id]", lambda: f"/prets/{rng.choice(targets['loans'])}"),
            ("GET /prets/retards (due and late)", lambda: "/prets/retards"),
        ],
        "manager": [
            ("GET / (overview)", lambda: "/"),
            (
                "GET /entreprises/?filters",
                lambda: (
                    f"/entreprises/?region_id={rng.choice(targets['region_ids'])}"
                    f"&sector_id={rng.choice(targets['sector_ids'])}&page={rng.choice([1, 2, 5])}"
                ),
            ),
            ("GET /dashboard/ (cold)", lambda: "/dashboard/"),
        ],
    }
    print(f"{'page':40} {'median':>9} {'slowest':>9}  (of {repeat}, one at a time)")
    for account, pages in journeys.items():
        client = app.test_client()
        answer = client.post(
            "/connexion",
            data={"email": targets["accounts"][account], "password": targets["password"]},
        )
        assert answer.status_code == 302, (account, answer.status_code)
        for name, path in pages:
            timings = []
            for _ in range(repeat):
                dashboard_cache.clear()
                started = time.perf_counter()
                response = client.get(path())
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            print(f"{name:40} {statistics.median(timings):7.0f}ms {max(timings):7.0f}ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/bench")
