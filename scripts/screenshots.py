"""Screenshots of every main page, for each role, at phone and desktop size, in French.

    .venv/bin/python scripts/screenshots.py --out screenshots/

Builds a temporary SQLite database with the real migrations and demo data,
serves the app on 127.0.0.1 (a free port, CSRF on) in a background thread,
logs in as each role in Debian's headless chromium (never a downloaded
browser) and saves <out>/<role>-<nn>-<page>-<phone|desktop>.png.
Pages a role may not open are left out.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Import the working tree's package, whatever an older editable install says.
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from portfolio import create_app  # noqa: E402
from portfolio.domain.permissions import Permission, can  # noqa: E402
from portfolio.domain.vocabulary import EnterpriseKind, Role  # noqa: E402
from portfolio.models import Beneficiary, Commune, Enterprise, Region, db  # noqa: E402
from portfolio.services.demo import seed_portfolio  # noqa: E402
from portfolio.services.users import create_user  # noqa: E402

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
MONITOR_REGION = "Kayes"


@dataclass(frozen=True)
class Shot:
    """One page to photograph: its name, who may open it, and how to get there."""

    name: str
    permission: Permission | None
    open: Callable  # (page, records) -> None


@dataclass(frozen=True)
class Records:
    """Records the role can see, to open their detail pages."""

    beneficiary_id: int | None
    enterprise_id: int | None
    collective_id: int | None


def _goto(path: str) -> Callable:
    return lambda page, records: page.goto(path)


def _submit_empty(path: str) -> Callable:
    """Open a form and send it as is: required fields left empty show their errors."""

    def open_(page, records):
        page.goto(path)
        page.locator("main form.card button.primary").click()
        page.wait_for_load_state()

    return open_


def _record(kind: str, attribute: str) -> Callable:
    def open_(page, records):
        record_id = getattr(records, attribute)
        if record_id is None:
            raise LookupError(f"no {attribute} in this role's scope")
        page.goto(f"/{kind}/{record_id}")

    return open_


SHOTS = (
    Shot("overview", Permission.VIEW_PORTFOLIO, _goto("/")),
    Shot("beneficiaries", Permission.VIEW_BENEFICIARIES, _goto("/beneficiaires/")),
    Shot("beneficiary", Permission.VIEW_BENEFICIARIES, _record("beneficiaires", "beneficiary_id")),
    Shot(
        "beneficiary-form-error",
        Permission.EDIT_BENEFICIARIES,
        _submit_empty("/beneficiaires/nouveau"),
    ),
    Shot("enterprises", Permission.VIEW_ENTERPRISES, _goto("/entreprises/")),
    Shot("enterprise", Permission.VIEW_ENTERPRISES, _record("entreprises", "enterprise_id")),
    Shot(
        "enterprise-collective",
        Permission.VIEW_ENTERPRISES,
        _record("entreprises", "collective_id"),
    ),
    Shot("enterprise-form", Permission.EDIT_ENTERPRISES, _goto("/entreprises/nouvelle")),
    Shot(
        "enterprise-form-error",
        Permission.EDIT_ENTERPRISES,
        _submit_empty("/entreprises/nouvelle"),
    ),
    Shot("admin-programmes", Permission.MANAGE_PROGRAMMES, _goto("/admin/programmes")),
    Shot(
        "admin-programme-form-error",
        Permission.MANAGE_PROGRAMMES,
        _submit_empty("/admin/programmes/nouveau"),
    ),
    Shot("admin-places", Permission.MANAGE_REFERENCE_DATA, _goto("/admin/lieux")),
    Shot("admin-sectors", Permission.MANAGE_REFERENCE_DATA, _goto("/admin/secteurs")),
    Shot("admin-users", Permission.MANAGE_USERS, _goto("/admin/utilisateurs")),
    Shot(
        "admin-user-form-error",
        Permission.MANAGE_USERS,
        _submit_empty("/admin/utilisateurs/nouveau"),
    ),
    Shot("not-found", None, _goto("/entreprises/999999999")),
)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def build_app(database: Path, enterprises: int) -> tuple[Flask, dict[Role, tuple[str, str]]]:
    """The app on a fresh SQLite file with demo data and one account per role."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": secrets.token_hex(32),
            "WTF_CSRF_ENABLED": True,
            "BABEL_DEFAULT_LOCALE": "fr",
        }
    )
    accounts: dict[Role, tuple[str, str]] = {}
    with app.app_context():
        upgrade()
        seed_portfolio(enterprises)
        kayes = db.session.scalar(sa.select(Region.id).where(Region.name == MONITOR_REGION))
        for role in Role:
            email, password = f"{role.value}@captures.ml", secrets.token_urlsafe(12)
            create_user(
                email=email,
                name=f"Compte {role.value}",
                role=role,
                password=password,
                region_id=kayes if role is Role.MONITOR else None,
            )
            accounts[role] = (email, password)
    return app, accounts


def records_for(app: Flask, role: Role) -> Records:
    with app.app_context():
        region = None
        if role is Role.MONITOR:
            region = db.session.scalar(sa.select(Region.id).where(Region.name == MONITOR_REGION))

        def first(model, *where):
            query = sa.select(model.id).join(Commune, model.commune_id == Commune.id)
            if region is not None:
                query = query.where(Commune.region_id == region)
            return db.session.scalar(query.where(*where).order_by(model.id).limit(1))

        return Records(
            beneficiary_id=first(Beneficiary),
            enterprise_id=first(Enterprise, Enterprise.kind == EnterpriseKind.INDIVIDUAL),
            collective_id=first(Enterprise, Enterprise.kind == EnterpriseKind.COLLECTIVE),
        )


@contextmanager
def serve(app: Flask):
    server = make_server("127.0.0.1", 0, app, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="screenshots-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def log_in(page, email: str, password: str) -> None:
    page.goto("/connexion")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button.primary").click()
    page.wait_for_url(lambda url: "/connexion" not in url)


def take(page, out: Path, stem: str) -> Path:
    path = out / f"{stem}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    #: "<file stem>: <status>" for pages the server answered with an error it should not.
    problems: list[str] = field(default_factory=list)


def run(out: Path, enterprises: int, roles: list[Role], viewports: list[str]) -> Result:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    result = Result()
    with tempfile.TemporaryDirectory(prefix="portfolio-screenshots-") as tmp:
        started = time.monotonic()
        app, accounts = build_app(Path(tmp) / "demo.sqlite", enterprises)
        print(f"demo data ready in {time.monotonic() - started:.1f} s", file=sys.stderr)
        with serve(app) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                for viewport in viewports:
                    _photograph_login(browser, base_url, out, viewport, result)
                    for role in roles:
                        records = records_for(app, role)
                        _photograph_role(
                            browser, base_url, out, viewport, role, accounts[role], records, result
                        )
            finally:
                browser.close()
        with app.app_context():
            db.engine.dispose()
    return result


def _window(browser, base_url: str, viewport: str):
    """A fresh window (own cookies) of a French-speaking person, at the given size."""
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORTS[viewport],
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        locale="fr-FR",  # date pickers show jj/mm/aaaa, as on a phone set to French
        timezone_id="Africa/Bamako",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: (
            statuses.append(r.status)
            if r.request.is_navigation_request() and r.frame == page.main_frame
            else None
        ),
    )
    return context, page, statuses


LISTED_PATHS = {
    "/",
    "/beneficiaires/",
    "/entreprises/",
    "/admin/programmes",
    "/admin/lieux",
    "/admin/secteurs",
    "/admin/utilisateurs",
}
HREFS = "links => links.map(a => a.getAttribute('href'))"


def _unlisted_menu_entries(page) -> list[str]:
    """Main-menu and administration-menu pages that SHOTS does not name (yet)."""
    page.goto("/")
    found = page.locator("nav.mainnav a").evaluate_all(HREFS)
    for href in list(found):
        if href and href.startswith("/admin"):
            page.goto(href)
            found += page.locator("nav.subnav a").evaluate_all(HREFS)
    return list(
        dict.fromkeys(h for h in found if h and h.startswith("/") and h not in LISTED_PATHS)
    )


def _photograph_login(browser, base_url: str, out: Path, viewport: str, result: Result) -> None:
    context, page, _statuses = _window(browser, base_url, viewport)
    try:
        page.goto("/connexion")
        result.written.append(take(page, out, f"anonymous-01-login-{viewport}"))
        page.fill("input[name=email]", "personne@example.ml")
        page.fill("input[name=password]", "pas le bon mot de passe")
        page.locator("main form button.primary").click()
        page.wait_for_load_state()
        result.written.append(take(page, out, f"anonymous-02-login-error-{viewport}"))
    finally:
        context.close()


def _photograph_role(
    browser, base_url, out, viewport, role, account, records, result: Result
) -> None:
    context, page, statuses = _window(browser, base_url, viewport)
    try:
        log_in(page, *account)
        for number, shot in enumerate(SHOTS, start=1):
            if shot.permission is not None and not can(role, shot.permission):
                continue
            try:
                shot.open(page, records)
            except LookupError as missing:
                print(f"{role.value} {shot.name}: skipped, {missing}", file=sys.stderr)
                continue
            stem = f"{role.value}-{number:02d}-{shot.name}-{viewport}"
            if statuses and statuses[-1] >= 500:
                result.problems.append(f"{stem}: HTTP {statuses[-1]}")
            result.written.append(take(page, out, stem))
        # Menu entries added since this list was written get their picture too.
        for number, path in enumerate(_unlisted_menu_entries(page), start=len(SHOTS) + 1):
            page.goto(path)
            slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
            stem = f"{role.value}-{number:02d}-menu-{slug}-{viewport}"
            if statuses and statuses[-1] >= 500:
                result.problems.append(f"{stem}: HTTP {statuses[-1]}")
            result.written.append(take(page, out, stem))
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for PNGs")
    parser.add_argument(
        "--enterprises", type=int, default=300, help="demo enterprises to create (default 300)"
    )
    parser.add_argument(
        "--role",
        action="append",
        choices=[r.value for r in Role],
        help="only this role (repeatable); default: every role",
    )
    parser.add_argument(
        "--viewport",
        action="append",
        choices=list(VIEWPORTS),
        help="only this size (repeatable); default: phone and desktop",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run `make browser` first.", file=sys.stderr)
        return 2
    roles = [Role(r) for r in args.role] if args.role else list(Role)
    started = time.monotonic()
    result = run(args.out, args.enterprises, roles, args.viewport or list(VIEWPORTS))
    for path in result.written:
        print(path)
    print(
        f"{len(result.written)} screenshots in {args.out} ({time.monotonic() - started:.1f} s)",
        file=sys.stderr,
    )
    if result.problems:
        print("Pages that failed on the server:", *result.problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
