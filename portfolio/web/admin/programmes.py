from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.models import Programme, db
from portfolio.services.programmes import save_programme
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import requires
from portfolio.web.admin import bp
from portfolio.web.admin.forms import ProgrammeForm
from portfolio.web.forms import show_service_error


@bp.get("/programmes")
@requires(Permission.MANAGE_PROGRAMMES)
def programmes():
    rows = db.session.scalars(sa.select(Programme).order_by(Programme.starts_on.desc())).all()
    return render_template("admin/programmes.html", programmes=rows)


@bp.route("/programmes/nouveau", methods=["GET", "POST"], defaults={"programme_id": None})
@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_PROGRAMMES)
def edit_programme(programme_id: int | None):
    programme = None
    if programme_id is not None:
        programme = db.session.get(Programme, programme_id) or abort(404)
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        try:
            save_programme(form.data, programme)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Programme saved."), "success")
            return redirect(url_for("admin.programmes"))
    title = programme.code if programme else _("New programme")
    return render_template(
        "admin/form.html", form=form, title=title, back=url_for("admin.programmes")
    )
