"""The repayment position kept on each loan row (services/loan_balances.py) follows every
operation, and today's arrears read from it equal those summed from the allocations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, Loan, db
from portfolio.reporting.arrears import ArrearsFilter, due_and_late, portfolio_quality
from portfolio.services.loan_balances import refresh_loan_balances
from portfolio.services.loan_records import instalments_of
from portfolio.services.loans import (
    NewTerms,
    position_of,
    record_recovery,
    record_repayment,
    reschedule,
    reverse_loan_entry,
    write_off,
)
from tests.ledger_loans.conftest import TODAY


def kept(loan: Loan) -> tuple:
    db.session.refresh(loan)
    return loan.repaid_xof, loan.principal_repaid_xof, loan.oldest_unpaid_due_on


def assert_both_ways_agree() -> None:
    for as_of in (TODAY, TODAY + timedelta(days=31)):
        from_balances = portfolio_quality(as_of, from_balances=True)
        assert from_balances == portfolio_quality(as_of, from_balances=False)
        listed = due_and_late(as_of, ArrearsFilter(), 1, 50, from_balances=True)
        assert listed == due_and_late(as_of, ArrearsFilter(), 1, 50, from_balances=False)


def test_a_disbursed_loan_owes_from_its_first_instalment(loans):
    loan = loans.active()
    first = instalments_of(loan)[0]
    assert kept(loan) == (0, 0, first.due_on)
    assert portfolio_quality(TODAY).outstanding_xof == 120_000
    assert_both_ways_agree()


def test_repayments_and_their_reversal_move_the_kept_position(loans, users):
    loan = loans.active()
    officer = users[Role.FINANCE].id
    rows = instalments_of(loan)
    first_due = rows[0].fee_xof + rows[0].interest_xof + rows[0].principal_xof
    paid = record_repayment(
        loan, paid_on=rows[0].due_on, amount_xof=first_due + 1_000, recorded_by_id=officer
    )
    repaid, principal, unpaid_from = kept(loan)
    assert repaid == first_due + 1_000
    assert principal == position_of(loan).principal_repaid_xof
    assert unpaid_from == rows[1].due_on  # the second instalment is partly paid
    assert_both_ways_agree()
    reverse_loan_entry(loan, entry_id=paid.id, reason="Erreur de saisie", recorded_by_id=officer)
    assert kept(loan) == (0, 0, rows[0].due_on)
    assert_both_ways_agree()


def test_a_write_off_and_a_recovery_leave_todays_arrears_agreeing(loans, users):
    loan = loans.active()
    officer, manager = users[Role.FINANCE].id, users[Role.MANAGER].id
    record_repayment(
        loan, paid_on=TODAY - timedelta(days=300), amount_xof=20_000, recorded_by_id=officer
    )
    write_off(loan, reason="Entreprise fermée", by_id=manager)
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert portfolio_quality(TODAY).loans == 0
    record_recovery(loan, recovered_on=TODAY, amount_xof=5_000, recorded_by_id=officer)
    assert_both_ways_agree()


def test_a_reversed_disbursement_owes_nothing(loans, users):
    loan = loans.active()
    disbursement = db.session.scalar(
        sa.select(JournalEntry).where(
            JournalEntry.loan_id == loan.id, JournalEntry.kind == EntryKind.LOAN_DISBURSEMENT
        )
    )
    reverse_loan_entry(
        loan, entry_id=disbursement.id, reason="Mauvais prêt", recorded_by_id=users[Role.FINANCE].id
    )
    assert loan.status == LoanStatus.APPROVED
    assert kept(loan) == (0, 0, None)
    assert portfolio_quality(TODAY).loans == 0
    assert_both_ways_agree()


def test_a_reschedule_is_judged_on_the_new_schedule(loans, users):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=190))
    record_repayment(
        loan,
        paid_on=TODAY - timedelta(days=150),
        amount_xof=14_000,
        recorded_by_id=users[Role.FINANCE].id,
    )
    assert portfolio_quality(TODAY).par30_xof > 0  # months of instalments unpaid
    reschedule(
        loan,
        terms=NewTerms(annual_rate=Decimal("0.18"), instalments=18),
        by_id=users[Role.MANAGER].id,
    )
    assert kept(loan)[2] in {r.due_on for r in instalments_of(loan)}
    assert_both_ways_agree()


def test_refreshing_every_loan_at_once_gives_what_the_operations_kept(loans, users):
    first, second = loans.active(), loans.active(disbursed_on=TODAY - timedelta(days=100))
    record_repayment(
        second, paid_on=TODAY, amount_xof=33_333, recorded_by_id=users[Role.FINANCE].id
    )
    before = kept(first), kept(second)
    db.session.execute(
        sa.update(Loan.__table__).values(
            repaid_xof=0, principal_repaid_xof=0, oldest_unpaid_due_on=None
        )
    )
    refresh_loan_balances()
    assert (kept(first), kept(second)) == before
