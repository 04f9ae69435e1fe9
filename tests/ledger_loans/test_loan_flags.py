"""Money moving on a loan refreshes the enterprise's risk flags in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import FlagRuleCode
from portfolio.domain.vocabulary import Role
from portfolio.models import Flag, db
from portfolio.services.loans import record_repayment, repay_in_full, reverse_loan_entry
from tests.ledger_loans.conftest import TODAY


def open_loan_flags(enterprise_id: int) -> list[Flag]:
    return list(
        db.session.scalars(
            sa.select(Flag).where(
                Flag.enterprise_id == enterprise_id,
                Flag.rule == FlagRuleCode.LOAN_DAYS_PAST_DUE,
                Flag.cleared_at.is_(None),
            )
        )
    )


def test_a_late_loan_gets_its_flag_when_a_repayment_is_posted_and_loses_it_when_settled(
    loans, users
):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=200))  # ~6 instalments due
    officer = users[Role.FINANCE].id
    assert open_loan_flags(loan.enterprise_id) == []  # nothing recomputed yet

    small = record_repayment(loan, paid_on=TODAY, amount_xof=1_000, recorded_by_id=officer)
    (flag,) = open_loan_flags(loan.enterprise_id)
    assert flag.loan_id == loan.id and flag.evidence["days_past_due"] > 30

    reverse_loan_entry(loan, entry_id=small.id, reason="Erreur", recorded_by_id=officer)
    assert len(open_loan_flags(loan.enterprise_id)) == 1  # still late

    repay_in_full(loan, paid_on=TODAY, recorded_by_id=officer)
    assert open_loan_flags(loan.enterprise_id) == []
