"""Rescheduling as request → decision (maker-checker).

A finance officer asks for new terms on a loan's remaining principal, saying
why; a manager other than the one who asked approves (the reschedule then
applies: a new schedule version, the old one kept, the loan marked
restructured) or rejects it with a note. Requests are never deleted: they
are the history of what was asked, by whom, and what was decided.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from portfolio.domain.ledger import Due
from portfolio.models import Commune, Enterprise, Loan, LoanReschedule, db
from portfolio.models.base import Rate, utcnow
from portfolio.models.loan import RescheduleStatus
from portfolio.services.loan_corrections import (
    NewTerms,
    apply_reschedule,
    new_rows,
    reschedulable_position,
)
from portfolio.services.loan_records import locked_loan
from portfolio.services.unit_of_work import ServiceError

#: The request's columns that hold the new terms (NewTerms fields, same names).
TERM_COLUMNS = (
    "annual_rate",
    "instalments",
    "frequency",
    "method",
    "grace_principal_periods",
    "grace_interest",
    "rounding_multiple",
    "first_due_on",
)


def terms_of_request(request: LoanReschedule) -> NewTerms:
    return NewTerms(**{name: getattr(request, name) for name in TERM_COLUMNS})


def _check_rate(terms: NewTerms) -> None:
    scaled = terms.annual_rate * Rate.SCALE
    if scaled != scaled.to_integral_value():
        raise ServiceError(_("Give rates with at most 4 decimals (in percent)."), "rate_percent")


def pending_request(loan_id: int) -> LoanReschedule | None:
    return db.session.scalar(
        sa.select(LoanReschedule).where(
            LoanReschedule.loan_id == loan_id, LoanReschedule.status == RescheduleStatus.PENDING
        )
    )


def preview_rows(loan: Loan, terms: NewTerms, on: date | None = None) -> list[Due]:
    """The schedule the terms would put in force on `on` (reads only)."""
    on = on or date.today()
    return new_rows(reschedulable_position(loan, on), terms, on)


def request_reschedule(
    loan: Loan | int, *, terms: NewTerms, reason: str, by_id: int
) -> LoanReschedule:
    """Ask for new terms on an active loan. One request waits per loan at a time."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the loan should be rescheduled."), "reason")
    _check_rate(terms)
    with locked_loan(loan) as locked:
        # The terms must make a loan today; the manager sees the same preview.
        preview_rows(locked, terms)
        if pending_request(locked.id) is not None:
            raise ServiceError(
                _(
                    "A reschedule of this loan is already waiting for a manager's decision: "
                    "have it decided (or rejected) first."
                )
            )
        request = LoanReschedule(
            loan_id=locked.id,
            requested_by_id=by_id,
            requested_at=utcnow(),
            reason=reason,
            status=RescheduleStatus.PENDING,
            **{name: getattr(terms, name) for name in TERM_COLUMNS},
        )
        db.session.add(request)
    return request


def _locked_request(request_id: int) -> LoanReschedule:
    request = db.session.scalar(
        sa.select(LoanReschedule)
        .where(LoanReschedule.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if request is None:
        raise ServiceError(_("Unknown reschedule request."), "request_id")
    return request


def _decide(request: LoanReschedule, by_id: int) -> None:
    if request.status != RescheduleStatus.PENDING:
        raise ServiceError(_("This request was already decided on."))
    if request.requested_by_id == by_id:
        raise ServiceError(
            _(
                "You asked for this reschedule, so another manager must decide on it "
                "(two people: one asks, another approves)."
            )
        )


def approve_reschedule(
    request_id: int, *, by_id: int, note: str | None = None, on: date | None = None
) -> LoanReschedule:
    """A manager other than the asker puts the requested terms in force (today)."""
    on = on or date.today()
    request = db.session.get(LoanReschedule, request_id)
    if request is None:
        raise ServiceError(_("Unknown reschedule request."), "request_id")
    # The loan is locked first, then the request: the order every writer follows.
    with locked_loan(request.loan_id) as locked:
        request = _locked_request(request_id)
        _decide(request, by_id)
        request.schedule_version = apply_reschedule(locked, terms_of_request(request), on)
        request.status = RescheduleStatus.APPROVED
        request.decided_by_id = by_id
        request.decided_at = utcnow()
        request.decision_note = (note or "").strip() or None
    return request


def reject_reschedule(request_id: int, *, by_id: int, note: str) -> LoanReschedule:
    """A manager other than the asker turns the request down, saying why."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Say why the reschedule is rejected."), "note")
    request = db.session.get(LoanReschedule, request_id)
    if request is None:
        raise ServiceError(_("Unknown reschedule request."), "request_id")
    with locked_loan(request.loan_id):
        request = _locked_request(request_id)
        _decide(request, by_id)
        request.status = RescheduleStatus.REJECTED
        request.decided_by_id = by_id
        request.decided_at = utcnow()
        request.decision_note = note
    return request


def requests_of(loan_id: int) -> list[LoanReschedule]:
    """The loan's requests, newest first, with who asked and who decided."""
    return list(
        db.session.scalars(
            sa.select(LoanReschedule)
            .where(LoanReschedule.loan_id == loan_id)
            .order_by(LoanReschedule.requested_at.desc(), LoanReschedule.id.desc())
        )
    )


def pending_requests(scope_region_id: int | None = None) -> list[LoanReschedule]:
    """Requests waiting for a manager, oldest first (loan and enterprise loaded)."""
    query = (
        sa.select(LoanReschedule)
        .join(Loan, Loan.id == LoanReschedule.loan_id)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .where(LoanReschedule.status == RescheduleStatus.PENDING)
        .options(so.contains_eager(LoanReschedule.loan).contains_eager(Loan.enterprise))
        .order_by(LoanReschedule.requested_at, LoanReschedule.id)
    )
    if scope_region_id is not None:
        query = query.join(Commune, Commune.id == Enterprise.commune_id).where(
            Commune.region_id == scope_region_id
        )
    return list(db.session.scalars(query))
