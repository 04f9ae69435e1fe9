"""Officers recording repayments to one loan at the same moment, on real PostgreSQL.

SQLite serialises writers by locking the whole file, so only PostgreSQL can
show lost updates; these tests select that backend alone (no SQLite copy that
would assert nothing).
"""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, LoanAllocation, db
from portfolio.services.journal import standing
from portfolio.services.loans import DuplicateSubmission, position_of, record_repayment
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import TODAY

pytestmark = pytest.mark.parametrize(
    "app_on_backend",
    [pytest.param("postgresql", marks=pytest.mark.postgresql)],
    indirect=True,
    scope="session",
)
THREADS = 8


def run_in_threads(app, work) -> list:
    """work(thread_number) in THREADS threads, each with its own app context and session."""
    results: list = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def target(number: int) -> None:
        with app.app_context():
            start.wait()
            outcome = work(number)
            db.session.remove()
        with lock:
            results.extend(outcome)

    db.session.rollback()  # the test's own session lets go before the threads start
    threads = [threading.Thread(target=target, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def standing_repayments(loan) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(JournalEntry.amount_xof), 0)).where(
        JournalEntry.loan_id == loan.id, JournalEntry.kind == EntryKind.LOAN_REPAYMENT
    )
    return db.session.scalar(standing(query))


def allocated(loan) -> int:
    return db.session.scalar(
        sa.select(
            sa.func.sum(
                LoanAllocation.fee_xof + LoanAllocation.interest_xof + LoanAllocation.principal_xof
            )
        ).where(LoanAllocation.loan_id == loan.id)
    )


def test_concurrent_repayments_to_one_loan_lose_nothing(app, loans, users):
    loan = loans.active()
    loan_id, officer = loan.id, users[Role.FINANCE].id

    def work(number: int) -> list[tuple[str, int]]:
        rng = random.Random(number)
        outcome = []
        for attempt in range(5):
            amount = rng.randint(500, 3_000)
            paid_on = TODAY - timedelta(days=rng.randint(0, 300))
            try:
                record_repayment(
                    loan_id,
                    paid_on=paid_on,
                    amount_xof=amount,
                    recorded_by_id=officer,
                    idempotency_key=f"t{number}-{attempt}",
                )
                outcome.append(("recorded", amount))
            except (ServiceError, DuplicateSubmission) as error:
                outcome.append((type(error).__name__, amount))
        try:  # every thread sends the same form once more: one of them wins
            record_repayment(
                loan_id,
                paid_on=TODAY,
                amount_xof=1_000,
                recorded_by_id=officer,
                idempotency_key="same-form",
            )
            outcome.append(("recorded", 1_000))
        except DuplicateSubmission:
            outcome.append(("duplicate", 1_000))
        return outcome

    results = run_in_threads(app, work)
    recorded = [amount for what, amount in results if what == "recorded"]
    assert len(results) == THREADS * 6
    assert len(recorded) == THREADS * 5 + 1
    assert [what for what, _ in results].count("duplicate") == THREADS - 1

    db.session.expire_all()
    assert standing_repayments(loan) == sum(recorded)
    assert allocated(loan) == sum(recorded)  # allocation consistent with the journal
    position = position_of(loan)
    assert position.repaid_xof == sum(recorded)
    assert position.outstanding_principal_xof == 120_000 - position.principal_repaid_xof


def test_concurrent_repayments_never_take_more_than_is_owed(app, loans, users):
    loan = loans.active()
    loan_id, officer = loan.id, users[Role.FINANCE].id
    owed = position_of(loan).owed_xof
    share = owed // 5  # eight officers each bring a fifth: only five can fit

    def work(number: int) -> list[tuple[str, int]]:
        try:
            record_repayment(loan_id, paid_on=TODAY, amount_xof=share, recorded_by_id=officer)
            return [("recorded", share)]
        except ServiceError:
            return [("refused", share)]

    results = run_in_threads(app, work)
    recorded = [amount for what, amount in results if what == "recorded"]
    assert len(recorded) == 5
    db.session.expire_all()
    assert standing_repayments(loan) == allocated(loan) == 5 * share <= owed
