"""Random sequences of repayments, backdated payments, reversals, payoffs and refunds.

Whatever the order, the stored allocations must be what a fresh computation
from the standing journal gives, and every balance must add up.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from portfolio.domain.ledger import Payment
from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import LoanAllocation, db
from portfolio.reporting.arrears import ArrearsFilter, due_and_late, portfolio_quality
from portfolio.services.loan_position import loan_position
from portfolio.services.loan_records import dues_of, instalments_of
from portfolio.services.loans import (
    position_of,
    record_repayment,
    refund_credit,
    repay_in_full,
    reverse_loan_entry,
)
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import TODAY

DISBURSED_DAYS_AGO = 400
RUNS = settings(
    max_examples=20,
    stateful_step_count=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def stored_paid(loan) -> dict[int, tuple[int, int, int]]:
    rows = db.session.execute(
        sa.select(
            LoanAllocation.instalment_id,
            sa.func.sum(LoanAllocation.fee_xof),
            sa.func.sum(LoanAllocation.interest_xof),
            sa.func.sum(LoanAllocation.principal_xof),
        )
        .where(LoanAllocation.loan_id == loan.id)
        .group_by(LoanAllocation.instalment_id)
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def snapshot(loan) -> tuple:
    position = position_of(loan)
    return (
        stored_paid(loan),
        position.outstanding_principal_xof,
        position.credit_xof,
        loan.status,
        loan.closed_on,
    )


def test_random_histories_keep_the_ledger_consistent(loans, users):
    officer = users[Role.FINANCE].id

    class LoanLedger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.loan = loans.active(disbursed_on=TODAY - timedelta(days=DISBURSED_DAYS_AGO))
            self.payments: dict[int, Payment] = {}  # the standing repayments, by entry id
            self.refunded = 0

        def _pay(self, days_ago: int, amount: int):
            expected_ok = self.loan.status == LoanStatus.ACTIVE and (
                amount <= position_of(self.loan).owed_xof
            )
            before = snapshot(self.loan)
            paid_on = TODAY - timedelta(days=days_ago)
            try:
                entry = record_repayment(
                    self.loan, paid_on=paid_on, amount_xof=amount, recorded_by_id=officer
                )
            except ServiceError:
                assert not expected_ok
                assert snapshot(self.loan) == before  # nothing saved
                return None
            assert expected_ok
            self.payments[entry.id] = Payment(entry.id, paid_on, amount)
            return entry

        @rule(days_ago=st.integers(0, DISBURSED_DAYS_AGO), amount=st.integers(1, 40_000))
        def repay_on_any_date(self, days_ago, amount):
            self._pay(days_ago, amount)

        @rule(days_ago=st.integers(0, DISBURSED_DAYS_AGO), amount=st.integers(1, 40_000))
        def a_reversed_mistake_leaves_no_trace(self, days_ago, amount):
            before = snapshot(self.loan)
            entry = self._pay(days_ago, amount)
            if entry is not None:
                reverse_loan_entry(
                    self.loan, entry_id=entry.id, reason="Erreur", recorded_by_id=officer
                )
                del self.payments[entry.id]
                assert snapshot(self.loan) == before

        @precondition(lambda self: self.payments)
        @rule(data=st.data())
        def reverse_any_repayment(self, data):
            entry_id = data.draw(st.sampled_from(sorted(self.payments)))
            before = snapshot(self.loan)
            try:
                reverse_loan_entry(
                    self.loan, entry_id=entry_id, reason="Erreur", recorded_by_id=officer
                )
            except ServiceError:
                assert self.refunded > 0  # only a refund can stand in the way
                assert snapshot(self.loan) == before
                return
            del self.payments[entry_id]

        @precondition(lambda self: self.loan.status == LoanStatus.ACTIVE)
        @rule()
        def repay_everything_today(self):
            entry = repay_in_full(self.loan, paid_on=TODAY, recorded_by_id=officer)
            self.payments[entry.id] = Payment(entry.id, TODAY, entry.amount_xof)
            assert self.loan.status == LoanStatus.CLOSED

        @rule()
        def refund_the_credit(self):
            credit = position_of(self.loan).credit_xof
            if credit:
                refund_credit(
                    self.loan, refunded_on=TODAY, amount_xof=credit, recorded_by_id=officer
                )
                self.refunded += credit

        @invariant()
        def allocation_is_what_a_fresh_computation_gives(self):
            fresh = loan_position(
                dues_of(self.loan),
                list(self.payments.values()),
                principal_lent_xof=120_000,
                refunded_xof=self.refunded,
            )
            position = position_of(self.loan)
            assert position.allocation == fresh.allocation
            ids = {i.number: i.id for i in instalments_of(self.loan)}
            expected = {}
            for paid in fresh.allocation.instalments:
                if paid.paid_xof:
                    expected[ids[paid.due.number]] = (
                        paid.fee_xof,
                        paid.interest_xof,
                        paid.principal_xof,
                    )
            assert stored_paid(self.loan) == expected

        @invariant()
        def balances_add_up(self):
            position = position_of(self.loan)
            assert position.outstanding_principal_xof == (
                position.principal_lent_xof
                - position.principal_repaid_xof
                - position.written_off_xof
            )
            assert position.outstanding_principal_xof >= 0 and position.credit_xof >= 0
            paid_in = sum(p.amount_xof for p in self.payments.values())
            allocated = sum(sum(v) for v in stored_paid(self.loan).values())
            assert allocated + position.credit_xof + self.refunded == paid_in
            closed = self.loan.status == LoanStatus.CLOSED
            assert closed == (position.closed_on is not None) == (self.loan.closed_on is not None)

        @invariant()
        def no_instalment_is_paid_more_than_it_asks(self):
            for row in instalments_of(self.loan):
                fee, interest, principal = stored_paid(self.loan).get(row.id, (0, 0, 0))
                assert fee <= row.fee_xof and interest <= row.interest_xof
                assert principal <= row.principal_xof

        @invariant()
        def balances_kept_on_the_loan_give_todays_arrears_exactly(self):
            # The loan row's balances (services/loan_balances.py) against the allocations.
            position = position_of(self.loan)
            db.session.refresh(self.loan)
            assert self.loan.principal_repaid_xof == position.principal_repaid_xof
            assert self.loan.repaid_xof == sum(sum(v) for v in stored_paid(self.loan).values())
            for as_of in (TODAY, TODAY + timedelta(days=45)):
                kept, summed = (
                    portfolio_quality(as_of, from_balances=way) for way in (True, False)
                )
                assert kept == summed
                kept, summed = (
                    due_and_late(as_of, ArrearsFilter(), 1, 50, from_balances=way)
                    for way in (True, False)
                )
                assert kept == summed

    run_state_machine_as_test(LoanLedger, settings=RUNS)
