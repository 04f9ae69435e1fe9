"""A loan from application to closure, and the decisions that gate each step."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.loans import add_months
from portfolio.domain.money import format_xof
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, Loan, LoanInstalment, db
from portfolio.services.loan_records import instalments_of
from portfolio.services.loans import (
    approve_loan,
    disburse_loan,
    position_of,
    record_repayment,
    reject_loan,
)
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import DISBURSED_ON, TODAY, terms


def entries(kind: EntryKind) -> list[JournalEntry]:
    return list(db.session.scalars(sa.select(JournalEntry).where(JournalEntry.kind == kind)))


def test_a_loan_goes_from_application_to_closure(loans, users, loan_line):
    loan = loans.applied(budget_line_id=loan_line.id)
    assert loan.status == LoanStatus.APPLIED and loan.schedule_version == 0

    approve_loan(loan, by_id=users[Role.MANAGER].id, approved_on=loan.applied_on)
    assert loan.status == LoanStatus.APPROVED and loan.approved_by_id == users[Role.MANAGER].id

    disburse_loan(loan, disbursed_on=DISBURSED_ON, recorded_by_id=users[Role.FINANCE].id)
    assert loan.status == LoanStatus.ACTIVE and loan.schedule_version == 1
    rows = instalments_of(loan)
    assert len(rows) == 12 and sum(r.principal_xof for r in rows) == 120_000
    assert rows[0].due_on == loan.first_due_on == add_months(DISBURSED_ON, 1)
    (payout,) = entries(EntryKind.LOAN_DISBURSEMENT)
    assert (payout.amount_xof, payout.loan_id, payout.enterprise_id, payout.budget_line_id) == (
        120_000,
        loan.id,
        loan.enterprise_id,
        loan_line.id,
    )

    for row in rows:
        record_repayment(
            loan,
            paid_on=row.due_on,
            amount_xof=row.principal_xof + row.interest_xof,
            recorded_by_id=users[Role.FINANCE].id,
        )
    assert loan.status == LoanStatus.CLOSED and loan.closed_on == rows[-1].due_on
    position = position_of(loan)
    assert position.outstanding_principal_xof == 0 and position.credit_xof == 0


def test_the_first_instalment_falls_one_period_after_disbursement_unless_chosen(loans, users):
    default = loans.active()
    assert [r.due_on for r in instalments_of(default)[:2]] == [
        add_months(DISBURSED_ON, 1),
        add_months(DISBURSED_ON, 2),
    ]
    chosen = loans.approved()
    first = DISBURSED_ON + timedelta(days=45)
    disburse_loan(
        chosen, disbursed_on=DISBURSED_ON, recorded_by_id=users[Role.FINANCE].id, first_due_on=first
    )
    assert instalments_of(chosen)[0].due_on == first


def test_the_person_who_recorded_an_application_cannot_approve_it(loans, users):
    loan = loans.applied(by=Role.MANAGER)
    with pytest.raises(ServiceError, match="another manager"):
        approve_loan(loan, by_id=users[Role.MANAGER].id, approved_on=loan.applied_on)
    with pytest.raises(ServiceError, match="another manager"):
        reject_loan(loan, by_id=users[Role.MANAGER].id, note="Trop risqué")
    db.session.refresh(loan)
    assert loan.status == LoanStatus.APPLIED and loan.approved_by_id is None

    approve_loan(loan, by_id=users[Role.ADMIN].id, approved_on=loan.applied_on)
    assert loan.status == LoanStatus.APPROVED


def test_the_database_itself_refuses_an_approver_who_created_the_loan(loans, users):
    loan = loans.applied(by=Role.MANAGER)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Loan).where(Loan.id == loan.id).values(approved_by_id=loan.created_by_id)
        )
    db.session.rollback()


def test_a_loan_cannot_be_disbursed_before_it_is_approved(loans, users):
    loan = loans.applied()
    with pytest.raises(ServiceError, match="not approved yet"):
        disburse_loan(loan, disbursed_on=TODAY, recorded_by_id=users[Role.FINANCE].id)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.APPLIED
    assert entries(EntryKind.LOAN_DISBURSEMENT) == []
    assert db.session.scalar(sa.select(sa.func.count(LoanInstalment.id))) == 0


def test_a_rejected_application_needs_a_reason_and_goes_no_further(loans, users):
    loan = loans.applied()
    with pytest.raises(ServiceError) as refused:
        reject_loan(loan, by_id=users[Role.MANAGER].id, note="  ")
    assert refused.value.field == "note"
    reject_loan(loan, by_id=users[Role.MANAGER].id, note="Activité non viable")
    assert loan.status == LoanStatus.REJECTED and loan.decision_note == "Activité non viable"
    # Who and when are kept; the approver columns stay empty.
    assert loan.rejected_by_id == users[Role.MANAGER].id and loan.rejected_on == TODAY
    assert loan.approved_by_id is None and loan.approved_on is None
    with pytest.raises(ServiceError):
        approve_loan(loan, by_id=users[Role.ADMIN].id)
    with pytest.raises(ServiceError):
        disburse_loan(loan, disbursed_on=TODAY, recorded_by_id=users[Role.FINANCE].id)


def test_approval_commits_the_budget_line_and_is_refused_beyond_it(loans, users, loan_line):
    first = loans.approved(budget_line_id=loan_line.id, loan_terms=terms(amount=400_000))
    assert first.status == LoanStatus.APPROVED
    second = loans.applied(budget_line_id=loan_line.id, loan_terms=terms(amount=150_000))
    with pytest.raises(ServiceError, match=format_xof(100_000)) as refused:
        approve_loan(second, by_id=users[Role.MANAGER].id, approved_on=second.applied_on)
    assert refused.value.field == "budget_line_id"
    db.session.refresh(second)
    assert second.status == LoanStatus.APPLIED


def test_a_budget_line_of_another_programme_or_instrument_is_refused(loans, loan_line):
    loan_line.instrument = "grant"
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        loans.applied(budget_line_id=loan_line.id)
    assert refused.value.field == "budget_line_id"


def test_a_stale_page_cannot_decide_on_a_loan(loans, users):
    loan = loans.applied()
    seen = loan.version_id
    loans.approved()  # another loan: no effect on this one
    approve_loan(loan, by_id=users[Role.MANAGER].id, approved_on=loan.applied_on)
    with pytest.raises(ServiceError, match="Reload"):
        reject_loan(loan, by_id=users[Role.ADMIN].id, note="Doublon", expected_version=seen)
