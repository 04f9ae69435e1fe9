"""Busy day on the 100k demo: field monitors, finance officers and managers at once.

Run through run.sh (it prepares accounts and targets, starts gunicorn and
checks the repayments afterwards). Each page is reported under a stable
name ("[id]" in place of numbers) so the CSV gives one p95 per page.

Environment: LOAD_TARGETS (JSON written by prepare.py), LOAD_REPAYMENTS
(where the repayments accepted by the API are written at the end).
"""

from __future__ import annotations

import json
import os
import random
import threading
import uuid
from datetime import date
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"]).read())  # noqa: SIM115
REPAYMENT_XOF = 500

#: Every repayment sent (before the answer), and those the API confirmed (201).
_attempted: list[dict] = []
_accepted: list[dict] = []
_accepted_lock = threading.Lock()


class FormFields(HTMLParser):
    """The values a browser would send for each POST form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.forms.append({})
        if not self._in_form:
            return
        values = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in values):
                    values.setdefault(name, a.get("value") or "y")
            elif kind != "file":
                values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif (
            tag == "option"
            and self._select
            and a.get("value")
            and (self._select not in values or "selected" in a)
        ):
            values[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_fields(html: str) -> dict[str, str]:
    """The page's main form: the POST form with the most fields (not logout or language)."""
    parser = FormFields()
    parser.feed(html)
    return dict(max(parser.forms, key=len, default={}))


class Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    account = ""

    def on_start(self) -> None:
        page = self.client.get("/connexion", name="login form")
        fields = form_fields(page.text)
        fields.update(email=TARGETS["accounts"][self.account], password=TARGETS["password"])
        with self.client.post(
            "/connexion", data=fields, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code})")

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "/connexion" in response.url:
                response.failure("sent back to the login page")
            return response


class FieldMonitor(Staff):
    """Kayes monitor: my visits, an enterprise, the visit form; records a visit now and then."""

    weight = 3
    account = "monitor"

    @task(3)
    def my_visits(self) -> None:
        self.page("/visits/", "GET /visits/ (my visits)")

    @task(2)
    def enterprise(self) -> None:
        enterprise = random.choice(TARGETS["region_enterprises"])
        self.page(f"/entreprises/{enterprise}", "GET /entreprises/[id]")

    @task(2)
    def visit_form(self) -> None:
        enterprise = random.choice(TARGETS["region_enterprises"])
        self.page(f"/visits/new?enterprise={enterprise}", "GET /visits/new (form)")

    @task(1)
    def record_visit(self) -> None:
        enterprise = random.choice(TARGETS["region_enterprises"])
        form = self.page(f"/visits/new?enterprise={enterprise}", "GET /visits/new (form)")
        if form.status_code != 200:
            return
        fields = form_fields(form.text)
        fields.update(
            business_status="operating",
            visited_on=date.today().isoformat(),
            monthly_sales_xof="150000",
            monthly_costs_xof="90000",
        )
        with self.client.post(
            f"/visits/new?enterprise={enterprise}",
            data=fields,
            name="POST /visits/new",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/visits/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"visit not recorded ({response.status_code})")


class FinanceOfficer(Staff):
    """Loans list, a loan, the arrears list; repayments through the API."""

    weight = 2
    account = "finance"

    @task(3)
    def loans(self) -> None:
        self.page("/prets/", "GET /prets/ (loans)")

    @task(3)
    def loan(self) -> None:
        self.page(f"/prets/{random.choice(TARGETS['loans'])}", "GET /prets/[id]")

    @task(1)
    def arrears(self) -> None:
        self.page("/prets/retards", "GET /prets/retards (due and late)")

    @task(3)
    def repayment(self) -> None:
        loan = random.choice(TARGETS["contended_loans"])
        key = f"load-{TARGETS['run']}-{uuid.uuid4().hex[:16]}"
        body = {"paid_on": date.today().isoformat(), "amount_xof": REPAYMENT_XOF}
        headers = {"Authorization": f"Bearer {TARGETS['finance_token']}", "Idempotency-Key": key}
        url = f"/api/v1/loans/{loan}/repayments"
        with _accepted_lock:
            _attempted.append({"loan_id": loan, "key": key, "amount_xof": REPAYMENT_XOF})
        with self.client.post(
            url,
            json=body,
            headers=headers,
            name="POST /api/v1/loans/[id]/repayments",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            entry = response.json()["id"]
        with _accepted_lock:
            _accepted.append(
                {"loan_id": loan, "key": key, "amount_xof": REPAYMENT_XOF, "id": entry}
            )
        if random.random() < 0.2:  # a phone that sends twice: recorded once
            with self.client.post(
                url,
                json=body,
                headers=headers,
                name="POST repayment again (same key)",
                catch_response=True,
            ) as again:
                if again.status_code != 200 or again.json().get("id") != entry:
                    again.failure(f"replay gave {again.status_code}, not the first entry")


class Manager(Staff):
    """Overview, enterprises filtered, portfolio at risk (the dashboard: see below)."""

    weight = 1
    account = "manager"

    @task(2)
    def overview(self) -> None:
        self.page("/", "GET / (overview)")

    @task(3)
    def enterprises(self) -> None:
        region = random.choice(TARGETS["region_ids"])
        sector = random.choice(TARGETS["sector_ids"])
        page = random.choice([1, 1, 2, 5])
        self.page(
            f"/entreprises/?region_id={region}&sector_id={sector}&page={page}",
            "GET /entreprises/?filters",
        )

    @task(1)
    def portfolio_at_risk(self) -> None:
        self.page("/prets/retards", "GET /prets/retards (PAR)")


class DashboardReader(Staff):
    """One manager with the dashboard open, refreshing it now and then: the page, then its
    four slower parts, as the browser fetches them (static/js/dashboard.js).

    One reader, not a share of the managers: a whole dashboard reads most of the database
    (1.5-2 s of one worker at 100k enterprises, less when nothing was written since).
    """

    fixed_count = 1
    account = "manager"
    wait_time = between(15, 25)

    @task
    def dashboard(self) -> None:
        self.page("/dashboard/", "GET /dashboard/")
        for part in ("breakdown", "survival", "par", "scores"):
            self.page(f"/dashboard/parts/{part}", "GET /dashboard/parts/[part]")


@events.quitting.add_listener
def _write_accepted(environment, **_kwargs) -> None:
    with open(os.environ["LOAD_REPAYMENTS"], "w") as out:
        json.dump({"run": TARGETS["run"], "attempted": _attempted, "accepted": _accepted}, out)
