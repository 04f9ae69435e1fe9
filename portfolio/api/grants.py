"""Grants and budget lines: the HTML pages' forms, services, read queries and permissions.

A grant is awarded with its tranches as a JSON list of objects; each is
validated with the award page's tranche row, and problems are named
`tranches.<index>.<field>` in the 422 body.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import Optional

from portfolio.api import bp
from portfolio.api.common import (
    ApiError,
    api_requires,
    created,
    get_or_404,
    json_body,
    page_json,
)
from portfolio.api.formdata import query_args, to_formdata, validated
from portfolio.api.listing import ID, ListArgs, list_filter, page_args
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import FORM_META, blank_form, json_value, page_schema, row_schema
from portfolio.domain.ledger_vocabulary import EntryKind, Instrument
from portfolio.domain.permissions import Permission
from portfolio.models import Grant, JournalEntry
from portfolio.reporting.budgets import BudgetLineRow, budget_lines
from portfolio.reporting.grants import (
    EntryRow,
    GrantRow,
    GrantStatus,
    TrancheRow,
    grant_entry,
    grant_history,
    grant_page,
    grant_row,
    grant_tranches,
)
from portfolio.services.grants import (
    MAX_TRANCHES,
    DuplicateAward,
    award_grant,
    cancel_tranche,
    grant_of_entry,
    pay_tranche,
    reverse_grant_payment,
)
from portfolio.services.journal import DuplicateSubmission
from portfolio.web.access import region_scope
from portfolio.web.forms import BaseForm
from portfolio.web.grants.forms import (
    STATUS_LABELS,
    CancelTrancheForm,
    GrantForm,
    PaymentForm,
    ReversalForm,
    TrancheForm,
)
from portfolio.web.labels import choices


def _detail_schema() -> dict[str, Any]:
    schema = row_schema(GrantRow)
    extra = {
        "conditions": {"type": ["string", "null"]},
        "tranches": {"type": "array", "items": row_schema(TrancheRow)},
        "entries": {"type": "array", "items": row_schema(EntryRow)},
    }
    schema["properties"].update(extra)
    schema["required"] = [*schema["required"], *extra]
    return schema


def _line_list_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": row_schema(BudgetLineRow)}},
        "required": ["items"],
        "additionalProperties": False,
    }


GRANT = Shape("Grant", _detail_schema)
GRANT_PAGE = Shape("GrantPage", lambda: page_schema(GrantRow))
GRANT_ENTRY = Shape("GrantEntry", lambda: row_schema(EntryRow))
BUDGET_LINES = Shape("BudgetLineList", _line_list_schema)


class GrantListArgs(ListArgs):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in GrantStatus],
        validators=[Optional()],
    )


class BudgetLineArgs(BaseForm):
    programme_id = IntegerField(_l("Programme"), validators=[Optional(), ID])
    instrument = SelectField(
        _l("Kind of support"), choices=choices(Instrument), validators=[Optional()]
    )


def _as_json(row: Any) -> dict[str, Any]:
    return {key: json_value(value) for key, value in asdict(row).items()}


def grant_json(grant: Grant) -> dict[str, Any]:
    return {
        **_as_json(grant_row(grant.id)),
        "conditions": grant.conditions,
        "tranches": [_as_json(t) for t in grant_tranches(grant.id)],
        "entries": [_as_json(e) for e in grant_history(grant.id)],
    }


def _grant_in_scope(grant_id: int) -> Grant:
    grant = get_or_404(Grant, grant_id)
    scope = region_scope()
    if scope is not None and grant.enterprise.commune.region_id != scope:
        abort(404)
    return grant


def _tranche_or_404(grant: Grant, number: int) -> None:
    # Compared in Python: a huge number in the URL never reaches the database.
    if number not in {t.number for t in grant_tranches(grant.id)}:
        abort(404)


def _award_form(body: dict[str, Any]) -> GrantForm:
    """The award page's form, filled from the body with its tranches as form rows."""
    body = dict(body)
    tranches = body.pop("tranches", None)
    formdata = to_formdata(blank_form(GrantForm), body)
    problems: dict[str, list[str]] = {}
    if not isinstance(tranches, list) or not tranches:
        problems["tranches"] = [_("Send a list of tranches: {planned_on, planned_xof, milestone}.")]
    elif len(tranches) > MAX_TRANCHES:
        problems["tranches"] = [_("A grant has at most %(n)d tranches.", n=MAX_TRANCHES)]
    else:
        row_probe = blank_form(TrancheForm)
        for index, item in enumerate(tranches):
            if not isinstance(item, dict):
                problems[f"tranches.{index}"] = [_("Send an object for each tranche.")]
                continue
            try:
                row = to_formdata(row_probe, item)
            except ApiError as error:
                for name, messages in (error.fields or {}).items():
                    problems[f"tranches.{index}.{name}"] = messages
                continue
            for name, value in row.items():
                formdata[f"tranches-{index}-{name}"] = value
    if problems:
        raise ApiError(422, _("Some fields are not valid."), problems)
    form = GrantForm(formdata=formdata, meta=FORM_META).load_choices()
    if not form.validate():
        raise ApiError(422, _("Some fields are not valid."), _award_errors(form))
    return form


def _award_errors(form: GrantForm) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, field in form._fields.items():
        if name != "tranches":
            if field.errors:
                fields[name] = [str(m) for m in field.errors]
            continue
        # A FieldList's errors hold one dict per row, and the form's own messages.
        own = [str(m) for m in field.errors if not isinstance(m, dict)]
        if own:
            fields["tranches"] = own
        for index, entry in enumerate(field.entries):
            for sub_name, sub in entry.form._fields.items():
                if sub.errors:
                    fields[f"tranches.{index}.{sub_name}"] = [str(m) for m in sub.errors]
    return fields


@bp.get("/grants")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("List grants with what is paid and left to pay"), GRANT_PAGE, query=GrantListArgs)
def list_grants():
    args = query_args(GrantListArgs)
    return page_json(grant_page(list_filter(args), *page_args(args)))


@bp.get("/grants/<int:grant_id>")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("One grant, with its tranches, payments and reversals"), GRANT)
def show_grant(grant_id: int):
    return grant_json(_grant_in_scope(grant_id))


@bp.post("/grants")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l(
        "Award a grant to an enterprise; its tranches must add up to its amount. Sending "
        "the same idempotency_key (or Idempotency-Key header) again records nothing and "
        "answers 200 with the grant"
    ),
    GRANT,
    status=201,
    body=GrantForm,
)
def award_grant_view():
    form = _award_form(json_body())
    try:
        grant = award_grant(
            form.values(),
            form.planned(),
            by_user_id=current_user.id,
            scope_region_id=region_scope(),
            idempotency_key=request.headers.get("Idempotency-Key")
            or form.idempotency_key.data
            or None,
        )
    except DuplicateAward as duplicate:  # a retried request: answer with the grant made
        return grant_json(duplicate.grant)
    return created(grant_json(grant), url_for("api.show_grant", grant_id=grant.id))


@bp.post("/grants/<int:grant_id>/tranches/<int:number>/payments")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l(
        "Pay (part of) a tranche. Sending the same idempotency_key again records nothing "
        "and answers 200 with the payment already recorded"
    ),
    GRANT_ENTRY,
    status=201,
    body=PaymentForm,
)
def pay_tranche_view(grant_id: int, number: int):
    grant = _grant_in_scope(grant_id)
    _tranche_or_404(grant, number)
    form = validated(PaymentForm, json_body())
    try:
        entry = pay_tranche(
            grant,
            number,
            form.data,
            by_user_id=current_user.id,
            idempotency_key=form.idempotency_key.data or None,
        )
    except DuplicateSubmission as duplicate:
        return jsonify(_as_json(grant_entry(duplicate.entry.id)))
    return created(_as_json(grant_entry(entry.id)), url_for("api.show_grant", grant_id=grant_id))


@bp.post("/grants/<int:grant_id>/tranches/<int:number>/cancellation")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Cancel what is left to pay of a tranche, with a reason"), GRANT, body=CancelTrancheForm
)
def cancel_tranche_view(grant_id: int, number: int):
    grant = _grant_in_scope(grant_id)
    _tranche_or_404(grant, number)
    form = validated(CancelTrancheForm, json_body())
    cancel_tranche(
        grant,
        number,
        cancelled_on=form.cancelled_on.data,
        reason=form.reason.data,
        by_user_id=current_user.id,
    )
    return grant_json(grant)


@bp.post("/grants/payments/<int:entry_id>/reversal")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Reverse a grant payment, with a reason; the tranche is to pay again"),
    GRANT_ENTRY,
    status=201,
    body=ReversalForm,
)
def reverse_grant_payment_view(entry_id: int):
    entry = get_or_404(JournalEntry, entry_id)
    grant = grant_of_entry(entry.id)
    if grant is None or entry.kind != EntryKind.GRANT_PAYMENT:
        abort(404)
    grant = _grant_in_scope(grant.id)
    form = validated(ReversalForm, json_body())
    reversal = reverse_grant_payment(entry.id, reason=form.reason.data, by_user_id=current_user.id)
    return created(_as_json(grant_entry(reversal.id)), url_for("api.show_grant", grant_id=grant.id))


@bp.get("/budget-lines")
@api_requires(Permission.VIEW_LEDGER)
@documented(
    _l("Budget lines with what is committed, disbursed and remaining"),
    BUDGET_LINES,
    query=BudgetLineArgs,
)
def list_budget_lines():
    args = query_args(BudgetLineArgs)
    rows = budget_lines(args.programme_id.data)
    if args.instrument.data:
        rows = [row for row in rows if row.instrument == args.instrument.data]
    return {"items": [_as_json(row) for row in rows]}
