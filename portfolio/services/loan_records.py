"""Steps the loan services share: lock a loan, read its journal, store a schedule,
re-run allocation. Helpers for a unit of work: they flush, they never commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from portfolio.domain.ledger import Due, Payment, arrears_on
from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.loans import LoanTerms, ScheduleRow
from portfolio.models import Enterprise, JournalEntry, Loan, LoanAllocation, LoanInstalment, db
from portfolio.services.flags import refresh_enterprises
from portfolio.services.journal import standing
from portfolio.services.loan_balances import refresh_loan_balances
from portfolio.services.loan_position import LoanPosition, loan_position
from portfolio.services.unit_of_work import ServiceError, unit_of_work


def stale_loan_error() -> ServiceError:
    return ServiceError(
        _("Someone else changed this loan in the meantime. Reload the page and try again.")
    )


@contextmanager
def locked_loan(loan: Loan | int, expected_version: int | None = None) -> Iterator[Loan]:
    """One unit of work on one loan, its row locked until commit.

    PostgreSQL queues a second officer's request behind the first (SELECT ...
    FOR UPDATE; SQLite ignores it and serialises writers itself), and the
    refreshed row means each request sees what the previous one committed.
    `version_id` is the optimistic lock: a page that showed an older version
    (`expected_version`) or a concurrent flush is refused, not overwritten.
    """
    loan_id = loan if isinstance(loan, int) else loan.id
    try:
        with unit_of_work() as session:
            locked = session.scalar(
                sa.select(Loan)
                .where(Loan.id == loan_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if locked is None:
                raise ServiceError(_("Unknown loan."), "loan_id")
            if expected_version is not None and locked.version_id != expected_version:
                raise stale_loan_error()
            yield locked
    except so.exc.StaleDataError:
        raise stale_loan_error() from None


def refresh_flags(loan: Loan) -> None:
    """Recompute the enterprise's risk flags (days past due...) in this unit of work,
    so the flag changes with the money that changed it.

    The enterprise row is locked first (PostgreSQL): two of its loans moving at
    once would otherwise both rewrite its risk row and one would fail.
    """
    db.session.execute(
        sa.select(Enterprise.id).where(Enterprise.id == loan.enterprise_id).with_for_update()
    )
    refresh_enterprises([loan.enterprise_id])


def require_status(loan: Loan, *allowed: LoanStatus, message: str) -> None:
    if loan.status not in allowed:
        raise ServiceError(message)


def terms_of(loan: Loan, disbursed_on: date, first_due_on: date | None = None) -> LoanTerms:
    """The engine's terms from what the loan stores."""
    return LoanTerms(
        amount_xof=loan.amount_xof,
        annual_rate=loan.annual_rate,
        instalments=loan.instalments,
        disbursed_on=disbursed_on,
        frequency=loan.frequency,
        method=loan.method,
        grace_principal_periods=loan.grace_principal_periods,
        grace_interest=loan.grace_interest,
        upfront_fee_rate=loan.upfront_fee_rate,
        upfront_fee_xof=loan.upfront_fee_xof,
        savings_upfront_rate=loan.savings_upfront_rate,
        savings_per_instalment_xof=loan.savings_per_instalment_xof,
        savings_annual_rate=loan.savings_annual_rate,
        rounding_multiple=loan.rounding_multiple,
        first_due_on=first_due_on,
        repayment_months=months_of(loan.repayment_months),
    )


def months_text(months: frozenset[int] | None) -> str | None:
    """Seasonal repayment months as the loan row stores them: "1,10,11,12"."""
    return ",".join(str(m) for m in sorted(months)) if months else None


def months_of(text: str | None) -> frozenset[int] | None:
    return frozenset(int(m) for m in text.split(",")) if text else None


def next_schedule_version(loan: Loan) -> int:
    """Versions are never reused, even after a reversed disbursement."""
    latest = db.session.scalar(
        sa.select(sa.func.max(LoanInstalment.schedule_version)).where(
            LoanInstalment.loan_id == loan.id
        )
    )
    return (latest or 0) + 1


def store_schedule(loan: Loan, version: int, rows: Iterable[ScheduleRow | Due]) -> None:
    """Add a schedule version's rows and put it in force."""
    db.session.execute(
        sa.insert(LoanInstalment),
        [
            {
                "loan_id": loan.id,
                "schedule_version": version,
                "number": row.number,
                "due_on": row.due_on,
                "principal_xof": row.principal_xof,
                "interest_xof": row.interest_xof,
                "fee_xof": row.fee_xof,
                "savings_xof": getattr(row, "savings_xof", 0),
                "cumulative_xof": cumulative,
            }
            for row, cumulative in with_cumulative(rows)
        ],
    )
    loan.schedule_version = version


def with_cumulative(rows: Iterable[ScheduleRow | Due]) -> list[tuple[ScheduleRow | Due, int]]:
    """Each row with what is due up to and including it, in allocation order
    (due date, then number: domain.ledger.allocate)."""
    total, out = 0, []
    for row in sorted(rows, key=lambda r: (r.due_on, r.number)):
        total += row.fee_xof + row.interest_xof + row.principal_xof
        out.append((row, total))
    return out


def instalments_of(loan: Loan, version: int | None = None) -> list[LoanInstalment]:
    return list(
        db.session.scalars(
            sa.select(LoanInstalment)
            .where(
                LoanInstalment.loan_id == loan.id,
                LoanInstalment.schedule_version == (version or loan.schedule_version),
            )
            .order_by(LoanInstalment.number)
        )
    )


def dues_of(loan: Loan) -> list[Due]:
    # Compulsory savings deposits are the borrower's money at the lender, not
    # repayments: the ledger allocates fees, interest and principal only.
    return [
        Due(i.number, i.due_on, i.fee_xof, i.interest_xof, i.principal_xof)
        for i in instalments_of(loan)
    ]


def standing_entries(loan: Loan, *kinds: EntryKind) -> list[JournalEntry]:
    query = sa.select(JournalEntry).where(
        JournalEntry.loan_id == loan.id, JournalEntry.kind.in_(kinds)
    )
    query = standing(query).order_by(JournalEntry.value_on, JournalEntry.id)
    return list(db.session.scalars(query))


def standing_total(loan: Loan, kind: EntryKind) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(JournalEntry.amount_xof), 0)).where(
        JournalEntry.loan_id == loan.id, JournalEntry.kind == kind
    )
    return int(db.session.scalar(standing(query)) or 0)


def payments_of(loan: Loan) -> list[Payment]:
    return [
        Payment(e.id, e.value_on, e.amount_xof)
        for e in standing_entries(loan, EntryKind.LOAN_REPAYMENT)
    ]


def position_of(loan: Loan) -> LoanPosition:
    """Where the loan stands now, from the stored schedule and the standing journal."""
    try:
        return loan_position(
            dues_of(loan),
            payments_of(loan),
            principal_lent_xof=standing_total(loan, EntryKind.LOAN_DISBURSEMENT),
            refunded_xof=standing_total(loan, EntryKind.LOAN_REFUND),
            written_off_xof=standing_total(loan, EntryKind.LOAN_WRITE_OFF),
        )
    except ValueError:
        raise ServiceError(
            _(
                "More has been refunded than the borrower would have in credit. "
                "Reverse the refund first."
            ),
            "entry_id",
        ) from None


def reallocate(loan: Loan) -> LoanPosition:
    """Recompute the loan's allocations from its whole standing history.

    Allocations are derived rows: they are deleted and written again, so a
    backdated repayment or a reversal gives exactly what a fresh computation
    would. The status follows: CLOSED once settled, ACTIVE again if not.
    """
    db.session.flush()  # the entry just posted or reversed must be read back
    position = position_of(loan)
    db.session.execute(sa.delete(LoanAllocation).where(LoanAllocation.loan_id == loan.id))
    ids = {i.number: i.id for i in instalments_of(loan)}
    rows = [
        {
            "loan_id": loan.id,
            "instalment_id": ids[a.number],
            "entry_id": a.entry_id,
            "paid_on": a.paid_on,
            "fee_xof": a.fee_xof,
            "interest_xof": a.interest_xof,
            "principal_xof": a.principal_xof,
        }
        for a in position.allocation.allocations
    ]
    if rows:
        db.session.execute(sa.insert(LoanAllocation), rows)
    if loan.status in (LoanStatus.ACTIVE, LoanStatus.CLOSED):
        status = LoanStatus.CLOSED if position.closed_on else LoanStatus.ACTIVE
        if (loan.status, loan.closed_on) != (status, position.closed_on):
            loan.status, loan.closed_on = status, position.closed_on
    refresh_loan_balances([loan.id])
    return position


@dataclass(frozen=True)
class LoanStanding:
    """What the loan page and the API show about a disbursed loan on a date."""

    outstanding_principal_xof: int
    principal_repaid_xof: int
    written_off_xof: int
    credit_xof: int
    #: Everything the schedule still asks, and what closes the loan on the date.
    owed_xof: int
    payoff_xof: int
    overdue_xof: int
    days_past_due: int


def standing_of(loan: Loan, on: date | None = None) -> LoanStanding | None:
    """None until the loan is disbursed. Reads only."""
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF):
        return None
    on = on or date.today()
    position = position_of(loan)
    active = loan.status == LoanStatus.ACTIVE
    arrears = arrears_on(
        on,
        position.dues,
        position.allocation.allocations,
        position.principal_lent_xof,
        written_off=loan.status == LoanStatus.WRITTEN_OFF,
    )
    return LoanStanding(
        outstanding_principal_xof=position.outstanding_principal_xof,
        principal_repaid_xof=position.principal_repaid_xof,
        written_off_xof=position.written_off_xof,
        credit_xof=position.credit_xof,
        owed_xof=position.owed_xof if active else 0,
        payoff_xof=position.payoff_on(on) if active else 0,
        overdue_xof=arrears.overdue_xof if active else 0,
        days_past_due=arrears.days_past_due if active else 0,
    )
