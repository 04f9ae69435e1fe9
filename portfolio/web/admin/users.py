from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.models import Region, User, db
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.users import create_user, update_user
from portfolio.web.access import requires
from portfolio.web.admin import bp
from portfolio.web.admin.forms import UserForm
from portfolio.web.forms import show_service_error


@bp.get("/utilisateurs")
@requires(Permission.MANAGE_USERS)
def users():
    rows = db.session.execute(
        sa.select(
            User.id, User.name, User.email, User.role, User.active, Region.name.label("region")
        )
        .outerjoin(Region, User.region_id == Region.id)
        .order_by(User.name)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user():
    form = UserForm().load_choices()
    if form.validate_on_submit():
        try:
            create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data or "",
                region_id=form.region_id.data,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Account created."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/form.html", form=form, title=_("New account"), back=url_for("admin.users")
    )


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user).load_choices()
    if form.validate_on_submit():
        try:
            update_user(
                user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                region_id=form.region_id.data,
                active=form.active.data,
                password=form.password.data or None,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/form.html", form=form, title=user.name, back=url_for("admin.users")
    )
