"""Demo loans: realistic histories whose stored allocations are what the services compute."""

from __future__ import annotations

import random
from collections import Counter

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import BudgetLine, Enterprise, Loan, LoanAllocation, LoanProduct, db
from portfolio.reporting.loans import LoanFilter, loan_page
from portfolio.services.budgets import line_totals
from portfolio.services.demo import seed_lenders, seed_portfolio
from portfolio.services.demo_loans import seed_loans_demo
from portfolio.services.loans import position_of
from portfolio.services.unit_of_work import unit_of_work


def test_demo_loans_look_real_and_add_up(users):
    seed_portfolio(1_200, seed=7)
    seed_lenders()
    enterprises = [
        dict(row._mapping)
        for row in db.session.execute(
            sa.select(Enterprise.id, Enterprise.programme_id, Enterprise.started_on)
        )
    ]
    programme_id = enterprises[0]["programme_id"]
    with unit_of_work() as session:
        line = BudgetLine(
            programme_id=programme_id, instrument="loan", label="Garantie", amount_xof=5_000_000
        )
        session.add(line)
    added = seed_loans_demo(
        random.Random(7),
        enterprises,
        {programme_id: line.id},
        db.session.scalars(sa.select(LoanProduct.id)).all(),
        maker_id=users[Role.FINANCE].id,
        checker_id=users[Role.MANAGER].id,
    )
    loans = db.session.scalars(sa.select(Loan)).all()
    assert len(loans) == added and 0.2 < added / len(enterprises) < 0.3
    statuses = Counter(loan.status for loan in loans)
    assert statuses[LoanStatus.ACTIVE] > 0 and statuses[LoanStatus.CLOSED] > 0
    assert statuses[LoanStatus.WRITTEN_OFF] >= 1 and any(loan.restructured for loan in loans)

    for loan in loans:
        if loan.status in (LoanStatus.ACTIVE, LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF):
            position = position_of(loan)
            stored = db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(LoanAllocation.principal_xof), 0)).where(
                    LoanAllocation.loan_id == loan.id
                )
            )
            assert stored == position.principal_repaid_xof, loan.id
            assert (loan.status == LoanStatus.CLOSED) == (position.closed_on is not None)
            assert position.outstanding_principal_xof >= 0

    (line_now,) = line_totals(line_ids=[line.id])
    assert 0 < line_now.committed_xof <= line_now.amount_xof  # guarantees stay within the line

    everything = loan_page(LoanFilter(), 1, 10).outstanding_xof
    late = sum(
        position_of(loan).outstanding_principal_xof
        for loan in loans
        if loan.status == LoanStatus.ACTIVE and _days_late(loan) > 30
    )
    assert 0.02 < late / everything < 0.15  # DOMAIN.md §2: about 7 % in arrears


def _days_late(loan) -> int:
    from portfolio.services.loans import standing_of

    return standing_of(loan).days_past_due


def test_demo_loans_keep_the_balances_the_services_would_keep(users):
    from portfolio.services.loan_balances import BALANCE_COLUMNS, refresh_loan_balances

    seed_portfolio(600, seed=3)
    seed_lenders()
    enterprises = [
        dict(row._mapping)
        for row in db.session.execute(
            sa.select(Enterprise.id, Enterprise.programme_id, Enterprise.started_on)
        )
    ]
    seed_loans_demo(
        random.Random(3),
        enterprises,
        {},
        db.session.scalars(sa.select(LoanProduct.id)).all(),
        maker_id=users[Role.FINANCE].id,
        checker_id=users[Role.MANAGER].id,
    )
    columns = [Loan.id, *(getattr(Loan, name) for name in BALANCE_COLUMNS)]
    written = db.session.execute(sa.select(*columns).order_by(Loan.id)).all()
    with unit_of_work():
        refresh_loan_balances()
    assert db.session.execute(sa.select(*columns).order_by(Loan.id)).all() == written
    assert any(row.repaid_xof for row in written)
