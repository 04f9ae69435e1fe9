"""Loans from application to closure: the loan pages' forms, services and permissions.

Money operations are idempotent: send an `Idempotency-Key` header (or an
`idempotency_key` field); the same key again returns the entry recorded the
first time, with status 200 instead of 201, and records nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import sqlalchemy.orm as so
from flask import abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from portfolio.api import bp
from portfolio.api.common import MAX_ID, ApiError, api_requires, created, json_body, page_json
from portfolio.api.formdata import query_args, validated
from portfolio.api.listing import MAX_PAGE
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import json_value, page_schema
from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.loans import InvalidLoanTerms
from portfolio.domain.permissions import Permission
from portfolio.models import Enterprise, Loan, LoanReschedule, db
from portfolio.reporting.loans import LoanFilter, LoanRow, loan_page, schedule_lines
from portfolio.reporting.pagination import MAX_PER_PAGE
from portfolio.services import loan_reschedules as reschedules
from portfolio.services import loans as service
from portfolio.services.loan_records import months_of
from portfolio.web.access import region_scope
from portfolio.web.loans.forms import TERM_ERRORS
from portfolio.web.loans.ledger_forms import (
    ApprovalForm,
    DisbursementForm,
    LoanApplicationForm,
    LoanListArgs,
    RejectionForm,
    RepaymentForm,
    RescheduleApprovalForm,
    RescheduleRejectionForm,
    RescheduleRequestForm,
    ReversalForm,
    WriteOffForm,
)

_INT = {"type": "integer"}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_TEXT = {"type": "string"}

#: The loan's own fields in its JSON (amounts in whole francs CFA).
LOAN_FIELDS = {
    **dict.fromkeys(("id", "enterprise_id", "lender_id", "amount_xof", "instalments"), _INT),
    **dict.fromkeys(("grace_principal_periods", "schedule_version", "version_id"), _INT),
    **dict.fromkeys(("product_id", "budget_line_id", "approved_by_id"), _NULLABLE_INT),
    **dict.fromkeys(("rejected_by_id", "net_monthly_income_xof"), _NULLABLE_INT),
    "repayment_months": {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": 12},
        "description": "Seasonal loans: the only months instalments fall in (empty: every month).",
    },
    "status": {"type": "string", "enum": [s.value for s in LoanStatus]},
    **dict.fromkeys(("method", "frequency"), _TEXT),
    **dict.fromkeys(("purpose", "decision_note"), _NULLABLE_TEXT),
    "applied_on": _DATE,
    **dict.fromkeys(("approved_on", "disbursed_on", "first_due_on", "closed_on"), _NULLABLE_DATE),
    "rejected_on": _NULLABLE_DATE,
    "restructured": {"type": "boolean"},
}
ENTRY_FIELDS = {
    **dict.fromkeys(("id", "amount_xof", "loan_id"), _INT),
    "kind": {"type": "string", "enum": [k.value for k in EntryKind]},
    "value_on": _DATE,
    **dict.fromkeys(("channel", "reference", "reason"), _NULLABLE_TEXT),
    **dict.fromkeys(("reverses_id", "recorded_by_id"), _NULLABLE_INT),
    "recorded_at": {"type": "string", "format": "date-time"},
}


class LoanListQuery(LoanListArgs):
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(1, MAX_PAGE)])
    per_page = IntegerField(
        _l("Rows per page"), validators=[Optional(), NumberRange(1, MAX_PER_PAGE)]
    )


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


POSITION = {
    "type": ["object", "null"],
    "description": "Null until the loan is disbursed. Whole francs CFA; days_past_due in days.",
    "properties": {f.name: _INT for f in dataclasses.fields(service.LoanStanding)},
}
LOAN = Shape(
    "Loan",
    lambda: _object(
        {
            **LOAN_FIELDS,
            "annual_rate_percent": {"type": "number"},
            "position": POSITION,
        }
    ),
)
ENTRY = Shape("LoanLedgerEntry", lambda: _object(ENTRY_FIELDS))


def _page_shape() -> dict[str, Any]:
    schema = page_schema(LoanRow)
    schema["properties"]["outstanding_xof"] = {
        "type": "integer",
        "description": "Principal outstanding of the whole filtered list.",
    }
    schema["required"].append("outstanding_xof")
    return schema


LOAN_PAGE = Shape("LoanPage", _page_shape)
SCHEDULE = Shape(
    "LoanSchedule",
    lambda: _object(
        {
            "schedule_version": _INT,
            "items": {
                "type": "array",
                "items": _object(
                    {
                        "number": _INT,
                        "due_on": _DATE,
                        "principal_xof": _INT,
                        "interest_xof": _INT,
                        "fee_xof": _INT,
                        "total_xof": _INT,
                        "paid_xof": _INT,
                        "owed_xof": _INT,
                        "last_paid_on": _NULLABLE_DATE,
                        "days_late": _INT,
                    }
                ),
            },
        }
    ),
)


def _loan_or_404(loan_id: int) -> Loan:
    if loan_id > MAX_ID:
        abort(404)
    loan = db.session.get(
        Loan, loan_id, options=[so.joinedload(Loan.enterprise).joinedload(Enterprise.commune)]
    )
    scope = region_scope()
    if loan is None or (scope is not None and loan.enterprise.commune.region_id != scope):
        abort(404)
    return loan


def loan_json(loan: Loan) -> dict[str, Any]:
    """The loan, and where it stands today. Send version_id back with a decision:
    a loan changed meanwhile is refused."""
    standing = service.standing_of(loan)
    body = {name: json_value(getattr(loan, name)) for name in LOAN_FIELDS}
    body["repayment_months"] = sorted(months_of(loan.repayment_months) or ())
    body["annual_rate_percent"] = float(round(loan.annual_rate * 100, 4))
    body["position"] = dataclasses.asdict(standing) if standing else None
    return body


def entry_json(entry) -> dict[str, Any]:
    return {name: json_value(getattr(entry, name)) for name in ENTRY_FIELDS}


def _loan_created(loan: Loan):
    return created(loan_json(loan), url_for("api.show_loan", loan_id=loan.id))


def _entry_created(entry, loan_id: int):
    return created(entry_json(entry), url_for("api.show_loan", loan_id=loan_id))


def _idempotency_key(form) -> str | None:
    return request.headers.get("Idempotency-Key") or form.idempotency_key.data or None


def _money(form) -> dict[str, Any]:
    return {
        "channel": form.channel.data,
        "reference": form.reference.data,
        "idempotency_key": _idempotency_key(form),
        "recorded_by_id": current_user.id,
    }


def _money_call(loan: Loan, call) -> Any:
    """Run a money service; a repeated idempotency key answers with the first entry."""
    try:
        entry = call()
    except service.DuplicateSubmission as duplicate:
        return jsonify(entry_json(duplicate.entry)), 200
    return _entry_created(entry, loan.id)


@bp.get("/loans")
@api_requires(Permission.VIEW_LEDGER)
@documented(
    _l("List loans, with the principal outstanding of the whole list"),
    LOAN_PAGE,
    query=LoanListQuery,
)
def list_loans():
    args = query_args(LoanListQuery)
    filters = LoanFilter(
        q=(args.q.data or "").strip() or None,
        **{
            name: args[name].data or None
            for name in ("status", "lender_id", "programme_id", "region_id", "sector_id", "sex")
        },
        scope_region_id=region_scope(),
    )
    per_page = args.per_page.data or current_app.config["PAGE_SIZE"]
    listing = loan_page(filters, args.page.data or 1, per_page)
    return {**page_json(listing.page), "outstanding_xof": listing.outstanding_xof}


@bp.get("/loans/<int:loan_id>")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("One loan, with where it stands today"), LOAN)
def show_loan(loan_id: int):
    return loan_json(_loan_or_404(loan_id))


@bp.post("/loans")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Apply for a loan (status applied); disbursed_on is the expected contract date"),
    LOAN,
    status=201,
    body=LoanApplicationForm,
)
def create_loan():
    form = validated(LoanApplicationForm, json_body(), prepare=lambda f: f.load_choices())
    try:
        terms = form.terms()
    except InvalidLoanTerms as error:
        field, message = TERM_ERRORS.get(error.field, ("amount_xof", None))
        message = str(message or _("These terms do not make a loan."))
        raise ApiError(422, _("Some fields are not valid."), {field: [message]}) from None
    loan = service.apply_for_loan(
        enterprise_id=form.enterprise_id.data,
        lender_id=form.lender_id.data,
        product_id=form.product_id.data,
        terms=terms,
        purpose=form.purpose.data,
        budget_line_id=form.budget_line_id.data,
        created_by_id=current_user.id,
        scope_region_id=region_scope(),
        net_monthly_income_xof=form.net_monthly_income_xof.data,
    )
    return _loan_created(loan)


@bp.post("/loans/<int:loan_id>/approval")
@api_requires(Permission.APPROVE_LOANS)
@documented(
    _l("Approve an application (not one's own); commits the budget line"),
    LOAN,
    body=ApprovalForm,
)
def approve_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(ApprovalForm, json_body())
    service.approve_loan(
        loan, by_id=current_user.id, note=form.note.data, expected_version=form.version_id.data
    )
    return loan_json(loan)


@bp.post("/loans/<int:loan_id>/rejection")
@api_requires(Permission.APPROVE_LOANS)
@documented(_l("Reject an application, saying why"), LOAN, body=RejectionForm)
def reject_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(RejectionForm, json_body())
    service.reject_loan(
        loan, by_id=current_user.id, note=form.note.data, expected_version=form.version_id.data
    )
    return loan_json(loan)


@bp.post("/loans/<int:loan_id>/disbursements")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Disburse an approved loan: the schedule is stored and in force"),
    ENTRY,
    status=201,
    body=DisbursementForm,
)
def disburse_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(DisbursementForm, json_body())
    return _money_call(
        loan,
        lambda: service.disburse_loan(
            loan,
            disbursed_on=form.disbursed_on.data,
            first_due_on=form.first_due_on.data,
            **_money(form),
        ),
    )


@bp.post("/loans/<int:loan_id>/repayments")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Record a repayment (honours an Idempotency-Key header)"),
    ENTRY,
    status=201,
    body=RepaymentForm,
)
def repay_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(RepaymentForm, json_body())
    return _money_call(
        loan,
        lambda: service.record_repayment(
            loan, paid_on=form.paid_on.data, amount_xof=form.amount_xof.data, **_money(form)
        ),
    )


@bp.post("/loans/<int:loan_id>/reversals")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Reverse one of the loan's entries, with a reason"), ENTRY, status=201, body=ReversalForm
)
def reverse_loan_entry(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(ReversalForm, json_body())
    reversal = service.reverse_loan_entry(
        loan, entry_id=form.entry_id.data, reason=form.reason.data, recorded_by_id=current_user.id
    )
    return _entry_created(reversal, loan.id)


@bp.get("/loans/<int:loan_id>/schedule")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("The schedule in force, with what was paid on each instalment"), SCHEDULE)
def loan_schedule(loan_id: int):
    loan = _loan_or_404(loan_id)
    today = date.today()
    return {
        "schedule_version": loan.schedule_version,
        "items": [
            {
                "number": line.number,
                "due_on": line.due_on.isoformat(),
                "principal_xof": line.principal_xof,
                "interest_xof": line.interest_xof,
                "fee_xof": line.fee_xof,
                "total_xof": line.total_xof,
                "paid_xof": line.paid_xof,
                "owed_xof": line.owed_xof,
                "last_paid_on": json_value(line.last_paid_on),
                "days_late": line.days_late(today),
            }
            for line in (schedule_lines(loan) if loan.schedule_version else [])
        ],
    }


@bp.post("/loans/<int:loan_id>/write-off")
@api_requires(Permission.APPROVE_LOANS)
@documented(
    _l("Write off the principal outstanding; the history is kept"),
    ENTRY,
    status=201,
    body=WriteOffForm,
)
def write_off_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(WriteOffForm, json_body())
    entry = service.write_off(
        loan, reason=form.reason.data, by_id=current_user.id, expected_version=form.version_id.data
    )
    return _entry_created(entry, loan.id)


_DATETIME = {"type": "string", "format": "date-time"}
_NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
RESCHEDULE_FIELDS = {
    **dict.fromkeys(("id", "loan_id", "requested_by_id", "instalments"), _INT),
    **dict.fromkeys(("grace_principal_periods", "rounding_multiple"), _INT),
    **dict.fromkeys(("decided_by_id", "schedule_version"), _NULLABLE_INT),
    "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
    "requested_at": _DATETIME,
    "decided_at": _NULLABLE_DATETIME,
    **dict.fromkeys(("method", "frequency", "grace_interest", "reason"), _TEXT),
    "decision_note": _NULLABLE_TEXT,
    "first_due_on": _NULLABLE_DATE,
}
RESCHEDULE = Shape(
    "LoanRescheduleRequest",
    lambda: _object({**RESCHEDULE_FIELDS, "annual_rate_percent": {"type": "number"}}),
)


def reschedule_json(request: LoanReschedule) -> dict[str, Any]:
    body = {name: json_value(getattr(request, name)) for name in RESCHEDULE_FIELDS}
    body["annual_rate_percent"] = float(round(request.annual_rate * 100, 4))
    return body


def _reschedule_or_404(request_id: int) -> LoanReschedule:
    found = db.session.get(LoanReschedule, request_id) if request_id <= MAX_ID else None
    if found is None:
        abort(404)
    _loan_or_404(found.loan_id)  # outside the user's region: not found
    return found


@bp.post("/loans/<int:loan_id>/reschedule-requests")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Ask for new terms on an active loan; a manager other than the asker decides"),
    RESCHEDULE,
    status=201,
    body=RescheduleRequestForm,
)
def request_reschedule(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = validated(RescheduleRequestForm, json_body())
    made = reschedules.request_reschedule(
        loan, terms=form.new_terms(), reason=form.reason.data, by_id=current_user.id
    )
    return created(
        reschedule_json(made), url_for("api.show_reschedule_request", request_id=made.id)
    )


@bp.get("/loan-reschedules/<int:request_id>")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("One reschedule request and the decision on it"), RESCHEDULE)
def show_reschedule_request(request_id: int):
    return reschedule_json(_reschedule_or_404(request_id))


@bp.post("/loan-reschedules/<int:request_id>/approve")
@api_requires(Permission.APPROVE_LOANS)
@documented(
    _l("Approve a reschedule request (not one's own): the new schedule is in force"),
    RESCHEDULE,
    body=RescheduleApprovalForm,
)
def approve_reschedule(request_id: int):
    found = _reschedule_or_404(request_id)
    form = validated(RescheduleApprovalForm, json_body())
    return reschedule_json(
        reschedules.approve_reschedule(found.id, by_id=current_user.id, note=form.note.data)
    )


@bp.post("/loan-reschedules/<int:request_id>/reject")
@api_requires(Permission.APPROVE_LOANS)
@documented(_l("Reject a reschedule request, saying why"), RESCHEDULE, body=RescheduleRejectionForm)
def reject_reschedule(request_id: int):
    found = _reschedule_or_404(request_id)
    form = validated(RescheduleRejectionForm, json_body())
    return reschedule_json(
        reschedules.reject_reschedule(found.id, by_id=current_user.id, note=form.note.data)
    )
