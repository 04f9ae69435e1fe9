"""The kit catalogue: one kit per trade, its items and their usual cost and supplier."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portfolio.domain.permissions import Permission
from portfolio.models import KitTemplate, db
from portfolio.reporting.kits import kit_templates
from portfolio.services.kits import save_kit_template, seed_kit_catalogue, set_kit_template_active
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import requires
from portfolio.web.forms import show_service_error
from portfolio.web.kits import bp
from portfolio.web.kits.forms import CsrfOnlyForm, KitTemplateForm, add_spare_rows, items_data


def _template_or_404(template_id: int) -> KitTemplate:
    if template_id > 2**31 - 1:
        abort(404)
    return db.session.get(KitTemplate, template_id) or abort(404)


@bp.get("/catalogue")
@requires(Permission.MANAGE_KIT_CATALOGUE)
def catalogue():
    return render_template("kits/catalogue.html", kits=kit_templates(), action_form=CsrfOnlyForm())


@bp.route("/catalogue/nouveau", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/catalogue/<int:template_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_KIT_CATALOGUE)
def edit_template(template_id: int | None):
    template = _template_or_404(template_id) if template_id else None
    form = KitTemplateForm(obj=template).load_choices()
    if request.method == "GET" and template is None:
        form.sector_id.data = request.args.get("sector_id", type=int)
    if form.validate_on_submit():
        values = {"name": form.name.data, "sector_id": form.sector_id.data}
        values["active"] = form.active.data
        try:
            saved = save_kit_template(values, items_data(form.items), template)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Kit %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("kits.catalogue"))
    add_spare_rows(form.items)
    return render_template("kits/template_form.html", form=form, template=template)


def _set_active(template_id: int, active: bool):
    template = _template_or_404(template_id)
    if CsrfOnlyForm().validate_on_submit():
        set_kit_template_active(template, active)
        if active:
            flash(_("Kit %(name)s is offered again.", name=template.name), "success")
        else:
            flash(
                _(
                    "Kit %(name)s is no longer offered; past handovers keep it.",
                    name=template.name,
                ),
                "success",
            )
    return redirect(url_for("kits.catalogue"))


@bp.post("/catalogue/<int:template_id>/desactiver")
@requires(Permission.MANAGE_KIT_CATALOGUE)
def deactivate_template(template_id: int):
    return _set_active(template_id, False)


@bp.post("/catalogue/<int:template_id>/activer")
@requires(Permission.MANAGE_KIT_CATALOGUE)
def activate_template(template_id: int):
    return _set_active(template_id, True)


@bp.post("/catalogue/kits-standard")
@requires(Permission.MANAGE_KIT_CATALOGUE)
def seed_catalogue():
    if CsrfOnlyForm().validate_on_submit():
        added = seed_kit_catalogue()
        flash(
            ngettext("%(num)d standard kit added.", "%(num)d standard kits added.", added)
            if added
            else _("Every trade already has a kit: nothing added."),
            "success",
        )
    return redirect(url_for("kits.catalogue"))
