from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from portfolio.domain.permissions import Permission
from portfolio.models import ApiToken, Region, User, db
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.users import (
    create_user,
    issue_api_token,
    revoke_api_token,
    set_active,
    update_user,
)
from portfolio.web.access import requires
from portfolio.web.admin import bp
from portfolio.web.admin.forms import UserForm
from portfolio.web.forms import BaseForm, show_service_error


class ConfirmForm(BaseForm):
    """The one button of a confirmation page (it carries the CSRF token)."""


class RevokeTokenForm(ConfirmForm):
    token_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


@bp.get("/utilisateurs")
@requires(Permission.MANAGE_USERS)
def users():
    live_tokens = (
        sa.select(sa.func.count(ApiToken.id))
        .where(ApiToken.user_id == User.id, ApiToken.revoked_at.is_(None))
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            User.id,
            User.name,
            User.email,
            User.role,
            User.active,
            Region.name.label("region"),
            live_tokens.label("tokens"),
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


def _tokens(user_id: int):
    return db.session.execute(
        sa.select(ApiToken.id, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at)
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
    ).all()


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
                by=current_user,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/users_edit.html",
        form=form,
        user=user,
        tokens=_tokens(user.id),
        is_me=user.id == current_user.id,
        confirm=ConfirmForm(),
    )


def _confirm_page(user: User, form: ConfirmForm, title: str, explanation: str, button: str):
    return render_template(
        "admin/users_confirm.html",
        form=form,
        user=user,
        title=title,
        explanation=explanation,
        button=button,
    )


@bp.route("/utilisateurs/<int:user_id>/desactiver", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def deactivate_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            set_active(user, False, by=current_user)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                _("%(name)s can no longer log in; their API tokens are revoked.", name=user.name),
                "success",
            )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _confirm_page(
        user,
        form,
        _("Deactivate %(name)s?", name=user.name),
        _(
            "The account can no longer log in, any open session ends at its next page and "
            "every API token of the account is revoked at once. Nothing the person recorded "
            "is deleted. The account can be reactivated later, but revoked tokens stay revoked."
        ),
        _("Deactivate the account"),
    )


@bp.route("/utilisateurs/<int:user_id>/reactiver", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def reactivate_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        set_active(user, True, by=current_user)
        flash(_("%(name)s can log in again.", name=user.name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _confirm_page(
        user,
        form,
        _("Reactivate %(name)s?", name=user.name),
        _(
            "The account can log in again with its current password. Its old API tokens "
            "stay revoked: issue a new one if the person needs the API."
        ),
        _("Reactivate the account"),
    )


@bp.post("/utilisateurs/<int:user_id>/jetons")
@requires(Permission.MANAGE_USERS)
def issue_token(user_id: int):
    """A new API token, shown on this one page only: it is never stored or sent again."""
    user = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.active:
        flash(_("Reactivate the account before giving it an API token."), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    token = issue_api_token(user)
    response = make_response(render_template("admin/users_token.html", user=user, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/utilisateurs/<int:user_id>/jetons/revoquer", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def revoke_token(user_id: int):
    """GET ?jeton=<id> asks for confirmation; the POST names the token in its body."""
    user = db.session.get(User, user_id) or abort(404)
    form = RevokeTokenForm()
    if request.method == "GET":
        form.token_id.data = request.args.get("jeton", type=int)
    token = db.session.get(ApiToken, form.token_id.data) if form.token_id.data else None
    if token is None or token.user_id != user.id:
        abort(404)
    if form.validate_on_submit():
        try:
            revoke_api_token(user, token.id)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("The API token is revoked."), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _confirm_page(
        user,
        form,
        _("Revoke this API token of %(name)s?", name=user.name),
        _(
            "Programs using this token are refused from their next call. "
            "A revoked token cannot be used again."
        ),
        _("Revoke the token"),
    )
