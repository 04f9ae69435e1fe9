"""Reintegration portfolio tracker: application factory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask

from portfolio.config import from_environment
from portfolio.extensions import babel, csrf, db, limiter, login_manager, migrate
from portfolio.web.main.routes import PLOTLY_VERSION as plotly_version

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)

    from portfolio.web import i18n

    db.init_app(app)
    _init_audit_log()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    _init_login(app)

    from portfolio.api import bp as api_bp
    from portfolio.web import access, errors, security
    from portfolio.web.admin import bp as admin_bp
    from portfolio.web.auth import bp as auth_bp
    from portfolio.web.beneficiaries import bp as beneficiaries_bp
    from portfolio.web.budgets import bp as budgets_bp
    from portfolio.web.dashboard import bp as dashboard_bp
    from portfolio.web.enterprises import bp as enterprises_bp
    from portfolio.web.grants import bp as grants_bp
    from portfolio.web.kits import bp as kits_bp
    from portfolio.web.loans import bp as loans_bp
    from portfolio.web.main import bp as main_bp
    from portfolio.web.monitoring import bp as monitoring_bp
    from portfolio.web.reports import bp as reports_bp
    from portfolio.web.visit_imports import bp as visit_imports_bp
    from portfolio.web.visits import bp as visits_bp

    for blueprint in (
        main_bp,
        auth_bp,
        beneficiaries_bp,
        enterprises_bp,
        budgets_bp,
        grants_bp,
        kits_bp,
        loans_bp,
        visits_bp,
        visit_imports_bp,
        monitoring_bp,
        dashboard_bp,
        reports_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)
    # The API authenticates with bearer tokens only, never the session cookie,
    # so a forged cross-site request has nothing to ride on: no CSRF token needed.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)

    app.before_request(access.refuse_undeclared_views)
    errors.register(app)
    security.register(app)
    i18n.register(app)
    app.add_template_global(access.user_can_named, "can")
    app.add_template_global(date.today, "today")
    app.add_template_global(plotly_version, "plotly_version")

    from portfolio.cli import register as register_cli

    register_cli(app)
    return app


def _init_audit_log() -> None:
    import sqlalchemy.orm as so

    from portfolio.services.audit import register_audit_log

    register_audit_log(so.Session)


def _init_login(app: Flask) -> None:
    from flask import request
    from flask_babel import lazy_gettext as _l

    from portfolio.services.users import user_for_api_token, user_for_session

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        if request.blueprint == "api":
            return None  # the API never trusts the session cookie
        return user_for_session(user_id)

    @login_manager.request_loader
    def load_user_from_token(req):
        if req.blueprint != "api":
            return None
        header = req.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return user_for_api_token(token.strip())
