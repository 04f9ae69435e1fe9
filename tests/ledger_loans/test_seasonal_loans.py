"""Seasonal repayment months and the business's income, stored with the application."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.money import format_xof
from portfolio.domain.vocabulary import Role
from portfolio.models import Loan, db
from portfolio.services.loan_records import instalments_of
from portfolio.services.loans import disburse_loan, reject_loan
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import TODAY, terms
from tests.ledger_loans.test_loan_api import api, application, matches  # noqa: F401

HARVEST = frozenset({10, 11, 12, 1})


def test_a_seasonal_loan_is_repaid_only_in_its_months(loans, users):
    loan = loans.approved(
        loan_terms=terms(n=12, repayment_months=HARVEST), applied_on=date(TODAY.year - 1, 1, 1)
    )
    assert loan.repayment_months == "1,10,11,12"
    disbursed_on = date(TODAY.year - 1, 1, 15)  # last instalment in January
    disburse_loan(loan, disbursed_on=disbursed_on, recorded_by_id=users[Role.FINANCE].id)
    rows = instalments_of(loan)
    assert len(rows) == 12
    paying = [r for r in rows if r.principal_xof > 0]
    assert paying and all(r.due_on.month in HARVEST for r in paying)
    assert all(r.principal_xof == 0 for r in rows if r.due_on.month not in HARVEST)
    assert sum(r.principal_xof for r in rows) == 120_000


def test_a_seasonal_loan_whose_last_instalment_misses_its_months_is_not_disbursed(loans, users):
    loan = loans.approved(
        loan_terms=terms(n=3, repayment_months=frozenset({12}), disbursed_on=date(2025, 9, 1)),
        applied_on=date(2025, 4, 1),
    )
    with pytest.raises(ServiceError) as refused:
        disburse_loan(loan, disbursed_on=date(2025, 5, 1), recorded_by_id=users[Role.FINANCE].id)
    assert refused.value.field == "first_due_on" and "seasonal" in refused.value.message
    db.session.refresh(loan)
    assert loan.schedule_version == 0


def test_the_income_is_kept_and_shown_with_the_affordability_verdict(client, login, loans, users):
    loan = loans.applied(net_monthly_income_xof=10_000)
    assert loan.net_monthly_income_xof == 10_000
    with pytest.raises(ServiceError) as refused:
        loans.applied(net_monthly_income_xof=-1)
    assert refused.value.field == "net_monthly_income_xof"
    login(Role.MANAGER)
    page = client.get(f"/prets/{loan.id}").get_data(as_text=True)
    assert "Net monthly income stated on application" in page
    # 10 000 a month cannot carry ~11 350 a month: the verdict is shown at once.
    assert f"the business earns {format_xof(10_000, 'en')} a month" in page
    assert "verdict-bad" in page


def test_the_application_form_records_months_and_income(client, login, enterprise, lender):
    login(Role.FINANCE)
    form = {
        "enterprise_id": enterprise.id,
        "lender_id": lender.id,
        "amount_xof": "120 000",
        "rate_percent": "24",
        "rate_basis": "year",
        "method": "declining_equal_instalments",
        "frequency": "monthly",
        "instalments": "12",
        "disbursed_on": date(TODAY.year, 1, 15).isoformat(),
        "rounding_multiple": "1",
        "grace_interest": "none",
        "repayment_months": ["10", "11", "12", "1"],
        "net_monthly_income_xof": "60 000",
    }
    page = client.get("/prets/demande").get_data(as_text=True)
    assert 'name="repayment_months"' in page
    response = client.post("/prets/demande", data=form)
    assert response.status_code == 302, response.text
    loan = db.session.scalar(sa.select(Loan))
    assert loan.repayment_months == "1,10,11,12" and loan.net_monthly_income_xof == 60_000
    shown = client.get(f"/prets/{loan.id}").get_data(as_text=True)
    assert "October" in shown and "60" in shown


def test_the_api_takes_and_gives_months_income_and_rejection(api, enterprise, lender, users):  # noqa: F811
    document = api.get("/api/v1/openapi.json", role=None).json
    body = application(
        enterprise,
        lender,
        repayment_months=[11, 12],
        net_monthly_income_xof=80_000,
        disbursed_on=date(TODAY.year, 2, 1).isoformat(),
    )
    made = api.post("/api/v1/loans", json=body, role=Role.FINANCE)
    assert made.status_code == 201, made.json
    matches(document, "Loan", made.json)
    assert made.json["repayment_months"] == [11, 12]
    assert made.json["net_monthly_income_xof"] == 80_000
    rejected = api.post(
        f"/api/v1/loans/{made.json['id']}/rejection",
        json={"note": "Pas viable"},
        role=Role.MANAGER,
    )
    assert rejected.status_code == 200
    assert rejected.json["rejected_by_id"] == users[Role.MANAGER].id
    assert rejected.json["rejected_on"] == TODAY.isoformat()
    matches(document, "Loan", rejected.json)


def test_the_database_refuses_a_rejection_by_the_maker(loans, users):
    loan = loans.applied(by=Role.MANAGER)
    with pytest.raises(ServiceError):
        reject_loan(loan, by_id=users[Role.MANAGER].id, note="Non")
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Loan)
            .where(Loan.id == loan.id)
            .values(rejected_by_id=users[Role.MANAGER].id, rejected_on=TODAY - timedelta(0))
        )
    db.session.rollback()
