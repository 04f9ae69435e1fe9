from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import ReturnKind, Sex
from portfolio.models import Beneficiary, Enterprise, EnterpriseMember, db
from portfolio.reporting.beneficiaries import beneficiary_page
from portfolio.services.beneficiaries import register_beneficiary, update_beneficiary
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires
from portfolio.web.beneficiaries import bp
from portfolio.web.beneficiaries.forms import BeneficiaryForm
from portfolio.web.fields import commune_choices, programme_choices, region_choices
from portfolio.web.forms import show_service_error
from portfolio.web.labels import choices
from portfolio.web.listing import list_filter, page_args

FILTER_VALUES = {"sex": [s.value for s in Sex], "return_kind": [k.value for k in ReturnKind]}


def _load(beneficiary_id: int) -> Beneficiary:
    """The beneficiary, or 404 if it does not exist or lies outside the user's region."""
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    scope = region_scope()
    if beneficiary is None or (scope is not None and beneficiary.commune.region_id != scope):
        abort(404)
    return beneficiary


@bp.get("/")
@requires(Permission.VIEW_BENEFICIARIES)
def index():
    filters = list_filter(**FILTER_VALUES)
    page, per_page = page_args()
    return render_template(
        "beneficiaries/index.html",
        page=beneficiary_page(filters, page, per_page),
        filters=filters,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        communes=commune_choices(region_scope()),
        sexes=choices(Sex),
        return_kinds=choices(ReturnKind),
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@requires(Permission.EDIT_BENEFICIARIES)
def new():
    form = BeneficiaryForm().load_choices(region_scope())
    if form.validate_on_submit():
        try:
            beneficiary = register_beneficiary(form.data, region_scope())
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Beneficiary %(name)s registered.", name=beneficiary.full_name), "success")
            return redirect(url_for("beneficiaries.show", beneficiary_id=beneficiary.id))
    return render_template("beneficiaries/form.html", form=form, beneficiary=None)


@bp.get("/<int:beneficiary_id>")
@requires(Permission.VIEW_BENEFICIARIES)
def show(beneficiary_id: int):
    beneficiary = _load(beneficiary_id)
    enterprises = db.session.execute(
        sa.select(Enterprise.id, Enterprise.name, EnterpriseMember.role)
        .join(EnterpriseMember, EnterpriseMember.enterprise_id == Enterprise.id)
        .where(EnterpriseMember.beneficiary_id == beneficiary.id)
        .order_by(Enterprise.name)
    ).all()
    return render_template(
        "beneficiaries/show.html", beneficiary=beneficiary, enterprises=enterprises
    )


@bp.route("/<int:beneficiary_id>/modifier", methods=["GET", "POST"])
@requires(Permission.EDIT_BENEFICIARIES)
def edit(beneficiary_id: int):
    beneficiary = _load(beneficiary_id)
    form = BeneficiaryForm(obj=beneficiary).load_choices(region_scope())
    if form.validate_on_submit():
        try:
            update_beneficiary(beneficiary, form.data, region_scope())
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("beneficiaries.show", beneficiary_id=beneficiary.id))
    return render_template("beneficiaries/form.html", form=form, beneficiary=beneficiary)
