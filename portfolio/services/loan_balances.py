"""Each loan's repayment position today, kept on the loan row.

Lists and today's arrears read three columns of `loan` instead of summing every
allocation of every loan: `repaid_xof` (fees, interest and principal allocated),
`principal_repaid_xof`, and `oldest_unpaid_due_on`, the due date of the first instalment
of the schedule in force that is not fully paid (allocation pays the oldest first, so
every later one is unpaid too, and what is due up to an instalment is its
`cumulative_xof`).

They are derived from the allocations and rewritten in the same transaction whenever
those are (`loan_records.reallocate`, a reversed disbursement, the demo's bulk load).
Arrears as of a past date still read the allocations themselves (reporting/arrears.py);
a test checks both ways agree after random sequences of operations.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from portfolio.models import Loan, LoanAllocation, LoanInstalment, db

loan = Loan.__table__
#: The columns written here (expired on the session's loans after a refresh).
BALANCE_COLUMNS = ("repaid_xof", "principal_repaid_xof", "oldest_unpaid_due_on")


def refresh_loan_balances(loan_ids: Collection[int] | None = None) -> None:
    """Recompute the balance columns of these loans (all loans when None), in SQL.

    Runs in the caller's transaction; the Core table is updated (not the ORM entity), so
    the loan's optimistic-locking version is not bumped by a derived value.
    """

    def allocated(amount: sa.ColumnElement) -> sa.ScalarSelect:
        return (
            sa.select(sa.func.coalesce(sa.func.sum(amount), 0))
            .where(LoanAllocation.loan_id == loan.c.id)
            .scalar_subquery()
        )

    chosen = [loan.c.id.in_(list(loan_ids))] if loan_ids is not None else []
    db.session.execute(
        sa.update(loan)
        .where(*chosen)
        .values(
            repaid_xof=allocated(
                LoanAllocation.fee_xof + LoanAllocation.interest_xof + LoanAllocation.principal_xof
            ),
            principal_repaid_xof=allocated(LoanAllocation.principal_xof),
        )
    )
    # A second statement: in one UPDATE, repaid_xof would still read its old value.
    db.session.execute(
        sa.update(loan)
        .where(*chosen)
        .values(
            oldest_unpaid_due_on=sa.select(sa.func.min(LoanInstalment.due_on))
            .where(
                LoanInstalment.loan_id == loan.c.id,
                LoanInstalment.schedule_version == loan.c.schedule_version,
                LoanInstalment.cumulative_xof > loan.c.repaid_xof,
            )
            .scalar_subquery()
        )
    )
    for obj in db.session.identity_map.values():
        if isinstance(obj, Loan) and (loan_ids is None or obj.id in loan_ids):
            db.session.expire(obj, BALANCE_COLUMNS)
