"""Grant pages: list, award, one grant with its tranches and history, pay, cancel, reverse."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.permissions import Permission
from portfolio.models import Enterprise, Grant, JournalEntry, db
from portfolio.reporting.grants import (
    GrantStatus,
    grant_entry,
    grant_history,
    grant_page,
    grant_row,
    grant_tranches,
)
from portfolio.services.grants import (
    DuplicateAward,
    award_grant,
    cancel_tranche,
    grant_of_entry,
    pay_tranche,
    reverse_grant_payment,
)
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires
from portfolio.web.fields import programme_choices, region_choices
from portfolio.web.forms import show_service_error
from portfolio.web.grants import bp
from portfolio.web.grants.forms import (
    MAX_ID,
    STATUS_LABELS,
    CancelTrancheForm,
    GrantForm,
    PaymentForm,
    ReversalForm,
)
from portfolio.web.listing import list_filter, page_args


def in_scope(region_id: int) -> bool:
    scope = region_scope()
    return scope is None or region_id == scope


def load_grant(grant_id: int) -> Grant:
    """The grant, or 404 if it does not exist or its enterprise lies outside the region."""
    grant = db.session.get(Grant, grant_id) if grant_id <= MAX_ID else None
    if grant is None or not in_scope(grant.enterprise.commune.region_id):
        abort(404)
    return grant


def _tranche(grant: Grant, number: int):
    for tranche in grant_tranches(grant.id):
        if tranche.number == number:
            return tranche
    abort(404)


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(status.value, STATUS_LABELS[status]) for status in GrantStatus]


@bp.get("/")
@requires(Permission.VIEW_LEDGER)
def index():
    filters = list_filter(status=[s.value for s in GrantStatus])
    page, per_page = page_args()
    return render_template(
        "grants/index.html",
        page=grant_page(filters, page, per_page),
        filters=filters,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        statuses=status_choices(),
        status_labels=STATUS_LABELS,
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def new():
    form = GrantForm()
    if request.method == "GET":
        form.enterprise_id.data = request.args.get("enterprise_id", type=int)
    enterprise = _enterprise_in_scope(form.enterprise_id.data)
    form.load_choices(enterprise.programme_id if enterprise else None)
    if form.validate_on_submit():
        try:
            grant = award_grant(
                form.values(),
                form.planned(),
                by_user_id=current_user.id,
                scope_region_id=region_scope(),
                idempotency_key=form.idempotency_key.data or None,
            )
        except DuplicateAward as duplicate:
            flash(_("This grant had already been awarded; it was not recorded twice."), "warning")
            return redirect(url_for("grants.show", grant_id=duplicate.grant.id))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Grant awarded."), "success")
            return redirect(url_for("grants.show", grant_id=grant.id))
    return render_template("grants/form.html", form=form.with_fresh_key(), enterprise=enterprise)


def _enterprise_in_scope(enterprise_id) -> Enterprise | None:
    """The enterprise typed or linked to, to name it and offer its programme's lines."""
    if not isinstance(enterprise_id, int) or not 0 < enterprise_id <= MAX_ID:
        return None
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not in_scope(enterprise.commune.region_id):
        return None
    return enterprise


@bp.get("/<int:grant_id>")
@requires(Permission.VIEW_LEDGER)
def show(grant_id: int):
    grant = load_grant(grant_id)
    return render_template(
        "grants/show.html",
        grant=grant_row(grant.id),
        conditions=grant.conditions,
        tranches=grant_tranches(grant.id),
        history=grant_history(grant.id),
        status_labels=STATUS_LABELS,
    )


@bp.route("/<int:grant_id>/tranches/<int:number>/paiement", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def pay(grant_id: int, number: int):
    grant = load_grant(grant_id)
    tranche = _tranche(grant, number)
    form = PaymentForm()
    if request.method == "GET":
        form.amount_xof.data = tranche.left_xof or None
    if form.validate_on_submit():
        try:
            pay_tranche(
                grant,
                number,
                form.data,
                by_user_id=current_user.id,
                idempotency_key=form.idempotency_key.data or None,
            )
        except DuplicateSubmission:
            flash(
                _("This payment had already been recorded; it was not recorded twice."), "warning"
            )
            return redirect(url_for("grants.show", grant_id=grant.id))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Payment recorded."), "success")
            return redirect(url_for("grants.show", grant_id=grant.id))
    return render_template(
        "grants/pay.html", form=form.with_fresh_key(), grant=grant_row(grant.id), tranche=tranche
    )


@bp.route("/<int:grant_id>/tranches/<int:number>/annulation", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def cancel(grant_id: int, number: int):
    grant = load_grant(grant_id)
    tranche = _tranche(grant, number)
    form = CancelTrancheForm()
    if form.validate_on_submit():
        try:
            cancel_tranche(
                grant,
                number,
                cancelled_on=form.cancelled_on.data,
                reason=form.reason.data,
                by_user_id=current_user.id,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("What was left to pay on the tranche is cancelled."), "success")
            return redirect(url_for("grants.show", grant_id=grant.id))
    return render_template(
        "grants/cancel.html", form=form, grant=grant_row(grant.id), tranche=tranche
    )


@bp.route("/paiements/<int:entry_id>/contre-passation", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def reverse(entry_id: int):
    entry = db.session.get(JournalEntry, entry_id) if entry_id <= MAX_ID else None
    grant = grant_of_entry(entry_id) if entry is not None else None
    if grant is None or entry.kind != EntryKind.GRANT_PAYMENT:
        abort(404)
    grant = load_grant(grant.id)
    form = ReversalForm()
    if form.validate_on_submit():
        try:
            reverse_grant_payment(entry_id, reason=form.reason.data, by_user_id=current_user.id)
        except ServiceError as error:
            if grant_entry(entry_id).reversed_by_id:  # sent twice: the first one stands
                flash(_("This payment has already been reversed."), "warning")
                return redirect(url_for("grants.show", grant_id=grant.id))
            show_service_error(form, error)
        else:
            flash(_("Payment reversed."), "success")
            return redirect(url_for("grants.show", grant_id=grant.id))
    return render_template(
        "grants/reverse.html", form=form, grant=grant_row(grant.id), entry=grant_entry(entry_id)
    )


from portfolio.web.grants import allowances  # noqa: E402,F401  (registers its routes)
