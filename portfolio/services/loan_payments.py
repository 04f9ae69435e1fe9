"""Money in and out of a loan: disbursement, repayments, early repayment in full, refunds.

Each function is one unit of work on one locked loan (see loan_records.locked_loan)
and returns the journal entry it posted. The same idempotency key twice raises
DuplicateSubmission carrying the entry recorded the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus, PaymentChannel
from portfolio.domain.loans import InvalidLoanTerms, build_schedule
from portfolio.domain.money import format_xof
from portfolio.models import JournalEntry, Loan
from portfolio.services.journal import DuplicateSubmission, existing_submission, post_entry
from portfolio.services.loan_records import (
    locked_loan,
    next_schedule_version,
    payments_of,
    position_of,
    reallocate,
    refresh_flags,
    store_schedule,
    terms_of,
)
from portfolio.services.unit_of_work import ServiceError


def refuse_duplicate(idempotency_key: str | None) -> None:
    """Checked first: a resubmitted form must say "already recorded", not that the
    loan's status no longer allows the action it performed the first time."""
    if (previous := existing_submission(idempotency_key)) is not None:
        raise DuplicateSubmission(previous)


def check_amount(amount_xof: int, field: str = "amount_xof") -> None:
    if isinstance(amount_xof, bool) or not isinstance(amount_xof, int) or amount_xof <= 0:
        raise ServiceError(_("The amount must be a positive whole number of francs."), field)


def check_value_date(value_on: date, field: str, not_before: date | None = None) -> None:
    if value_on > date.today():
        raise ServiceError(_("The date cannot be in the future."), field)
    if not_before is not None and value_on < not_before:
        raise ServiceError(
            _("The date cannot be before %(day)s.", day=not_before.strftime("%d/%m/%Y")), field
        )


def require_active(loan: Loan) -> None:
    messages = {
        LoanStatus.CLOSED: _("This loan is repaid: nothing more is owed."),
        LoanStatus.WRITTEN_OFF: _(
            "This loan was written off: record money received as a recovery."
        ),
    }
    if loan.status != LoanStatus.ACTIVE:
        raise ServiceError(messages.get(loan.status, _("This loan has not been disbursed.")))


def _links(loan: Loan, channel: PaymentChannel | str | None, reference: str | None) -> dict:
    return {
        "loan_id": loan.id,
        "enterprise_id": loan.enterprise_id,
        "budget_line_id": loan.budget_line_id,
        "channel": PaymentChannel(channel) if channel else None,
        "reference": (reference or "").strip() or None,
    }


def disburse_loan(
    loan: Loan | int,
    *,
    disbursed_on: date,
    recorded_by_id: int,
    channel: PaymentChannel | str | None = None,
    reference: str | None = None,
    idempotency_key: str | None = None,
    first_due_on: date | None = None,
) -> JournalEntry:
    """Pay out an approved loan: the schedule (version 1, or the next one after a
    reversed disbursement) is built by the engine from the stored terms and stored."""
    with locked_loan(loan) as locked:
        refuse_duplicate(idempotency_key)
        if locked.status == LoanStatus.APPLIED:
            raise ServiceError(
                _("This loan is not approved yet: a manager must approve it before it is paid out.")
            )
        if locked.status != LoanStatus.APPROVED:
            raise ServiceError(_("Only an approved loan can be disbursed."))
        check_value_date(disbursed_on, "disbursed_on", locked.approved_on)
        try:
            terms = terms_of(locked, disbursed_on, first_due_on)
        except InvalidLoanTerms as error:
            if error.field == "first_due_on":
                message = _("The first due date must come after the disbursement.")
            elif error.field == "repayment_months":
                message = _(
                    "This loan is repaid only in some months (seasonal) and its last "
                    "instalment would fall outside them: choose another first due date."
                )
            else:
                message = _("The stored terms do not make a loan: %(problem)s", problem=str(error))
            field = "first_due_on" if error.field in ("first_due_on", "repayment_months") else None
            raise ServiceError(message, field) from None
        schedule = build_schedule(terms)
        entry = post_entry(
            kind=EntryKind.LOAN_DISBURSEMENT,
            value_on=disbursed_on,
            amount_xof=locked.amount_xof,
            recorded_by_id=recorded_by_id,
            idempotency_key=idempotency_key,
            **_links(locked, channel, reference),
        )
        store_schedule(locked, next_schedule_version(locked), schedule.rows)
        locked.status = LoanStatus.ACTIVE
        locked.disbursed_on = disbursed_on
        locked.first_due_on = terms.first_due_on
        reallocate(locked)
        from portfolio.services.visit_plan import plan_visits  # the first support starts the plan

        plan_visits([locked.enterprise_id])
    return entry


def _last_payment_on(loan: Loan) -> date | None:
    return max((p.paid_on for p in payments_of(loan)), default=None)


def record_repayment(
    loan: Loan | int,
    *,
    paid_on: date,
    amount_xof: int,
    recorded_by_id: int,
    channel: PaymentChannel | str | None = None,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Record money the borrower paid, then re-run allocation over the whole history.

    A payment beyond the instalments due runs on to later ones; one that covers
    the payoff on its date closes the loan, and what it brings beyond that is
    credit (see loan_position). More than the schedule still asks is refused.
    """
    check_amount(amount_xof)
    check_value_date(paid_on, "paid_on")
    with locked_loan(loan) as locked:
        refuse_duplicate(idempotency_key)
        require_active(locked)
        check_value_date(paid_on, "paid_on", locked.disbursed_on)
        owed = position_of(locked).owed_xof
        if amount_xof > owed:
            raise ServiceError(
                _(
                    "This payment of %(amount)s is more than the borrower still owes in all "
                    "(%(owed)s).",
                    amount=format_xof(amount_xof),
                    owed=format_xof(owed),
                ),
                "amount_xof",
            )
        entry = post_entry(
            kind=EntryKind.LOAN_REPAYMENT,
            value_on=paid_on,
            amount_xof=amount_xof,
            recorded_by_id=recorded_by_id,
            idempotency_key=idempotency_key,
            **_links(locked, channel, reference),
        )
        reallocate(locked)
        refresh_flags(locked)
    return entry


@dataclass(frozen=True)
class PayoffQuote:
    on: date
    principal_xof: int  # principal still owed
    charges_xof: int  # fees and interest due by then and unpaid
    total_xof: int


def payoff_quote(loan: Loan, on: date | None = None) -> PayoffQuote:
    """What repays the whole loan on `on` (today by default). Reads only."""
    on = on or date.today()
    require_active(loan)
    check_value_date(on, "paid_on", max(filter(None, (loan.disbursed_on, _last_payment_on(loan)))))
    position = position_of(loan)
    total = position.payoff_on(on)
    principal = position.outstanding_principal_xof
    return PayoffQuote(on, principal, total - principal, total)


def repay_in_full(
    loan: Loan | int,
    *,
    paid_on: date,
    recorded_by_id: int,
    expected_xof: int | None = None,
    channel: PaymentChannel | str | None = None,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Record the payoff quoted for `paid_on` and close the loan on that date.

    `expected_xof` is the figure the officer was shown: if a payment recorded
    meanwhile changed it, the request is refused rather than silently different.
    """
    check_value_date(paid_on, "paid_on")
    with locked_loan(loan) as locked:
        refuse_duplicate(idempotency_key)
        quote = payoff_quote(locked, paid_on)
        if expected_xof is not None and expected_xof != quote.total_xof:
            raise ServiceError(
                _(
                    "The amount that repays the loan is now %(amount)s: check it with the "
                    "borrower and confirm again.",
                    amount=format_xof(quote.total_xof),
                ),
                "expected_xof",
            )
        check_amount(quote.total_xof)
        entry = post_entry(
            kind=EntryKind.LOAN_REPAYMENT,
            value_on=paid_on,
            amount_xof=quote.total_xof,
            recorded_by_id=recorded_by_id,
            idempotency_key=idempotency_key,
            **_links(locked, channel, reference),
        )
        position = reallocate(locked)
        refresh_flags(locked)
        assert position.closed_on == paid_on, "a payoff always settles the loan"
    return entry


def refund_credit(
    loan: Loan | int,
    *,
    refunded_on: date,
    amount_xof: int,
    recorded_by_id: int,
    channel: PaymentChannel | str | None = None,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Hand back to the borrower what was paid beyond everything owed."""
    check_amount(amount_xof)
    check_value_date(refunded_on, "refunded_on")
    with locked_loan(loan) as locked:
        refuse_duplicate(idempotency_key)
        position = position_of(locked)
        if amount_xof > position.credit_xof:
            raise ServiceError(
                _(
                    "The borrower's credit is %(credit)s: refund at most that.",
                    credit=format_xof(position.credit_xof),
                ),
                "amount_xof",
            )
        check_value_date(refunded_on, "refunded_on", position.closed_on)
        entry = post_entry(
            kind=EntryKind.LOAN_REFUND,
            value_on=refunded_on,
            amount_xof=amount_xof,
            recorded_by_id=recorded_by_id,
            idempotency_key=idempotency_key,
            **_links(locked, channel, reference),
        )
        reallocate(locked)
        refresh_flags(locked)
    return entry
