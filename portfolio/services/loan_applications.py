"""A loan application and the decision on it (maker-checker)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import Instrument, LoanStatus
from portfolio.domain.loans import LoanTerms
from portfolio.models import BudgetLine, Commune, Enterprise, Lender, Loan, LoanProduct, db
from portfolio.models.base import Rate
from portfolio.services.budgets import ensure_within_budget
from portfolio.services.loan_records import locked_loan, months_text, require_status
from portfolio.services.unit_of_work import ServiceError, unit_of_work

#: LoanTerms fields the loan row stores as they are.
TERM_FIELDS = (
    "amount_xof",
    "annual_rate",
    "instalments",
    "frequency",
    "method",
    "grace_principal_periods",
    "grace_interest",
    "upfront_fee_rate",
    "upfront_fee_xof",
    "savings_upfront_rate",
    "savings_per_instalment_xof",
    "savings_annual_rate",
    "rounding_multiple",
)
_RATE_FIELDS = {
    "annual_rate": "rate_percent",
    "upfront_fee_rate": "upfront_fee_percent",
    "savings_upfront_rate": "savings_upfront_percent",
    "savings_annual_rate": "savings_rate_percent",
}


def enterprise_in_scope(enterprise_id: int, scope_region_id: int | None) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise ServiceError(_("Unknown enterprise."), "enterprise_id")
    if scope_region_id is not None:
        region_id = db.session.scalar(
            sa.select(Commune.region_id).where(Commune.id == enterprise.commune_id)
        )
        if region_id != scope_region_id:
            raise ServiceError(_("This enterprise is outside your region."), "enterprise_id")
    return enterprise


def _check_storable(terms: LoanTerms, net_monthly_income_xof: int | None) -> None:
    if net_monthly_income_xof is not None and (
        isinstance(net_monthly_income_xof, bool)
        or not isinstance(net_monthly_income_xof, int)
        or net_monthly_income_xof < 0
    ):
        raise ServiceError(
            _("The income must be a whole number of francs, zero or more."),
            "net_monthly_income_xof",
        )
    for name, field in _RATE_FIELDS.items():
        scaled = getattr(terms, name) * Rate.SCALE
        if scaled != scaled.to_integral_value():
            raise ServiceError(_("Give rates with at most 4 decimals (in percent)."), field)


def _check_lender(lender_id: int, product_id: int | None) -> Lender:
    lender = db.session.get(Lender, lender_id)
    if lender is None or not lender.active:
        raise ServiceError(_("Choose an active lender."), "lender_id")
    if product_id is not None:
        product = db.session.get(LoanProduct, product_id)
        if product is None or product.lender_id != lender.id or not product.active:
            raise ServiceError(_("This product is not one of the lender's."), "product_id")
    return lender


def _check_budget_line(line_id: int, enterprise: Enterprise) -> None:
    line = db.session.get(BudgetLine, line_id)
    if line is None:
        raise ServiceError(_("Unknown budget line."), "budget_line_id")
    if line.instrument != Instrument.LOAN:
        raise ServiceError(_("This budget line is not for this kind of support."), "budget_line_id")
    if line.programme_id != enterprise.programme_id:
        raise ServiceError(
            _("This budget line belongs to another programme than the enterprise's."),
            "budget_line_id",
        )


def apply_for_loan(
    *,
    enterprise_id: int,
    lender_id: int,
    terms: LoanTerms,
    created_by_id: int,
    purpose: str | None = None,
    product_id: int | None = None,
    budget_line_id: int | None = None,
    applied_on: date | None = None,
    scope_region_id: int | None = None,
    net_monthly_income_xof: int | None = None,
) -> Loan:
    """Record an application (status APPLIED) with the terms as the lender quotes them.

    `terms.disbursed_on` is only the expected contract date used to preview the
    loan; the real one, and the first due date, are set at disbursement.
    Seasonal repayment months are stored and used for the schedule then. The
    business's stated net monthly income is kept for the affordability (DSCR)
    verdict shown to whoever decides.
    """
    with unit_of_work() as session:
        enterprise = enterprise_in_scope(enterprise_id, scope_region_id)
        _check_lender(lender_id, product_id)
        _check_storable(terms, net_monthly_income_xof)
        if budget_line_id is not None:
            _check_budget_line(budget_line_id, enterprise)
        applied_on = applied_on or date.today()
        if applied_on > date.today():
            raise ServiceError(_("The date cannot be in the future."), "applied_on")
        loan = Loan(
            enterprise_id=enterprise.id,
            lender_id=lender_id,
            product_id=product_id,
            budget_line_id=budget_line_id,
            status=LoanStatus.APPLIED,
            purpose=(purpose or "").strip() or None,
            applied_on=applied_on,
            created_by_id=created_by_id,
            schedule_version=0,
            repayment_months=months_text(terms.repayment_months),
            net_monthly_income_xof=net_monthly_income_xof,
            **{name: getattr(terms, name) for name in TERM_FIELDS},
        )
        session.add(loan)
    return loan


def _check_checker(loan: Loan, by_id: int) -> None:
    if loan.created_by_id == by_id:
        raise ServiceError(
            _(
                "You recorded this application, so another manager must decide on it "
                "(two people: one records, another approves)."
            )
        )


def approve_loan(
    loan: Loan | int,
    *,
    by_id: int,
    note: str | None = None,
    approved_on: date | None = None,
    expected_version: int | None = None,
) -> Loan:
    """A manager other than the one who recorded it approves; the loan line is committed."""
    with locked_loan(loan, expected_version) as locked:
        require_status(
            locked,
            LoanStatus.APPLIED,
            message=_("Only an application waiting for a decision can be approved."),
        )
        _check_checker(locked, by_id)
        approved_on = approved_on or date.today()
        if not locked.applied_on <= approved_on <= date.today():
            raise ServiceError(
                _("The approval date must fall between the application and today."),
                "approved_on",
            )
        if locked.budget_line_id is not None:
            ensure_within_budget(locked.budget_line_id, locked.amount_xof, Instrument.LOAN)
        locked.status = LoanStatus.APPROVED
        locked.approved_by_id = by_id
        locked.approved_on = approved_on
        locked.decision_note = (note or "").strip() or None
    return locked


def reject_loan(
    loan: Loan | int,
    *,
    by_id: int,
    note: str | None = None,
    expected_version: int | None = None,
    rejected_on: date | None = None,
) -> Loan:
    """Turn an application down, saying why; who and when are kept on the loan."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Say why the application is rejected."), "note")
    with locked_loan(loan, expected_version) as locked:
        require_status(
            locked,
            LoanStatus.APPLIED,
            message=_("Only an application waiting for a decision can be rejected."),
        )
        _check_checker(locked, by_id)
        rejected_on = rejected_on or date.today()
        if not locked.applied_on <= rejected_on <= date.today():
            raise ServiceError(
                _("The decision date must fall between the application and today."),
                "rejected_on",
            )
        # The approver columns stay empty: a rejected loan was never approved.
        locked.status = LoanStatus.REJECTED
        locked.rejected_by_id = by_id
        locked.rejected_on = rejected_on
        locked.decision_note = note
    return locked
