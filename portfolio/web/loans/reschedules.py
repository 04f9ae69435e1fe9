"""Rescheduling a loan, in two steps (maker-checker).

A finance officer asks for new terms, saying why (the page previews the new
schedule); a manager other than the one who asked approves it, which puts
the new schedule in force, or rejects it with a note.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.permissions import Permission
from portfolio.models import LoanReschedule, db
from portfolio.models.loan import RescheduleStatus
from portfolio.reporting.loans import LoanFilter, loan_page
from portfolio.services import loan_reschedules as service
from portfolio.services.loans import position_of
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires, user_can
from portfolio.web.forms import show_service_error
from portfolio.web.loans import bp
from portfolio.web.loans.ledger import _load
from portfolio.web.loans.ledger_forms import (
    RescheduleApprovalForm,
    RescheduleRejectionForm,
    RescheduleRequestForm,
)


@bp.route("/<int:loan_id>/reechelonnement", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def reschedule(loan_id: int):
    """Ask for new terms: the request waits for a manager's decision."""
    loan = _load(loan_id)
    if loan.status != LoanStatus.ACTIVE:
        flash(_("Only a loan being repaid can be rescheduled."), "error")
        return redirect(url_for("loans.show", loan_id=loan.id))
    pending = service.pending_request(loan.id)
    if pending is not None:
        flash(_("A reschedule of this loan is already waiting for a manager's decision."), "info")
        return redirect(url_for("loans.reschedule_request", request_id=pending.id))
    form = RescheduleRequestForm()
    rows = None
    if form.validate_on_submit():
        terms = form.new_terms()
        try:
            if request.form.get("preview"):
                rows = service.preview_rows(loan, terms)
            else:
                made = service.request_reschedule(
                    loan, terms=terms, reason=form.reason.data, by_id=current_user.id
                )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            if rows is None:
                flash(_("Reschedule requested: a manager will decide on it."), "success")
                return redirect(url_for("loans.reschedule_request", request_id=made.id))
    position = position_of(loan)
    return render_template(
        "loans/reschedule.html", loan=loan, form=form, position=position, rows=rows
    )


def _load_request(request_id: int) -> LoanReschedule:
    found = db.session.get(LoanReschedule, request_id)
    if found is None:
        abort(404)
    _load(found.loan_id)  # 404 outside the user's region
    return found


def _render_request(found: LoanReschedule, failed: dict | None = None):
    failed = failed or {}
    loan = found.loan
    rows, problem = None, None
    if found.status == RescheduleStatus.PENDING:
        try:
            rows = service.preview_rows(loan, service.terms_of_request(found))
        except ServiceError as error:
            problem = error.message
    can_decide = (
        found.status == RescheduleStatus.PENDING
        and user_can(Permission.APPROVE_LOANS)
        and found.requested_by_id != current_user.id
    )
    return render_template(
        "loans/reschedule_request.html",
        req=found,
        loan=loan,
        rows=rows,
        problem=problem,
        position=position_of(loan) if loan.status == LoanStatus.ACTIVE else None,
        can_decide=can_decide,
        approve_form=failed.get("approve") or RescheduleApprovalForm(formdata=None, prefix="ok-"),
        reject_form=failed.get("reject") or RescheduleRejectionForm(formdata=None, prefix="no-"),
    )


@bp.get("/reechelonnements/<int:request_id>")
@requires(Permission.VIEW_LEDGER)
def reschedule_request(request_id: int):
    return _render_request(_load_request(request_id))


def _decide(request_id: int, name: str, form, call, done: str):
    found = _load_request(request_id)
    if form.validate_on_submit():
        try:
            call(found, form)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("loans.show", loan_id=found.loan_id))
    return _render_request(_load_request(request_id), {name: form})


@bp.post("/reechelonnements/<int:request_id>/approbation")
@requires(Permission.APPROVE_LOANS)
def approve_reschedule(request_id: int):
    return _decide(
        request_id,
        "approve",
        RescheduleApprovalForm(prefix="ok-"),
        lambda found, f: service.approve_reschedule(
            found.id, by_id=current_user.id, note=f.note.data
        ),
        _("Reschedule approved: the new schedule is in force."),
    )


@bp.post("/reechelonnements/<int:request_id>/rejet")
@requires(Permission.APPROVE_LOANS)
def reject_reschedule(request_id: int):
    return _decide(
        request_id,
        "reject",
        RescheduleRejectionForm(prefix="no-"),
        lambda found, f: service.reject_reschedule(
            found.id, by_id=current_user.id, note=f.note.data
        ),
        _("Reschedule rejected."),
    )


@bp.get("/a-approuver")
@requires(Permission.APPROVE_LOANS)
def to_approve():
    """What waits for a manager: loan applications and reschedule requests."""
    scope = region_scope()
    applications = loan_page(LoanFilter(status=LoanStatus.APPLIED, scope_region_id=scope), 1, 200)
    return render_template(
        "loans/to_approve.html",
        applications=applications.page,
        reschedules=service.pending_requests(scope),
    )
