"""Browser fixtures: the test app served on a real port, driven by Debian's headless chromium.

Browser journeys run once, on SQLite (see `pytest_generate_tests`): a
skipped or duplicated PostgreSQL copy would fail CI. CSRF protection is on
while the live server runs: a real browser posts real forms with their tokens.

Never a downloaded browser: only /usr/bin/chromium (`make browser`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "desktop": {"width": 1366, "height": 900},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    """Browser journeys run once, on SQLite, whatever databases the rest of the suite uses.

    tests/conftest.py parametrizes `app_on_backend` over sqlite and postgresql.
    A direct `parametrize` mark takes precedence over a fixture's own params,
    so this folder's tests use the very same SQLite app as the rest of the
    suite (built by the same code, with the same migrations), never a second
    (or skipped) PostgreSQL copy.
    """
    marked = any(
        "app_on_backend" in str(mark.args[0])
        for mark in metafunc.definition.iter_markers("parametrize")
    )
    if "app_on_backend" in metafunc.fixturenames and not marked:
        metafunc.definition.add_marker(
            pytest.mark.parametrize("app_on_backend", ["sqlite"], indirect=True, scope="session")
        )


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output; errors are still reported."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app on 127.0.0.1 and a free port, in a background thread; yields its URL.

    CSRF protection is switched on while the server runs (Flask-WTF reads the
    setting on every request and form): a real browser posts real forms with
    their tokens, as in production. The shared test app gets its setting back.

    Single-threaded on purpose: HTTP/1.0, one request at a time, so no
    keep-alive threads outlive the test (and no socket is left unclosed).
    """
    csrf_before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.config["WTF_CSRF_ENABLED"] = csrf_before


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole run."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is not installed: run `make browser` "
            "(apt-get install chromium) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test, so a failing journey leaves a screenshot.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_page(browser, live_server, request) -> Iterator[Callable]:
    """Opens a fresh browser window (its own cookies) at 'phone' or 'desktop' size.

    The browser asks for English on purpose: the application must still
    answer in French until the person chooses otherwise.
    """
    contexts = []
    for stale in SCREENSHOTS.glob(f"{_name(request.node)}-*.png"):
        stale.unlink()  # a previous run's pictures of this test would mislead

    def open_(viewport: str = "desktop"):
        phone = viewport == "phone"
        context = browser.new_context(
            base_url=live_server,
            viewport=VIEWPORTS[viewport],
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB",
            timezone_id="Africa/Bamako",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for number, context in enumerate(contexts):
            for page in context.pages:
                viewport = "phone" if page.viewport_size["width"] < 700 else "desktop"
                _save(page, f"{_name(request.node)}-failure{number}-{viewport}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A desktop-sized page (1366x900)."""
    return open_page("desktop")


@pytest.fixture
def phone_page(open_page):
    """A phone-sized page (360x740), with touch, as a field monitor's phone."""
    return open_page("phone")


@pytest.fixture
def screenshot(request) -> Callable:
    """screenshot(page, "step"): test-results/screenshots/<test>-<step>-<phone|desktop>.png."""

    def take(page, step: str) -> Path:
        viewport = "phone" if page.viewport_size["width"] < 700 else "desktop"
        return _save(page, f"{_name(request.node)}-{step}-{viewport}")

    return take


def _name(node) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", node.originalname)


def _save(page, stem: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{stem}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
