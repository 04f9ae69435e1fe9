"""The OpenAPI 3.1 document, generated from the API's routes and forms.

Each view carries a `Doc` (summary, form for the body or the query string,
response shape); everything else is read from the URL map: paths, methods,
path parameters and the permission `requires` recorded. The document is
public: it holds no data, and tools fetch it before anyone has a token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, jsonify
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import Rule

from portfolio.api import bp
from portfolio.api.schema import query_parameters, request_schema
from portfolio.web.access import public


@dataclass(frozen=True)
class Shape:
    """A named response schema, built when the document is (labels follow the locale)."""

    name: str
    build: Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Doc:
    summary: Any
    response: Shape
    status: int = 200
    body: type[FlaskForm] | None = None
    #: PATCH: the body's fields are all optional.
    partial: bool = False
    query: type[FlaskForm] | None = None


def documented(summary: Any, response: Shape, **options: Any) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.api_doc = Doc(summary, response, **options)  # type: ignore[attr-defined]
        return view

    return decorate


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Messages per field name (422 only).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
            "additionalProperties": False,
        }
    },
    "required": ["error"],
    "additionalProperties": False,
}

ERROR_RESPONSES = {
    400: ("BadRequest", _l("The body is not a JSON object.")),
    401: ("Unauthorized", _l("No valid API token (missing, unknown or revoked).")),
    403: ("Forbidden", _l("The token's user lacks the permission.")),
    404: ("NotFound", _l("No such record, or it lies outside the user's region.")),
    422: ("Unprocessable", _l("Invalid fields: see error.fields.")),
}

_PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _api_routes(app: Flask) -> Iterator[tuple[Rule, Callable, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith(f"{bp.name}."):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield rule, app.view_functions[rule.endpoint], method


def openapi_path(rule: Rule) -> str:
    return _PARAMETER.sub(r"{\g<name>}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [
        {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0}
            if match["converter"] == "int"
            else {"type": "string"},
        }
        for match in _PARAMETER.finditer(rule.rule)
    ]


def _operation(rule: Rule, view: Callable, doc: Doc, schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": rule.endpoint.removeprefix(f"{bp.name}."),
        "summary": str(doc.summary),
        "tags": [rule.rule.removeprefix(bp.url_prefix or "").strip("/").split("/")[0]],
    }
    parameters = _path_parameters(rule) + (query_parameters(doc.query) if doc.query else [])
    if parameters:
        operation["parameters"] = parameters
    schemas[doc.response.name] = doc.response.build()
    responses: dict[str, Any] = {
        str(doc.status): {
            "description": str(doc.summary),
            "content": {"application/json": {"schema": _ref("schemas", doc.response.name)}},
        }
    }
    errors = set()
    if doc.body is not None:
        name = doc.body.__name__.removesuffix("Form") + ("Patch" if doc.partial else "Input")
        schemas[name] = request_schema(doc.body, partial=doc.partial)
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref("schemas", name)}},
        }
        errors |= {400, 422}
    if doc.query is not None:
        errors.add(422)
    permission = getattr(view, "required_permission", None)
    if permission is None:
        operation["security"] = []  # public
    else:
        operation["x-required-permission"] = permission.value
        errors |= {401, 403}
    if rule.arguments:
        errors.add(404)
    for code in sorted(errors):
        responses[str(code)] = _ref("responses", ERROR_RESPONSES[code][0])
    operation["responses"] = responses
    return operation


def build_document(app: Flask) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for rule, view, method in _api_routes(app):
        doc = getattr(view, "api_doc", None) or Doc(rule.endpoint, UNDOCUMENTED)
        operation = _operation(rule, view, doc, schemas)
        paths.setdefault(openapi_path(rule), {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portfolio API",
            "version": "1.0.0",
            "description": str(
                _l(
                    "Reintegration portfolio: beneficiaries, enterprises and reference data. "
                    "Send a personal token as `Authorization: Bearer <token>`; the user "
                    "needs the API permission and the one named on each operation. Field "
                    "monitors see only their region. Messages are in French by default."
                )
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                name: {
                    "description": str(description),
                    "content": {"application/json": {"schema": _ref("schemas", "Error")}},
                }
                for name, description in ERROR_RESPONSES.values()
            },
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


UNDOCUMENTED = Shape("Object", lambda: {"type": "object"})
DOCUMENT = Shape("OpenApiDocument", lambda: {"type": "object", "required": ["openapi"]})


@bp.get("/openapi.json")
@public
@documented(_l("This document (OpenAPI 3.1)"), DOCUMENT)
def openapi_document():
    return jsonify(build_document(current_app))
