"""Training allowance pages: list, pay, reverse (under /subventions/allocations-formation)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.ledger_vocabulary import AllowanceKind
from portfolio.domain.permissions import Permission
from portfolio.models import Beneficiary, db
from portfolio.reporting.grants import allowance_page, allowance_row
from portfolio.services.allowances import pay_allowance, reverse_allowance
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires
from portfolio.web.fields import programme_choices, region_choices
from portfolio.web.forms import show_service_error
from portfolio.web.grants import bp
from portfolio.web.grants.forms import MAX_ID, AllowanceForm, ReversalForm
from portfolio.web.labels import choices
from portfolio.web.listing import list_filter, page_args

KINDS = [k.value for k in AllowanceKind]


def _kind_arg() -> str | None:
    value = request.args.get("kind") or None
    return value if value in KINDS else None


@bp.get("/allocations-formation")
@requires(Permission.VIEW_LEDGER)
def allowances():
    filters = list_filter()
    page, per_page = page_args()
    kind = _kind_arg()
    return render_template(
        "grants/allowances.html",
        page=allowance_page(filters, page, per_page, kind),
        filters=filters,
        kind=kind,
        kinds=choices(AllowanceKind),
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
    )


@bp.route("/allocations-formation/nouvelle", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def new_allowance():
    form = AllowanceForm().load_choices()
    if request.method == "GET":
        form.beneficiary_id.data = request.args.get("beneficiary_id", type=int)
    if form.validate_on_submit():
        try:
            pay_allowance(
                form.data,
                by_user_id=current_user.id,
                idempotency_key=form.idempotency_key.data or None,
                scope_region_id=region_scope(),
            )
        except DuplicateSubmission:
            flash(
                _("This payment had already been recorded; it was not recorded twice."), "warning"
            )
            return redirect(url_for("grants.allowances"))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Allowance payment recorded."), "success")
            return redirect(url_for("grants.allowances"))
    person = None
    if isinstance(form.beneficiary_id.data, int) and 0 < form.beneficiary_id.data < 2**31:
        person = db.session.get(Beneficiary, form.beneficiary_id.data)
        scope = region_scope()
        if person is not None and scope is not None and person.commune.region_id != scope:
            person = None
    return render_template("grants/allowance_form.html", form=form.with_fresh_key(), person=person)


@bp.route("/allocations-formation/<int:entry_id>/contre-passation", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def reverse_allowance_view(entry_id: int):
    row = allowance_row(entry_id) if entry_id <= MAX_ID else None
    scope = region_scope()
    if row is None or (scope is not None and _region_of(row.beneficiary_id) != scope):
        abort(404)
    form = ReversalForm()
    if form.validate_on_submit():
        try:
            reverse_allowance(entry_id, reason=form.reason.data, by_user_id=current_user.id)
        except ServiceError as error:
            if allowance_row(entry_id).reversed_by_id:  # sent twice: the first one stands
                flash(_("This payment has already been reversed."), "warning")
                return redirect(url_for("grants.allowances"))
            show_service_error(form, error)
        else:
            flash(_("Allowance payment reversed."), "success")
            return redirect(url_for("grants.allowances"))
    return render_template("grants/allowance_reverse.html", form=form, row=row)


def _region_of(beneficiary_id: int) -> int | None:
    person = db.session.get(Beneficiary, beneficiary_id)
    return person.commune.region_id if person else None
