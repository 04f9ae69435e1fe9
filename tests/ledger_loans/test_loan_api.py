"""/api/v1/loans: the same rules, messages and permissions as the loan pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openapi_schema_validator import OAS31Validator

from portfolio.domain.vocabulary import Role
from portfolio.models import Loan, db
from tests.api.conftest import Api
from tests.ledger_loans.conftest import TODAY


@pytest.fixture
def api(app, client, users) -> Api:
    return Api(app, client, users)


def matches(document, name: str, instance) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(instance)


def application(enterprise, lender, **more) -> dict:
    return {
        "enterprise_id": enterprise.id,
        "lender_id": lender.id,
        "amount_xof": 200_000,
        "rate_percent": "2",
        "rate_basis": "month",
        "method": "flat",
        "frequency": "monthly",
        "instalments": 10,
        "purpose": "Moutons à engraisser",
        **more,
    }


def test_a_loan_goes_through_the_api_from_application_to_repayment(api, enterprise, lender):
    document = api.get("/api/v1/openapi.json", role=None).json
    made = api.post("/api/v1/loans", json=application(enterprise, lender), role=Role.FINANCE)
    assert made.status_code == 201, made.json
    matches(document, "Loan", made.json)
    loan_id = made.json["id"]
    assert made.json["status"] == "applied" and made.json["annual_rate_percent"] == 24.0

    approved = api.post(
        f"/api/v1/loans/{loan_id}/approval",
        json={"version_id": made.json["version_id"]},
        role=Role.MANAGER,
    )
    assert approved.status_code == 200 and approved.json["status"] == "approved"

    paid_out = api.post(
        f"/api/v1/loans/{loan_id}/disbursements",
        json={"disbursed_on": TODAY.isoformat(), "channel": "bank_transfer"},
        role=Role.FINANCE,
    )
    assert paid_out.status_code == 201, paid_out.json
    matches(document, "LoanLedgerEntry", paid_out.json)

    key = {"Idempotency-Key": "phone-42"}
    body = {"paid_on": TODAY.isoformat(), "amount_xof": 10_000, "channel": "mobile_money"}
    first = api.post(f"/api/v1/loans/{loan_id}/repayments", json=body, headers=key)
    again = api.post(f"/api/v1/loans/{loan_id}/repayments", json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]

    loan = api.get(f"/api/v1/loans/{loan_id}", role=Role.MONITOR).json
    matches(document, "Loan", loan)
    assert (
        loan["position"]["principal_repaid_xof"] + loan["position"]["outstanding_principal_xof"]
        == 200_000
    )
    schedule = api.get(f"/api/v1/loans/{loan_id}/schedule").json
    matches(document, "LoanSchedule", schedule)
    assert len(schedule["items"]) == 10 and schedule["items"][0]["paid_xof"] == 10_000
    listing = api.get("/api/v1/loans?status=active").json
    matches(document, "LoanPage", listing)
    assert (
        listing["total"] == 1
        and listing["outstanding_xof"] == loan["position"]["outstanding_principal_xof"]
    )

    reversed_ = api.post(
        f"/api/v1/loans/{loan_id}/reversals",
        json={"entry_id": first.json["id"], "reason": "Doublon"},
    )
    assert reversed_.status_code == 201 and reversed_.json["reverses_id"] == first.json["id"]
    written = api.post(
        f"/api/v1/loans/{loan_id}/write-off", json={"reason": "Cheptel perdu"}, role=Role.MANAGER
    )
    assert written.status_code == 201 and written.json["amount_xof"] == 200_000


def test_the_api_refuses_what_the_pages_refuse(api, loans, enterprise, lender):
    loan = loans.applied(by=Role.MANAGER)
    own = api.post(f"/api/v1/loans/{loan.id}/approval", json={}, role=Role.MANAGER)
    assert own.status_code == 422  # maker-checker: the message is in French by default
    assert (
        api.post(f"/api/v1/loans/{loan.id}/approval", json={}, role=Role.FINANCE).status_code == 403
    )
    early = api.post(f"/api/v1/loans/{loan.id}/disbursements", json={}, role=Role.FINANCE)
    assert early.status_code == 422
    db.session.refresh(loan)
    assert loan.status == "applied" and loan.approved_by_id is None
    active = loans.active()
    future = api.post(
        f"/api/v1/loans/{active.id}/repayments",
        json={"paid_on": (TODAY + timedelta(days=2)).isoformat(), "amount_xof": 5_000},
    )
    assert future.status_code == 422 and "paid_on" in future.json["error"]["fields"]
    bad = api.post("/api/v1/loans", json=application(enterprise, lender, instalments=0))
    assert bad.status_code == 422 and "instalments" in bad.json["error"]["fields"]
    assert db.session.query(Loan).count() == 2


def test_monitors_read_their_region_and_nothing_else(api, loans):
    loan = loans.active()
    assert api.get(f"/api/v1/loans/{loan.id}", role=Role.MONITOR).status_code == 200
    assert (
        api.post(
            f"/api/v1/loans/{loan.id}/repayments", json={"amount_xof": 1}, role=Role.MONITOR
        ).status_code
        == 403
    )
    assert api.get("/api/v1/loans/999999").status_code == 404
