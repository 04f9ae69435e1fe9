"""Error pages (HTML) and error bodies (JSON under /api/)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portfolio.models import db


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Authentication required: send a valid API token."),
        403: _("You do not have permission to open this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _(
            "The file or request is too large: at most %(size)d MB.",
            size=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
        ),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been recorded."),
    }


def wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code, _("The request could not be handled."))
    if wants_json():
        return jsonify(error={"code": code, "message": message}), code
    return render_template("errors/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("The form has expired. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
