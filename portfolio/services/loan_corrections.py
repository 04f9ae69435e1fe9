"""Correcting and ending a loan: reversals, rescheduling, write-off and recoveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger import Due
from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus, PaymentChannel
from portfolio.domain.loans import (
    Frequency,
    GraceInterest,
    InvalidLoanTerms,
    LoanTerms,
    RepaymentMethod,
    build_schedule,
)
from portfolio.domain.money import format_xof
from portfolio.models import JournalEntry, Loan, LoanAllocation, db
from portfolio.services.journal import post_entry, reverse_entry
from portfolio.services.loan_balances import refresh_loan_balances
from portfolio.services.loan_payments import (
    check_amount,
    check_value_date,
    refuse_duplicate,
    require_active,
)
from portfolio.services.loan_records import (
    locked_loan,
    next_schedule_version,
    payments_of,
    position_of,
    reallocate,
    refresh_flags,
    standing_entries,
    standing_total,
    store_schedule,
)
from portfolio.services.unit_of_work import ServiceError

#: What the loan page and the API let a person reverse.
REVERSIBLE = (
    EntryKind.LOAN_DISBURSEMENT,
    EntryKind.LOAN_REPAYMENT,
    EntryKind.LOAN_REFUND,
    EntryKind.LOAN_RECOVERY,
)


def _reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why."), field)
    return reason


def reverse_loan_entry(
    loan: Loan | int,
    *,
    entry_id: int,
    reason: str,
    recorded_by_id: int,
    reversed_on: date | None = None,
) -> JournalEntry:
    """Cancel one of the loan's entries with a reason, then re-run allocation.

    A reversed settling repayment reopens a closed loan; a disbursement can be
    reversed only while no repayment stands (the loan goes back to APPROVED).
    """
    reason = _reason(reason)
    with locked_loan(loan) as locked:
        entry = db.session.get(JournalEntry, entry_id)
        if entry is None or entry.loan_id != locked.id:
            raise ServiceError(_("This entry is not one of this loan's."), "entry_id")
        if entry.kind == EntryKind.LOAN_WRITE_OFF:
            raise ServiceError(_("A write-off cannot be reversed."), "entry_id")
        written_off = locked.status == LoanStatus.WRITTEN_OFF
        if written_off and entry.kind != EntryKind.LOAN_RECOVERY:
            raise ServiceError(_("After a write-off only recoveries can be reversed."), "entry_id")
        if entry.kind == EntryKind.LOAN_DISBURSEMENT and standing_entries(
            locked, EntryKind.LOAN_REPAYMENT, EntryKind.LOAN_REFUND
        ):
            raise ServiceError(
                _("Reverse the repayments first: a disbursement with repayments stands."),
                "entry_id",
            )
        reversal = reverse_entry(
            entry, reason=reason, recorded_by_id=recorded_by_id, value_on=reversed_on
        )
        if entry.kind == EntryKind.LOAN_DISBURSEMENT:
            # The schedule rows stay as history; the next disbursement adds a new version.
            db.session.execute(sa.delete(LoanAllocation).where(LoanAllocation.loan_id == locked.id))
            locked.status = LoanStatus.APPROVED
            locked.disbursed_on = locked.first_due_on = locked.closed_on = None
            locked.schedule_version = 0
            refresh_loan_balances([locked.id])
        elif entry.kind in (EntryKind.LOAN_REPAYMENT, EntryKind.LOAN_REFUND):
            reallocate(locked)
        refresh_flags(locked)
    return reversal


def write_off(
    loan: Loan | int,
    *,
    reason: str,
    by_id: int,
    written_off_on: date | None = None,
    expected_version: int | None = None,
) -> JournalEntry:
    """A manager writes off the principal still owed; the loan and its history stay."""
    reason = _reason(reason)
    written_off_on = written_off_on or date.today()
    with locked_loan(loan, expected_version) as locked:
        require_active(locked)
        last = max((p.paid_on for p in payments_of(locked)), default=locked.disbursed_on)
        check_value_date(written_off_on, "written_off_on", last)
        outstanding = position_of(locked).outstanding_principal_xof
        entry = post_entry(
            kind=EntryKind.LOAN_WRITE_OFF,
            value_on=written_off_on,
            amount_xof=outstanding,
            recorded_by_id=by_id,
            loan_id=locked.id,
            enterprise_id=locked.enterprise_id,
            budget_line_id=locked.budget_line_id,
            reason=reason,
        )
        locked.status = LoanStatus.WRITTEN_OFF
        refresh_flags(locked)
    return entry


def record_recovery(
    loan: Loan | int,
    *,
    recovered_on: date,
    amount_xof: int,
    recorded_by_id: int,
    channel: PaymentChannel | str | None = None,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Money received after a write-off, up to the principal written off."""
    check_amount(amount_xof)
    check_value_date(recovered_on, "recovered_on")
    with locked_loan(loan) as locked:
        refuse_duplicate(idempotency_key)
        if locked.status != LoanStatus.WRITTEN_OFF:
            raise ServiceError(_("Recoveries are recorded only on a written-off loan."))
        (write_off_entry,) = standing_entries(locked, EntryKind.LOAN_WRITE_OFF)
        check_value_date(recovered_on, "recovered_on", write_off_entry.value_on)
        left = write_off_entry.amount_xof - standing_total(locked, EntryKind.LOAN_RECOVERY)
        if amount_xof > left:
            raise ServiceError(
                _(
                    "At most %(left)s of the written-off principal remains to recover.",
                    left=format_xof(left),
                ),
                "amount_xof",
            )
        entry = post_entry(
            kind=EntryKind.LOAN_RECOVERY,
            value_on=recovered_on,
            amount_xof=amount_xof,
            recorded_by_id=recorded_by_id,
            idempotency_key=idempotency_key,
            loan_id=locked.id,
            enterprise_id=locked.enterprise_id,
            budget_line_id=locked.budget_line_id,
            channel=PaymentChannel(channel) if channel else None,
            reference=(reference or "").strip() or None,
        )
        refresh_flags(locked)
    return entry


@dataclass(frozen=True)
class NewTerms:
    """The terms a reschedule puts on the principal still owed (no new fees)."""

    annual_rate: Decimal
    instalments: int
    frequency: Frequency = Frequency.MONTHLY
    method: RepaymentMethod = RepaymentMethod.DECLINING_EQUAL_INSTALMENTS
    grace_principal_periods: int = 0
    grace_interest: GraceInterest = GraceInterest.NONE
    rounding_multiple: int = 1
    first_due_on: date | None = None


def rescheduled_rows(position, new: NewTerms, on: date) -> list[Due]:
    """The new schedule version: what was paid, carried over, then the new instalments.

    Carried rows: every instalment with something paid keeps its due date and
    exactly the fees, interest and principal paid on it, so re-running
    allocation on the new version gives every past payment the same place.
    Fees and interest due by `on` and unpaid are added to the first new
    instalment (never capitalised: principal stays what was lent). Charges of
    instalments not yet due are dropped: the new terms charge interest from
    now on. The new instalments start after the later of `on` and the last
    instalment anything was paid on.
    """
    carried: list[Due] = []
    anchor = on
    unpaid_fees = unpaid_interest = 0
    for paid in position.allocation.instalments:
        due = paid.due
        if paid.paid_xof:
            number = len(carried) + 1
            carried.append(
                Due(number, due.due_on, paid.fee_xof, paid.interest_xof, paid.principal_xof)
            )
            anchor = max(anchor, due.due_on)
        if due.due_on <= on:
            unpaid_fees += due.fee_xof - paid.fee_xof
            unpaid_interest += due.interest_xof - paid.interest_xof
    terms = LoanTerms(
        amount_xof=position.outstanding_principal_xof,
        annual_rate=new.annual_rate,
        instalments=new.instalments,
        disbursed_on=anchor,
        frequency=new.frequency,
        method=new.method,
        grace_principal_periods=new.grace_principal_periods,
        grace_interest=new.grace_interest,
        rounding_multiple=new.rounding_multiple,
        first_due_on=new.first_due_on,
    )
    rows = [
        Due(len(carried) + r.number, r.due_on, r.fee_xof, r.interest_xof, r.principal_xof)
        for r in build_schedule(terms).rows
    ]
    first = rows[0]
    rows[0] = Due(
        first.number,
        first.due_on,
        first.fee_xof + unpaid_fees,
        first.interest_xof + unpaid_interest,
        first.principal_xof,
    )
    return carried + rows


def reschedule(
    loan: Loan | int,
    *,
    terms: NewTerms,
    by_id: int,
    rescheduled_on: date | None = None,
    expected_version: int | None = None,
) -> Loan:
    """Put the principal still owed on new terms, as a new schedule version.

    The old version's rows stay; the loan is marked restructured for good
    (it stays in PAR, DOMAIN.md §5); allocation then runs on the new version.
    """
    on = rescheduled_on or date.today()
    with locked_loan(loan, expected_version) as locked:
        apply_reschedule(locked, terms, on)
    return locked


def reschedulable_position(locked: Loan, on: date):
    """The loan's position if it can be rescheduled on `on`; refused otherwise."""
    require_active(locked)
    last = max((p.paid_on for p in payments_of(locked)), default=locked.disbursed_on)
    check_value_date(on, "rescheduled_on", last)
    position = position_of(locked)
    if position.outstanding_principal_xof <= 0:
        raise ServiceError(_("No principal is left to reschedule."))
    return position


def new_rows(position, terms: NewTerms, on: date) -> list[Due]:
    """rescheduled_rows, with the engine's refusal as a ServiceError on the field at fault."""
    try:
        return rescheduled_rows(position, terms, on)
    except InvalidLoanTerms as error:
        raise ServiceError(
            _("These terms do not make a loan: %(problem)s", problem=str(error)), error.field
        ) from None


def apply_reschedule(locked: Loan, terms: NewTerms, on: date) -> int:
    """Inside a locked_loan block: store the new version, mark the loan, re-allocate.

    Returns the schedule version now in force."""
    position = reschedulable_position(locked, on)
    rows = new_rows(position, terms, on)
    version = next_schedule_version(locked)
    store_schedule(locked, version, rows)
    locked.restructured = True
    reallocate(locked)
    refresh_flags(locked)
    return version
