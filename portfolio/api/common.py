"""What every API view shares: access, JSON bodies, JSON errors, loading in scope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from flask import Response, abort, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm.interfaces import ORMOption

from portfolio.api import bp
from portfolio.api.schema import json_value
from portfolio.domain.permissions import Permission
from portfolio.models import db
from portfolio.reporting.pagination import Page
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires
from portfolio.web.errors import render_error

#: Primary keys are 32-bit integers on PostgreSQL; a larger id cannot exist,
#: and SQLite refuses to even compare with one above 2**63.
MAX_ID = 2**31 - 1


class ApiError(Exception):
    """A client mistake, answered as `{"error": {"code", "message", "fields"}}`."""

    def __init__(self, code: int, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields


def error_response(code: int, message: str, fields: dict[str, list[str]] | None = None):
    body: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return jsonify(error=body), code


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_response(error.code, error.message, error.fields)


@bp.errorhandler(ServiceError)
def service_error(error: ServiceError):
    # The service has rolled back; its message is already translated.
    fields = {error.field: [error.message]} if error.field else {}
    return error_response(422, error.message, fields)


@bp.errorhandler(401)
def unauthorized(error):
    response, code = render_error(401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, code


def api_requires(permission: Permission) -> Callable:
    """`requires(permission)`, plus the API permission every API view needs.

    The outer `requires` is the one the route-walking test and the OpenAPI
    document read, so it names the resource permission.
    """

    def decorate(view: Callable) -> Callable:
        return requires(permission)(requires(Permission.USE_API)(view))

    return decorate


def json_body() -> dict[str, Any]:
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # absurdly nested arrays are not a ValueError
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return body


def get_or_404(model, record_id: int, options: Sequence[ORMOption] = ()):
    if record_id > MAX_ID:
        abort(404)
    return db.session.get(model, record_id, options=options) or abort(404)


def get_in_scope_or_404(model, record_id: int, options: Sequence[ORMOption] = ()):
    """A record with a commune, or 404 if it is missing or outside the user's region.

    404 rather than 403, so a monitor cannot learn which ids exist elsewhere.
    """
    record = get_or_404(model, record_id, options)
    scope = region_scope()
    if scope is not None and record.commune.region_id != scope:
        abort(404)
    return record


def created(body: dict[str, Any], location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def page_json(page: Page) -> dict[str, Any]:
    return {
        "items": [
            {f.name: json_value(getattr(row, f.name)) for f in fields(row)} for row in page.items
        ],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }
