"""Repayments, their allocation, reversals, early repayment, credit and refunds."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.money import format_xof
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, LoanAllocation, db
from portfolio.services.loan_records import instalments_of
from portfolio.services.loans import (
    DuplicateSubmission,
    disburse_loan,
    payoff_quote,
    position_of,
    record_repayment,
    refund_credit,
    repay_in_full,
    reverse_loan_entry,
)
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import DISBURSED_ON, TODAY


@pytest.fixture
def officer(users) -> int:
    return users[Role.FINANCE].id


def pay(loan, officer, amount, paid_on, key=None):
    return record_repayment(
        loan, paid_on=paid_on, amount_xof=amount, recorded_by_id=officer, idempotency_key=key
    )


def balances(loan) -> dict:
    """What a person reads on the loan page: paid per instalment, credit, status."""
    position = position_of(loan)
    stored = db.session.execute(
        sa.select(
            LoanAllocation.instalment_id,
            sa.func.sum(LoanAllocation.fee_xof),
            sa.func.sum(LoanAllocation.interest_xof),
            sa.func.sum(LoanAllocation.principal_xof),
        )
        .where(LoanAllocation.loan_id == loan.id)
        .group_by(LoanAllocation.instalment_id)
    ).all()
    return {
        "paid": sorted(tuple(row) for row in stored),
        "outstanding": position.outstanding_principal_xof,
        "credit": position.credit_xof,
        "status": loan.status,
        "closed_on": loan.closed_on,
    }


def journal_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(JournalEntry.id)))


def test_refused_repayments_say_why_and_save_nothing(loans, officer):
    loan = loans.active()
    owed = position_of(loan).owed_xof
    before = journal_count()
    cases = [
        (owed + 1, TODAY, "amount_xof", format_xof(owed)),
        (0, TODAY, "amount_xof", "positive"),
        (-5_000, TODAY, "amount_xof", "positive"),
        (10_000, TODAY + timedelta(days=1), "paid_on", "future"),
        (10_000, DISBURSED_ON - timedelta(days=1), "paid_on", "before"),
    ]
    for amount, paid_on, field, words in cases:
        with pytest.raises(ServiceError, match=words) as refused:
            pay(loan, officer, amount, paid_on)
        assert refused.value.field == field
    assert journal_count() == before
    assert db.session.scalar(sa.select(sa.func.count(LoanAllocation.id))) == 0


def test_a_repayment_pays_fees_then_interest_then_principal_oldest_first(loans, officer):
    loan = loans.active()
    first, second = instalments_of(loan)[:2]
    pay(loan, officer, 1_000, first.due_on)
    (allocation,) = db.session.scalars(sa.select(LoanAllocation))
    assert (allocation.instalment_id, allocation.interest_xof, allocation.principal_xof) == (
        first.id,
        1_000,
        0,
    )
    pay(loan, officer, first.interest_xof + first.principal_xof, second.due_on)
    allocations = db.session.scalars(sa.select(LoanAllocation).order_by(LoanAllocation.id)).all()
    assert [(a.instalment_id, a.interest_xof, a.principal_xof) for a in allocations] == [
        (first.id, 1_000, 0),
        (first.id, first.interest_xof - 1_000, first.principal_xof),
        (second.id, 1_000, 0),
    ]


def test_a_backdated_repayment_re_runs_allocation(loans, officer):
    loan = loans.active()
    first, second = instalments_of(loan)[:2]
    instalment = first.interest_xof + first.principal_xof
    late = pay(loan, officer, instalment, second.due_on)
    backdated = pay(loan, officer, instalment, first.due_on)
    paid_first = db.session.scalars(
        sa.select(LoanAllocation.entry_id).where(LoanAllocation.instalment_id == first.id)
    ).all()
    assert paid_first == [backdated.id]
    paid_second = db.session.scalars(
        sa.select(LoanAllocation.entry_id).where(LoanAllocation.instalment_id == second.id)
    ).all()
    assert paid_second == [late.id]


def test_a_reversal_restores_the_exact_previous_balances(loans, officer):
    loan = loans.active()
    rows = instalments_of(loan)
    for row in rows[:3]:
        pay(loan, officer, row.interest_xof + row.principal_xof, row.due_on)
    before = balances(loan)
    mistake = pay(loan, officer, 20_000, rows[1].due_on - timedelta(days=3))
    assert balances(loan) != before
    reverse_loan_entry(loan, entry_id=mistake.id, reason="Saisie en double", recorded_by_id=officer)
    assert balances(loan) == before
    with pytest.raises(ServiceError, match="already been reversed"):
        reverse_loan_entry(loan, entry_id=mistake.id, reason="Encore", recorded_by_id=officer)


def test_a_reversal_needs_a_reason_and_an_entry_of_this_loan(loans, officer):
    loan, other = loans.active(), loans.active()
    entry = pay(loan, officer, 5_000, TODAY)
    with pytest.raises(ServiceError) as refused:
        reverse_loan_entry(loan, entry_id=entry.id, reason=" ", recorded_by_id=officer)
    assert refused.value.field == "reason"
    with pytest.raises(ServiceError) as refused:
        reverse_loan_entry(other, entry_id=entry.id, reason="Erreur", recorded_by_id=officer)
    assert refused.value.field == "entry_id"


def test_paying_ahead_runs_on_to_the_next_instalments(loans, officer):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=20))
    first, second, third = instalments_of(loan)[:3]
    pay(loan, officer, first.interest_xof + first.principal_xof + 5_000, TODAY)
    paid = dict(
        db.session.execute(
            sa.select(LoanAllocation.instalment_id, LoanAllocation.interest_xof)
        ).all()
    )
    assert paid == {first.id: first.interest_xof, second.id: second.interest_xof}
    assert loan.status == LoanStatus.ACTIVE and position_of(loan).credit_xof == 0


def test_repaying_in_full_early_charges_no_future_interest_and_closes_the_loan(loans, officer):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    rows = instalments_of(loan)
    due = [r for r in rows if r.due_on <= TODAY]
    for row in due[:-1]:  # the last instalment due is still unpaid
        pay(loan, officer, row.interest_xof + row.principal_xof, row.due_on)
    quote = payoff_quote(loan, TODAY)
    paid_principal = sum(r.principal_xof for r in due[:-1])
    assert quote.principal_xof == 120_000 - paid_principal
    assert quote.charges_xof == due[-1].interest_xof
    assert quote.total_xof < position_of(loan).owed_xof

    with pytest.raises(ServiceError, match=format_xof(quote.total_xof)):
        repay_in_full(loan, paid_on=TODAY, recorded_by_id=officer, expected_xof=quote.total_xof - 1)
    repay_in_full(loan, paid_on=TODAY, recorded_by_id=officer, expected_xof=quote.total_xof)
    assert loan.status == LoanStatus.CLOSED and loan.closed_on == TODAY
    position = position_of(loan)
    assert position.outstanding_principal_xof == 0 and position.credit_xof == 0
    later = [d for d in position.dues if d.due_on > TODAY]
    assert later and all(d.interest_xof == 0 for d in later)
    with pytest.raises(ServiceError, match="repaid"):
        pay(loan, officer, 1_000, TODAY)


def test_an_overpayment_becomes_a_credit_that_can_be_refunded(loans, officer):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=40))
    owed = position_of(loan).owed_xof
    payoff = payoff_quote(loan, TODAY).total_xof
    pay(loan, officer, owed, TODAY)  # the whole schedule, future interest included
    assert loan.status == LoanStatus.CLOSED
    credit = position_of(loan).credit_xof
    assert credit == owed - payoff > 0

    with pytest.raises(ServiceError, match=format_xof(credit)):
        refund_credit(loan, refunded_on=TODAY, amount_xof=credit + 1, recorded_by_id=officer)
    refund = refund_credit(loan, refunded_on=TODAY, amount_xof=credit, recorded_by_id=officer)
    assert position_of(loan).credit_xof == 0
    reverse_loan_entry(loan, entry_id=refund.id, reason="Non remis", recorded_by_id=officer)
    assert position_of(loan).credit_xof == credit


def test_reversing_the_settling_repayment_reopens_the_loan(loans, officer):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=40))
    settling = repay_in_full(loan, paid_on=TODAY, recorded_by_id=officer)
    assert loan.status == LoanStatus.CLOSED
    reverse_loan_entry(loan, entry_id=settling.id, reason="Chèque refusé", recorded_by_id=officer)
    assert loan.status == LoanStatus.ACTIVE and loan.closed_on is None
    assert position_of(loan).outstanding_principal_xof == 120_000
    assert db.session.scalar(sa.select(sa.func.count(LoanAllocation.id))) == 0


def test_a_refund_must_be_reversed_before_the_repayment_that_made_the_credit(loans, officer):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=40))
    paid = pay(loan, officer, position_of(loan).owed_xof, TODAY)
    refund_credit(
        loan, refunded_on=TODAY, amount_xof=position_of(loan).credit_xof, recorded_by_id=officer
    )
    with pytest.raises(ServiceError, match="refund"):
        reverse_loan_entry(loan, entry_id=paid.id, reason="Erreur", recorded_by_id=officer)
    assert loan.status == LoanStatus.CLOSED


def test_a_disbursement_is_reversed_only_while_no_repayment_stands(loans, officer):
    loan = loans.active()
    (payout,) = db.session.scalars(
        sa.select(JournalEntry).where(JournalEntry.kind == EntryKind.LOAN_DISBURSEMENT)
    )
    repayment = pay(loan, officer, 5_000, TODAY)
    with pytest.raises(ServiceError, match="repayments first"):
        reverse_loan_entry(loan, entry_id=payout.id, reason="Erreur", recorded_by_id=officer)
    reverse_loan_entry(loan, entry_id=repayment.id, reason="Erreur", recorded_by_id=officer)
    reverse_loan_entry(loan, entry_id=payout.id, reason="Mauvais prêt", recorded_by_id=officer)
    assert loan.status == LoanStatus.APPROVED and loan.disbursed_on is None

    disburse_loan(loan, disbursed_on=TODAY, recorded_by_id=officer)
    assert loan.status == LoanStatus.ACTIVE and loan.schedule_version == 2
    assert len(instalments_of(loan, 1)) == 12  # the first schedule is kept


def test_the_same_submission_twice_records_one_entry(loans, officer):
    loan = loans.active()
    first = pay(loan, officer, 10_000, TODAY, key="form-123")
    with pytest.raises(DuplicateSubmission) as again:
        pay(loan, officer, 10_000, TODAY, key="form-123")
    assert again.value.entry.id == first.id
    repayments = db.session.scalar(
        sa.select(sa.func.count(JournalEntry.id)).where(
            JournalEntry.kind == EntryKind.LOAN_REPAYMENT
        )
    )
    assert repayments == 1 and position_of(loan).repaid_xof == 10_000


def test_a_disbursement_form_sent_twice_says_already_recorded(loans, users):
    loan = loans.approved()
    officer = users[Role.FINANCE].id
    disburse_loan(loan, disbursed_on=TODAY, recorded_by_id=officer, idempotency_key="d-1")
    with pytest.raises(DuplicateSubmission):
        disburse_loan(loan, disbursed_on=TODAY, recorded_by_id=officer, idempotency_key="d-1")
