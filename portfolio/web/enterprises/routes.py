from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import EnterpriseStatus, Sex
from portfolio.models import Enterprise, db
from portfolio.reporting.enterprises import enterprise_page
from portfolio.reporting.grants import grants_of_enterprise
from portfolio.reporting.kits import kits_of_enterprise
from portfolio.services.enterprises import (
    add_member,
    create_enterprise,
    remove_member,
    update_enterprise,
)
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires, user_can
from portfolio.web.enterprises import bp
from portfolio.web.enterprises.forms import (
    EnterpriseForm,
    MemberForm,
    NewEnterpriseForm,
    RemoveMemberForm,
)
from portfolio.web.fields import programme_choices, region_choices, sector_choices
from portfolio.web.forms import show_service_error
from portfolio.web.labels import choices
from portfolio.web.listing import list_filter, page_args

FILTER_VALUES = {
    "sex": [s.value for s in Sex],
    "status": [s.value for s in EnterpriseStatus],
    "risk": [r.value for r in RiskLevel],
}


def _load(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    scope = region_scope()
    if enterprise is None or (scope is not None and enterprise.commune.region_id != scope):
        abort(404)
    return enterprise


@bp.get("/")
@requires(Permission.VIEW_ENTERPRISES)
def index():
    filters = list_filter(**FILTER_VALUES)
    page, per_page = page_args()
    return render_template(
        "enterprises/index.html",
        page=enterprise_page(filters, page, per_page),
        filters=filters,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        sectors=sector_choices(),
        sexes=choices(Sex),
        statuses=choices(EnterpriseStatus),
        risks=choices(RiskLevel),
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@requires(Permission.EDIT_ENTERPRISES)
def new():
    form = NewEnterpriseForm().load_choices(region_scope())
    if request.method == "GET":
        form.owner_id.data = request.args.get("owner_id", type=int)
    if form.validate_on_submit():
        values = {k: v for k, v in form.data.items() if k != "owner_id"}
        try:
            enterprise = create_enterprise(values, form.owner_id.data, region_scope())
        except ServiceError as error:
            if error.field == "beneficiary_id":  # the form calls the owner "owner_id"
                error.field = "owner_id"
            show_service_error(form, error)
        else:
            flash(_("Enterprise %(name)s created.", name=enterprise.name), "success")
            return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=None)


@bp.get("/<int:enterprise_id>")
@requires(Permission.VIEW_ENTERPRISES)
def show(enterprise_id: int):
    enterprise = _load(enterprise_id)
    sees_money = user_can(Permission.VIEW_LEDGER)
    return render_template(
        "enterprises/show.html",
        enterprise=enterprise,
        member_form=MemberForm(),
        remove_form=RemoveMemberForm(),
        # The support it received, when the user may see the money side.
        kits=kits_of_enterprise(enterprise.id) if sees_money else None,
        enterprise_grants=grants_of_enterprise(enterprise.id) if sees_money else None,
        enterprise_id=enterprise.id,
    )


@bp.route("/<int:enterprise_id>/modifier", methods=["GET", "POST"])
@requires(Permission.EDIT_ENTERPRISES)
def edit(enterprise_id: int):
    enterprise = _load(enterprise_id)
    form = EnterpriseForm(obj=enterprise).load_choices(region_scope())
    if form.validate_on_submit():
        try:
            update_enterprise(enterprise, form.data, region_scope())
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=enterprise)


@bp.post("/<int:enterprise_id>/membres")
@requires(Permission.EDIT_ENTERPRISES)
def add_member_view(enterprise_id: int):
    enterprise = _load(enterprise_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            add_member(enterprise, form.beneficiary_id.data, form.role.data, region_scope())
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Member added."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))


@bp.post("/<int:enterprise_id>/membres/<int:member_id>/retirer")
@requires(Permission.EDIT_ENTERPRISES)
def remove_member_view(enterprise_id: int, member_id: int):
    enterprise = _load(enterprise_id)
    if RemoveMemberForm().validate_on_submit():
        try:
            remove_member(enterprise, member_id)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Member removed."), "success")
    return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))
