"""The loan pages through the browser's eyes: list, application, loan page, actions."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.money import format_xof
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, Loan, LoanProduct, db
from portfolio.services.loans import position_of
from tests.ledger_loans.conftest import TODAY, make_enterprise


def repayments() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(JournalEntry.id)).where(
            JournalEntry.kind == EntryKind.LOAN_REPAYMENT
        )
    )


def test_a_finance_officer_previews_then_records_an_application(client, login, enterprise, lender):
    login(Role.FINANCE)
    form = {
        "enterprise_id": enterprise.id,
        "lender_id": lender.id,
        "purpose": "Stock de tissu",
        "amount_xof": "300 000",
        "rate_percent": "24",
        "rate_basis": "year",
        "method": "declining_equal_instalments",
        "frequency": "monthly",
        "instalments": "12",
        "disbursed_on": TODAY.isoformat(),
        "rounding_multiple": "1",
        "grace_interest": "none",
        "net_monthly_income_xof": "60 000",
    }
    preview = client.post("/prets/demande", data={**form, "preview": "1"})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "24.0" in page and "DSCR" not in page  # the APR, and the coverage in words
    assert db.session.scalar(sa.select(sa.func.count(Loan.id))) == 0

    recorded = client.post("/prets/demande", data=form)
    assert recorded.status_code == 302
    loan = db.session.scalar(sa.select(Loan))
    assert loan.status == LoanStatus.APPLIED and loan.amount_xof == 300_000
    assert client.get(recorded.headers["Location"]).status_code == 200


def test_a_product_fills_in_the_application(client, login, enterprise, lender):
    login(Role.FINANCE)
    product = db.session.scalar(sa.select(LoanProduct).where(LoanProduct.lender_id == lender.id))
    page = client.post(
        "/prets/demande", data={"product_id": product.id, "use_product": "1"}
    ).get_data(as_text=True)
    assert f'value="{product.instalments}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Loan.id))) == 0


def test_only_managers_approve_and_never_their_own_application(client, login, loans, users):
    loan = loans.applied(by=Role.MANAGER)
    login(Role.FINANCE)
    assert client.post(f"/prets/{loan.id}/approbation").status_code == 403
    client.post("/deconnexion")
    login(Role.MANAGER)
    page = client.post(
        f"/prets/{loan.id}/approbation", data={"approve-version_id": loan.version_id}
    )
    assert "another manager" in page.get_data(as_text=True)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.APPLIED


def test_a_loan_is_disbursed_and_repaid_through_its_page(client, login, loans):
    loan = loans.approved()
    login(Role.FINANCE)
    disbursed = client.post(
        f"/prets/{loan.id}/decaissement",
        data={
            "disburse-disbursed_on": (TODAY - timedelta(days=70)).isoformat(),
            "disburse-channel": "cash",
            "disburse-idempotency_key": "k-disburse",
        },
    )
    assert disbursed.status_code == 302
    page = client.get(f"/prets/{loan.id}").get_data(as_text=True)
    assert "Record the repayment" in page
    assert "days late" in page

    data = {
        "repay-paid_on": TODAY.isoformat(),
        "repay-amount_xof": "15 000",
        "repay-channel": "mobile_money",
        "repay-reference": "OM-123",
        "repay-idempotency_key": "k-repay-1",
    }
    assert client.post(f"/prets/{loan.id}/remboursements", data=data).status_code == 302
    again = client.post(f"/prets/{loan.id}/remboursements", data=data)
    assert again.status_code == 302  # "already recorded", back to the loan page
    assert "already recorded" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert repayments() == 1
    assert position_of(db.session.get(Loan, loan.id)).repaid_xof == 15_000


def test_a_repayment_above_what_is_owed_is_refused_with_the_figure(client, login, loans):
    loan = loans.active()
    owed = position_of(loan).owed_xof
    login(Role.FINANCE)
    page = client.post(
        f"/prets/{loan.id}/remboursements",
        data={
            "repay-paid_on": TODAY.isoformat(),
            "repay-amount_xof": str(owed + 1),
            "repay-channel": "cash",
            "repay-idempotency_key": "k-too-much",
        },
    )
    assert page.status_code == 200
    assert format_xof(owed, "en") in page.get_data(as_text=True)
    assert repayments() == 0


def test_an_entry_is_reversed_from_the_history_with_a_reason(client, login, loans, users):
    from portfolio.services.loans import record_repayment

    loan = loans.active()
    entry = record_repayment(
        loan, paid_on=TODAY, amount_xof=8_000, recorded_by_id=users[Role.FINANCE].id
    )
    login(Role.FINANCE)
    response = client.post(
        f"/prets/{loan.id}/annulations",
        data={"reverse-entry_id": entry.id, "reverse-reason": "Saisie en double"},
    )
    assert response.status_code == 302
    assert position_of(db.session.get(Loan, loan.id)).repaid_xof == 0
    page = client.get(f"/prets/{loan.id}").get_data(as_text=True)
    assert f"#{entry.id}" in page and "Saisie en double" in page


def test_monitors_see_loans_of_their_region_only_and_cannot_act(client, login, loans, lender):
    kayes = loans.active()
    elsewhere = make_enterprise(region="Sikasso")
    loans.enterprise = elsewhere
    sikasso = loans.applied()
    login(Role.MONITOR)
    listing = client.get("/prets/").get_data(as_text=True)
    assert f"/prets/{kayes.id}" in listing and f"/prets/{sikasso.id}" not in listing
    assert client.get(f"/prets/{sikasso.id}").status_code == 404
    page = client.get(f"/prets/{kayes.id}").get_data(as_text=True)
    assert "remboursements" not in page and "annulations" not in page
    assert client.post(f"/prets/{kayes.id}/remboursements").status_code == 403


def test_the_list_filters_and_totals_what_is_outstanding(client, login, loans):
    active = loans.active()
    loans.applied()
    login(Role.MANAGER)
    page = client.get("/prets/?status=active").get_data(as_text=True)
    assert f"/prets/{active.id}" in page
    assert format_xof(120_000, "en") in page
    empty = client.get("/prets/?status=written_off").get_data(as_text=True)
    assert f"/prets/{active.id}" not in empty
    assert client.get("/prets/?status=nonsense&lender_id=abc").status_code == 200
