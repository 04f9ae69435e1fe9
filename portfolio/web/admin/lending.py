"""Admin pages: lenders and loan products (simulator presets), usury ceilings."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from portfolio.domain.permissions import Permission
from portfolio.models import Lender, LoanProduct, UsuryCeiling, db
from portfolio.services.lending import save_lender, save_loan_product, save_usury_ceiling
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import requires
from portfolio.web.admin import bp
from portfolio.web.admin.lending_forms import LenderForm, LoanProductForm, UsuryCeilingForm
from portfolio.web.forms import show_service_error


@bp.get("/preteurs")
@requires(Permission.MANAGE_LENDERS)
def lenders():
    rows = db.session.scalars(
        sa.select(Lender).options(so.selectinload(Lender.products)).order_by(Lender.name)
    ).all()
    return render_template("admin/lenders.html", lenders=rows)


@bp.route("/preteurs/nouveau", methods=["GET", "POST"], defaults={"lender_id": None})
@bp.route("/preteurs/<int:lender_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_LENDERS)
def edit_lender(lender_id: int | None):
    lender = (db.session.get(Lender, lender_id) or abort(404)) if lender_id else None
    form = LenderForm(obj=lender)
    if form.validate_on_submit():
        try:
            save_lender(form.data, lender)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.lenders"))
    return render_template(
        "admin/form.html",
        form=form,
        title=lender.name if lender else _("New lender"),
        back=url_for("admin.lenders"),
    )


@bp.route("/produits/nouveau", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/produits/<int:product_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_LENDERS)
def edit_product(product_id: int | None):
    product = (db.session.get(LoanProduct, product_id) or abort(404)) if product_id else None
    form = LoanProductForm(obj=product)
    form.lender_id.choices = [
        SelectChoice(row.id, row.name)
        for row in db.session.execute(sa.select(Lender.id, Lender.name).order_by(Lender.name))
    ]
    if request.method == "GET":
        if product is not None:
            form.fill_from(product)
        elif request.args.get("lender_id", "").isdigit():
            form.lender_id.data = int(request.args["lender_id"])
    if form.validate_on_submit():
        try:
            save_loan_product(form.values(), product)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.lenders"))
    return render_template(
        "admin/form.html",
        form=form,
        title=str(product) if product else _("New loan product"),
        back=url_for("admin.lenders"),
    )


@bp.get("/taux-usure")
@requires(Permission.MANAGE_REFERENCE_DATA)
def usury_ceilings():
    rows = db.session.scalars(
        sa.select(UsuryCeiling).order_by(
            UsuryCeiling.lender_type, UsuryCeiling.valid_from.desc().nulls_last()
        )
    ).all()
    return render_template("admin/usury.html", ceilings=rows)


@bp.route("/taux-usure/nouveau", methods=["GET", "POST"], defaults={"ceiling_id": None})
@bp.route("/taux-usure/<int:ceiling_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_usury_ceiling(ceiling_id: int | None):
    ceiling = (db.session.get(UsuryCeiling, ceiling_id) or abort(404)) if ceiling_id else None
    form = UsuryCeilingForm(obj=ceiling)
    if request.method == "GET" and ceiling is not None:
        form.rate_percent.data = (ceiling.rate * 100).normalize()
    if form.validate_on_submit():
        try:
            save_usury_ceiling(form.values(), ceiling)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.usury_ceilings"))
    return render_template(
        "admin/form.html", form=form, title=_("Usury ceiling"), back=url_for("admin.usury_ceilings")
    )
