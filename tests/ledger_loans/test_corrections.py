"""Rescheduling, write-off and recoveries: the loan's history is always kept."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.money import format_xof
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, LoanAllocation, db
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
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import TODAY


def paid_per_entry(loan) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(
            LoanAllocation.entry_id,
            sa.func.sum(
                LoanAllocation.fee_xof + LoanAllocation.interest_xof + LoanAllocation.principal_xof
            ),
        )
        .where(LoanAllocation.loan_id == loan.id)
        .group_by(LoanAllocation.entry_id)
    )
    return dict(rows.all())


def test_a_write_off_takes_the_outstanding_principal_and_keeps_the_history(loans, users):
    loan = loans.active()
    officer, manager = users[Role.FINANCE].id, users[Role.MANAGER].id
    first = instalments_of(loan)[0]
    record_repayment(
        loan,
        paid_on=first.due_on,
        amount_xof=first.interest_xof + first.principal_xof,
        recorded_by_id=officer,
    )
    with pytest.raises(ServiceError) as refused:
        write_off(loan, reason="", by_id=manager)
    assert refused.value.field == "reason"

    entry = write_off(loan, reason="Entreprise fermée, promoteur parti", by_id=manager)
    assert entry.amount_xof == 120_000 - first.principal_xof
    assert loan.status == LoanStatus.WRITTEN_OFF
    position = position_of(loan)
    assert position.outstanding_principal_xof == 0
    assert position.principal_repaid_xof == first.principal_xof  # the repayment still stands
    with pytest.raises(ServiceError, match="recovery"):
        record_repayment(loan, paid_on=TODAY, amount_xof=1_000, recorded_by_id=officer)
    with pytest.raises(ServiceError, match="cannot be reversed"):
        reverse_loan_entry(loan, entry_id=entry.id, reason="Erreur", recorded_by_id=manager)


def test_recoveries_after_a_write_off_are_recorded_up_to_the_principal_written_off(loans, users):
    loan = loans.active()
    officer, manager = users[Role.FINANCE].id, users[Role.MANAGER].id
    with pytest.raises(ServiceError, match="written-off"):
        record_recovery(loan, recovered_on=TODAY, amount_xof=1_000, recorded_by_id=officer)
    write_off(loan, reason="Promoteur introuvable", by_id=manager)
    recovered = record_recovery(
        loan, recovered_on=TODAY, amount_xof=20_000, recorded_by_id=officer, channel="cash"
    )
    assert recovered.kind == EntryKind.LOAN_RECOVERY and recovered.loan_id == loan.id
    with pytest.raises(ServiceError, match=format_xof(100_000)):
        record_recovery(loan, recovered_on=TODAY, amount_xof=100_001, recorded_by_id=officer)
    reverse_loan_entry(loan, entry_id=recovered.id, reason="Erreur", recorded_by_id=officer)
    record_recovery(loan, recovered_on=TODAY, amount_xof=120_000, recorded_by_id=officer)


def test_a_reschedule_keeps_the_history_and_marks_the_loan_restructured(loans, users):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=190))
    officer, manager = users[Role.FINANCE].id, users[Role.MANAGER].id
    old = instalments_of(loan)
    payments = [
        record_repayment(
            loan,
            paid_on=row.due_on,
            amount_xof=row.interest_xof + row.principal_xof,
            recorded_by_id=officer,
        )
        for row in old[:2]
    ]
    partial = record_repayment(
        loan, paid_on=old[2].due_on, amount_xof=3_000, recorded_by_id=officer
    )
    before = position_of(loan)
    paid_before = paid_per_entry(loan)
    overdue_interest = sum(r.interest_xof for r in old[2:] if r.due_on <= TODAY) - min(
        3_000, old[2].interest_xof
    )

    reschedule(loan, terms=NewTerms(annual_rate=Decimal("0.18"), instalments=18), by_id=manager)
    assert loan.restructured and loan.schedule_version == 2
    assert instalments_of(loan, 1) == old  # the first version is kept as it was
    new = instalments_of(loan)
    assert sum(r.principal_xof for r in new) == 120_000
    carried, fresh = new[:3], new[3:]
    assert [r.due_on for r in carried] == [r.due_on for r in old[:3]]
    assert len(fresh) == 18 and fresh[0].due_on > TODAY
    assert fresh[0].interest_xof >= overdue_interest

    after = position_of(loan)
    assert after.outstanding_principal_xof == before.outstanding_principal_xof
    assert paid_per_entry(loan) == paid_before  # every past payment keeps its place
    assert {p.id for p in payments} | {partial.id} == set(paid_before)
    assert after.allocation.instalments[2].owed_xof == 0  # carried rows are settled

    record_repayment(loan, paid_on=TODAY, amount_xof=5_000, recorded_by_id=officer)
    (allocation,) = db.session.scalars(
        sa.select(LoanAllocation).where(
            LoanAllocation.paid_on == TODAY, LoanAllocation.entry_id.not_in(paid_before)
        )
    )
    assert allocation.instalment_id == fresh[0].id


def test_nothing_is_rescheduled_on_a_loan_that_is_not_being_repaid(loans, users):
    loan = loans.approved()
    with pytest.raises(ServiceError):
        reschedule(
            loan,
            terms=NewTerms(annual_rate=Decimal("0.18"), instalments=6),
            by_id=users[Role.MANAGER].id,
        )
    assert not loan.restructured


def test_a_write_off_is_recorded_in_the_journal_with_its_reason(loans, users):
    loan = loans.active()
    write_off(loan, reason="Décès du promoteur", by_id=users[Role.ADMIN].id)
    (entry,) = db.session.scalars(
        sa.select(JournalEntry).where(JournalEntry.kind == EntryKind.LOAN_WRITE_OFF)
    )
    assert (entry.reason, entry.amount_xof, entry.recorded_by_id) == (
        "Décès du promoteur",
        120_000,
        users[Role.ADMIN].id,
    )
