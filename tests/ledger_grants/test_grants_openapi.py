"""The grants API is in the OpenAPI document, and its answers match what it says."""

from __future__ import annotations

from tests.api.test_openapi import assert_matches
from tests.ledger_grants.conftest import TODAY, days_ago


def test_grant_operations_are_documented_with_their_permissions(api):
    document = api.get("/api/v1/openapi.json", role=None).json
    paths = document["paths"]

    assert paths["/api/v1/grants"]["get"]["x-required-permission"] == "ledger.view"
    assert paths["/api/v1/grants"]["post"]["x-required-permission"] == "ledger.record"
    payment = paths["/api/v1/grants/{grant_id}/tranches/{number}/payments"]["post"]
    assert payment["x-required-permission"] == "ledger.record"
    assert "422" in payment["responses"] and "404" in payment["responses"]
    inputs = document["components"]["schemas"]
    assert inputs["PaymentInput"]["properties"]["amount_xof"]["type"] == "integer"
    assert "idempotency_key" in inputs["PaymentInput"]["properties"]
    assert "tranches" in inputs["GrantInput"]["properties"]
    status = {p["name"]: p for p in paths["/api/v1/grants"]["get"]["parameters"]}["status"]
    assert status["schema"]["enum"] == ["to_pay", "paid", "cancelled"]


def test_grant_answers_match_the_documented_schemas(api, award, pay, enterprise, programme):
    document = api.get("/api/v1/openapi.json", role=None).json
    grant = award(enterprise)
    entry = pay(grant, 1, 600_000)

    assert_matches(document, "GrantPage", api.get("/api/v1/grants").json)
    assert_matches(document, "Grant", api.get(f"/api/v1/grants/{grant.id}").json)
    paid = api.post(
        f"/api/v1/grants/{grant.id}/tranches/2/payments",
        {"paid_on": days_ago(1).isoformat(), "amount_xof": 1_000, "channel": "cash"},
    )
    assert_matches(document, "GrantEntry", paid.json)
    reversal = api.post(f"/api/v1/grants/payments/{entry.id}/reversal", {"reason": "Erreur"})
    assert_matches(document, "GrantEntry", reversal.json)
    cancelled = api.post(
        f"/api/v1/grants/{grant.id}/tranches/2/cancellation",
        {"cancelled_on": TODAY.isoformat(), "reason": "Abandon"},
    )
    assert_matches(document, "Grant", cancelled.json)
    lines = api.get(f"/api/v1/budget-lines?programme_id={programme.id}")
    assert_matches(document, "BudgetLineList", lines.json)
    assert_matches(document, "Error", api.post("/api/v1/grants", {"tranches": "x"}).json)
