"""Loan pages: the list, the application, the loan page and its actions.

Every action is a small POST form on the loan page: load the loan (in the
user's region) → check the permission → call one service → flash → redirect.
A refused action shows the loan page again with the form's errors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.loans import InvalidLoanTerms, Simulation, simulate
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import Sex
from portfolio.models import Enterprise, Lender, Loan, LoanProduct, db
from portfolio.reporting.lending import usury_ceilings
from portfolio.reporting.loans import (
    LoanFilter,
    active_lenders,
    loan_journal,
    loan_page,
    schedule_lines,
)
from portfolio.services import loan_reschedules as reschedule_service
from portfolio.services import loans as service
from portfolio.services.loan_records import months_of
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires, user_can
from portfolio.web.fields import programme_choices, region_choices, sector_choices
from portfolio.web.forms import show_service_error
from portfolio.web.labels import choices
from portfolio.web.listing import page_args
from portfolio.web.loans import bp
from portfolio.web.loans.forms import MONTHS, IncomeForm, show_term_error
from portfolio.web.loans.ledger_forms import (
    ACTIONS,
    LoanApplicationForm,
    LoanListArgs,
    action_forms,
)


def _load(loan_id: int) -> Loan:
    loan = db.session.get(
        Loan,
        loan_id,
        options=[so.joinedload(Loan.enterprise).joinedload(Enterprise.commune)],
    )
    scope = region_scope()
    if loan is None or (scope is not None and loan.enterprise.commune.region_id != scope):
        abort(404)
    return loan


def _arg_int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.get("/")
@requires(Permission.VIEW_LEDGER)
def index():
    args = LoanListArgs(formdata=request.args)
    args.validate()  # a hand-edited filter is dropped, not an error page
    filters = LoanFilter(
        q=(args.q.data or "").replace("\x00", "")[:100] or None,
        status=args.status.data if args.status.data in set(LoanStatus) else None,
        lender_id=_arg_int("lender_id"),
        programme_id=_arg_int("programme_id"),
        region_id=_arg_int("region_id"),
        sector_id=_arg_int("sector_id"),
        sex=args.sex.data if args.sex.data in set(Sex) else None,
        scope_region_id=region_scope(),
    )
    return render_template(
        "loans/index.html",
        listing=loan_page(filters, *page_args()),
        filters=filters,
        statuses=choices(LoanStatus),
        lenders=[{"value": x.id, "label": x.name} for x in active_lenders()],
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        sectors=sector_choices(),
        sexes=choices(Sex),
    )


def _preview(form: LoanApplicationForm) -> Simulation | None:
    lender = db.session.get(Lender, form.lender_id.data) if form.lender_id.data else None
    if lender is None:
        return None
    try:
        return simulate(
            form.terms(), lender.lender_type, usury_ceilings(), form.net_monthly_income_xof.data
        )
    except InvalidLoanTerms as error:
        show_term_error(form, error)
        return None


@bp.route("/demande", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def new():
    form = LoanApplicationForm().load_choices()
    if request.method == "GET":
        form.enterprise_id.data = _arg_int("enterprise_id")
    simulation = None
    if request.form.get("use_product"):
        product = db.session.get(LoanProduct, form.product_id.data or 0)
        if product is not None:
            form.apply_product(product)
    elif form.validate_on_submit():
        simulation = _preview(form)
    if simulation is not None and not request.form.get("preview"):
        try:
            loan = service.apply_for_loan(
                enterprise_id=form.enterprise_id.data,
                lender_id=form.lender_id.data,
                product_id=form.product_id.data,
                terms=simulation.terms,
                purpose=form.purpose.data,
                budget_line_id=form.budget_line_id.data,
                created_by_id=current_user.id,
                scope_region_id=region_scope(),
                net_monthly_income_xof=form.net_monthly_income_xof.data,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Loan application recorded."), "success")
            return redirect(url_for("loans.show", loan_id=loan.id))
    return render_template("loans/apply.html", form=form, sim=simulation)


def _simulation(loan: Loan, income: int | None) -> Simulation | None:
    """The loan's terms through the engine: APR and usury on the contract date, DSCR."""
    contract_on = loan.disbursed_on or date.today()
    first_due = loan.first_due_on if loan.disbursed_on else None
    try:
        terms = service.terms_of(loan, contract_on, first_due)
        return simulate(terms, loan.lender.lender_type, usury_ceilings(), income)
    except InvalidLoanTerms:
        return None


def _reversible(loan: Loan, journal: list) -> set[str]:
    """Entry kinds to offer a Reverse button for (the service has the last word)."""
    if loan.status == LoanStatus.WRITTEN_OFF:
        return {EntryKind.LOAN_RECOVERY.value}
    kinds = {kind.value for kind in service.REVERSIBLE}
    if any(e.kind == EntryKind.LOAN_REPAYMENT and not e.reversed_by_id for e in journal):
        kinds.discard(EntryKind.LOAN_DISBURSEMENT.value)
    return kinds


def _render_show(loan: Loan, failed: dict | None = None):
    journal = loan_journal(loan.id)
    income = IncomeForm(formdata=request.args, prefix="biz-")
    income_xof = income.net_monthly_income_xof.data if income.validate() else None
    if income_xof is None and not request.args.get("biz-net_monthly_income_xof"):
        # The income stated on application, until someone checks another figure.
        income_xof = loan.net_monthly_income_xof
        income.net_monthly_income_xof.data = income_xof
    standing = service.standing_of(loan)
    return render_template(
        "loans/show.html",
        loan=loan,
        sim=_simulation(loan, income_xof),
        income=income,
        standing=standing,
        lines=schedule_lines(loan) if loan.schedule_version else [],
        journal=journal,
        forms=action_forms(loan, standing, failed or {}),
        reversible=_reversible(loan, journal),
        can_reschedule=loan.status == LoanStatus.ACTIVE and user_can(Permission.RECORD_LEDGER),
        reschedules=reschedule_service.requests_of(loan.id),
        seasonal_months=[MONTHS[m - 1] for m in sorted(months_of(loan.repayment_months) or ())],
    )


@bp.get("/<int:loan_id>")
@requires(Permission.VIEW_LEDGER)
def show(loan_id: int):
    return _render_show(_load(loan_id))


def _act(loan_id: int, name: str, call: Callable, done: Callable[[], str]):
    """Validate the action's form, call the service, and come back to the loan page."""
    loan = _load(loan_id)
    form_class = ACTIONS[name][0]
    form = form_class(prefix=f"{name}-")
    if form.validate_on_submit():
        try:
            call(loan, form)
        except service.DuplicateSubmission:
            flash(_("This was already recorded: nothing was added."), "warning")
            return redirect(url_for("loans.show", loan_id=loan.id))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(done(), "success")
            return redirect(url_for("loans.show", loan_id=loan.id))
    db.session.rollback()
    return _render_show(_load(loan_id), {name: form})


def _money(form) -> dict:
    return {
        "channel": form.channel.data,
        "reference": form.reference.data,
        "idempotency_key": form.idempotency_key.data,
        "recorded_by_id": current_user.id,
    }


@bp.post("/<int:loan_id>/approbation")
@requires(Permission.APPROVE_LOANS)
def approve(loan_id: int):
    return _act(
        loan_id,
        "approve",
        lambda loan, f: service.approve_loan(
            loan, by_id=current_user.id, note=f.note.data, expected_version=f.version_id.data
        ),
        lambda: _("Loan approved."),
    )


@bp.post("/<int:loan_id>/rejet")
@requires(Permission.APPROVE_LOANS)
def reject(loan_id: int):
    return _act(
        loan_id,
        "reject",
        lambda loan, f: service.reject_loan(
            loan, by_id=current_user.id, note=f.note.data, expected_version=f.version_id.data
        ),
        lambda: _("Application rejected."),
    )


@bp.post("/<int:loan_id>/decaissement")
@requires(Permission.RECORD_LEDGER)
def disburse(loan_id: int):
    return _act(
        loan_id,
        "disburse",
        lambda loan, f: service.disburse_loan(
            loan, disbursed_on=f.disbursed_on.data, first_due_on=f.first_due_on.data, **_money(f)
        ),
        lambda: _("Disbursement recorded: the schedule is in force."),
    )


@bp.post("/<int:loan_id>/remboursements")
@requires(Permission.RECORD_LEDGER)
def repay(loan_id: int):
    return _act(
        loan_id,
        "repay",
        lambda loan, f: service.record_repayment(
            loan, paid_on=f.paid_on.data, amount_xof=f.amount_xof.data, **_money(f)
        ),
        lambda: _("Repayment recorded."),
    )


@bp.post("/<int:loan_id>/solde")
@requires(Permission.RECORD_LEDGER)
def repay_in_full(loan_id: int):
    return _act(
        loan_id,
        "payoff",
        lambda loan, f: service.repay_in_full(
            loan, paid_on=f.paid_on.data, expected_xof=f.expected_xof.data, **_money(f)
        ),
        lambda: _("The loan is repaid in full and closed."),
    )


@bp.post("/<int:loan_id>/annulations")
@requires(Permission.RECORD_LEDGER)
def reverse(loan_id: int):
    return _act(
        loan_id,
        "reverse",
        lambda loan, f: service.reverse_loan_entry(
            loan, entry_id=f.entry_id.data, reason=f.reason.data, recorded_by_id=current_user.id
        ),
        lambda: _("Entry reversed."),
    )


@bp.post("/<int:loan_id>/restitutions")
@requires(Permission.RECORD_LEDGER)
def refund(loan_id: int):
    return _act(
        loan_id,
        "refund",
        lambda loan, f: service.refund_credit(
            loan, refunded_on=f.refunded_on.data, amount_xof=f.amount_xof.data, **_money(f)
        ),
        lambda: _("Refund recorded."),
    )


@bp.post("/<int:loan_id>/passage-en-perte")
@requires(Permission.APPROVE_LOANS)
def write_off(loan_id: int):
    return _act(
        loan_id,
        "write_off",
        lambda loan, f: service.write_off(
            loan, reason=f.reason.data, by_id=current_user.id, expected_version=f.version_id.data
        ),
        lambda: _("Loan written off. Its history is kept; record any recovery."),
    )


@bp.post("/<int:loan_id>/recouvrements")
@requires(Permission.RECORD_LEDGER)
def recover(loan_id: int):
    return _act(
        loan_id,
        "recover",
        lambda loan, f: service.record_recovery(
            loan, recovered_on=f.recovered_on.data, amount_xof=f.amount_xof.data, **_money(f)
        ),
        lambda: _("Recovery recorded."),
    )
