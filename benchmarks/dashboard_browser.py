"""Benchmark: how long a manager waits for the whole dashboard in Debian's chromium.

The page answers with the key figures, then the browser fetches its four slower parts
side by side (static/js/dashboard.js). This times, in a real browser against gunicorn
(4 workers) on the 100k PostgreSQL demo, from navigation to the last part drawn, at
desktop and phone size. Each view uses another as-of date, so no figure comes from the
snapshot memo (reporting/dashboard_cache.py): every one is computed.

    .venv/bin/python benchmarks/dashboard_browser.py [postgresql://postgres@127.0.0.1:5432/bench]

Uses the load test's manager account (benchmarks/load/prepare.py creates it).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import redirect_stdout
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))
PORT = 8093
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 360, "height": 740}}


def main(url: str, views: int = 5) -> None:
    os.environ["DATABASE_URL"] = url
    import prepare  # noqa: E402  (benchmarks/load/prepare.py)

    out = io.StringIO()
    with redirect_stdout(out):
        prepare.main()
    targets = json.loads(out.getvalue())
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{PORT}",
         "--access-logfile", "/dev/null", "wsgi:app"],
        cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/connexion")
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            print(f"{'view':10} {'key figures':>12} {'all parts':>10}  (median of {views})")
            for name, size in SIZES.items():
                page = browser.new_context(viewport=size, locale="fr-FR").new_page()
                page.goto(base + "/connexion")
                page.fill("input[name=email]", targets["accounts"]["manager"])
                page.fill("input[name=password]", targets["password"])
                page.click("button.primary")
                # Warm every worker (imports, templates, a connection) on a throwaway view.
                for _ in range(2):
                    page.goto(base + "/dashboard/?as_of=2026-01-01")
                    page.locator("[aria-busy=true]").first.wait_for(state="detached")
                shown, done = [], []
                for k in range(views):
                    as_of = date.today() - timedelta(days=k + 1 + 10 * (name == "phone"))
                    started = time.perf_counter()
                    page.goto(f"{base}/dashboard/?as_of={as_of.isoformat()}")
                    shown.append(time.perf_counter() - started)
                    page.locator("[aria-busy=true]").first.wait_for(state="detached")
                    done.append(time.perf_counter() - started)
                print(
                    f"{name:10} {statistics.median(shown) * 1000:10.0f}ms"
                    f" {statistics.median(done) * 1000:8.0f}ms"
                )
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/bench")
