from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portfolio.extensions import limiter
from portfolio.services.users import authenticate
from portfolio.web.access import public
from portfolio.web.auth import bp
from portfolio.web.auth.forms import LanguageForm, LoginForm, LogoutForm


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never send someone to another host after login.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.index")


def _failed_login(response) -> bool:
    # Only failed attempts count: a successful login redirects.
    return response.status_code != 302


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/connexion", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed_login,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed_login,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong email address or password."))
        else:
            # A fresh session at login (no fixation), keeping only the chosen language.
            locale = session.get("locale")
            session.clear()
            if locale:
                session["locale"] = locale
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
@public
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/langue")
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
    return redirect(_safe_next(request.form.get("next")))
