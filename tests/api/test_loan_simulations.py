"""POST /api/v1/loan-simulations gives the simulator's exact numbers."""

from __future__ import annotations

import json

from portfolio.domain.vocabulary import Role

FLAT_24 = {
    "amount_xof": 500000,
    "rate_percent": "24",
    "method": "flat",
    "frequency": "monthly",
    "instalments": 12,
    "upfront_fee_percent": 2,
    "savings_upfront_percent": 10,
    "disbursed_on": "2026-11-02",
    "lender_type": "sfd",
}


def test_a_flat_loan_is_priced_as_domain_md_says(api):
    response = api.post("/api/v1/loan-simulations", FLAT_24, role=Role.FINANCE)
    assert response.status_code == 200, response.json
    body = response.json
    assert len(body["schedule"]) == 12
    assert sum(row["principal"] for row in body["schedule"]) == 500_000
    assert body["net_disbursed"] == 440_000
    assert round(body["apr"]) == 55
    assert body["usury"]["ceiling"] == 24.0 and body["usury"]["exceeds"] is True


def test_the_api_and_the_cli_give_the_same_numbers(api, runner):
    from_api = api.post(
        "/api/v1/loan-simulations", FLAT_24 | {"rounding_multiple": 25}, role=Role.MANAGER
    ).json
    printed = runner.invoke(
        args=[
            "loans",
            "simulate",
            "--amount",
            "500000",
            "--annual-rate",
            "24",
            "--term",
            "12",
            "--method",
            "flat",
            "--frequency",
            "monthly",
            "--fee-percent",
            "2",
            "--savings-percent",
            "10",
            "--multiple",
            "25",
            "--disbursed",
            "2026-11-02",
            "--json",
        ]
    )
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == from_api


def test_seasonal_months_are_sent_as_a_list_and_affordability_is_judged(api):
    body = FLAT_24 | {
        "method": "declining_equal_instalments",
        "repayment_months": [11, 12],
        "net_monthly_income_xof": 30000,
        "upfront_fee_percent": 0,
        "savings_upfront_percent": 0,
    }
    response = api.post("/api/v1/loan-simulations", body, role=Role.FINANCE)
    assert response.status_code == 200, response.json
    paying = [row for row in response.json["schedule"] if row["principal"] > 0]
    assert {row["due_on"][5:7] for row in paying} <= {"11", "12"}
    assert response.json["affordability"]["verdict"] in ("fine", "tight", "not_carried")


def test_bad_terms_get_a_422_naming_each_field(api):
    response = api.post(
        "/api/v1/loan-simulations",
        FLAT_24 | {"amount_xof": -5, "instalments": 0, "method": "usurious"},
        role=Role.FINANCE,
    )
    assert response.status_code == 422
    assert {"amount_xof", "instalments", "method"} <= set(response.json["error"]["fields"])


def test_a_grace_as_long_as_the_loan_is_refused_by_the_engine_with_a_message(api):
    response = api.post(
        "/api/v1/loan-simulations", FLAT_24 | {"grace_principal_periods": 12}, role=Role.FINANCE
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"]["grace_principal_periods"]


def test_field_monitors_cannot_simulate_loans(api):
    response = api.post("/api/v1/loan-simulations", FLAT_24, role=Role.MONITOR)
    assert response.status_code == 403
