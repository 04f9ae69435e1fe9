"""JSON values and JSON Schemas, derived from the WTForms forms and the read-side rows.

Deriving them (rather than writing them by hand) keeps the API's output and
its OpenAPI document true when a form gains a field or a rule changes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from portfolio.web.fields import MoneyField

#: The API reads JSON, not the HTML form's hidden CSRF input: bearer tokens
#: cannot ride on a forged cross-site request.
FORM_META = {"csrf": False}


def json_value(value: Any) -> Any:
    """Dates in ISO 8601, enums as their stored value, money stays whole francs."""
    if isinstance(value, datetime):  # stored as naive UTC
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def blank_form(form_class: type[FlaskForm]) -> FlaskForm:
    """The form with no input: its fields, types, rules and defaults."""
    return form_class(formdata=None, meta=FORM_META)


def field_names(form_class: type[FlaskForm]) -> list[str]:
    return list(blank_form(form_class)._fields)


def form_values(form_class: type[FlaskForm], record: Any) -> dict[str, Any]:
    """The record's values for each field of the form, as JSON."""
    return {name: json_value(getattr(record, name, None)) for name in field_names(form_class)}


def is_required(field: Field) -> bool:
    for validator in field.validators:
        if isinstance(validator, InputRequired):
            return True
        # A default satisfies DataRequired when the client leaves the field out.
        if isinstance(validator, DataRequired) and field.default is None:
            return True
    return False


def _static_choices(field: SelectField) -> list[Any] | None:
    """Choices fixed in the form class; those loaded from the database are not listed."""
    if field.choices is None:
        return None
    values = [c.value if isinstance(c, SelectChoice) else c[0] for c in field.choices]
    return [field.coerce(v) if v != "" else None for v in values]


def _base_type(field: Field) -> dict[str, Any]:
    if isinstance(field, BooleanField):
        return {"type": "boolean"}
    if isinstance(field, MoneyField):
        return {"type": "integer", "format": "int64", "description": "XOF (FCFA)"}
    if isinstance(field, IntegerField):
        return {"type": "integer"}
    if isinstance(field, DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, SelectField):
        schema: dict[str, Any] = {"type": "string" if field.coerce is str else "integer"}
        choices = _static_choices(field)
        if choices is not None:
            schema["enum"] = [c for c in choices if c is not None]
        return schema
    if isinstance(field, EmailField):
        return {"type": "string", "format": "email"}
    if isinstance(field, StringField):
        return {"type": "string"}
    return {}


def _rules(field: Field) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, Length):
            if validator.max != -1:
                rules["maxLength"] = validator.max
            if validator.min > 0:
                rules["minLength"] = validator.min
        elif isinstance(validator, NumberRange):
            if validator.min is not None:
                rules["minimum"] = validator.min
            if validator.max is not None:
                rules["maximum"] = validator.max
        elif isinstance(validator, Regexp):
            rules["pattern"] = validator.regex.pattern
    return rules


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    schema = dict(schema)
    if "type" in schema:
        schema["type"] = [schema["type"], "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _default(field: Field) -> Any:
    default = field.default() if callable(field.default) else field.default
    return json_value(default)


def field_schema(field: Field, *, for_input: bool, allow_null: bool = True) -> dict[str, Any]:
    schema = {"title": str(field.label.text), **_base_type(field)}
    required = is_required(field)
    if for_input:
        schema.update(_rules(field))
        if not required and _default(field) is not None:
            schema["default"] = _default(field)
    if allow_null and not required and not (not for_input and isinstance(field, BooleanField)):
        # Optional input may be null (= left empty); optional output may be absent data.
        schema = _nullable(schema)
    return schema


def request_schema(form_class: type[FlaskForm], *, partial: bool = False) -> dict[str, Any]:
    """What a client sends: the form's fields and rules. PATCH bodies require nothing."""
    form = blank_form(form_class)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {n: field_schema(f, for_input=True) for n, f in form._fields.items()},
        "additionalProperties": False,
    }
    required = [n for n, f in form._fields.items() if is_required(f)]
    if required and not partial:
        schema["required"] = required
    return schema


def record_schema(form_class: type[FlaskForm], read_only: dict[str, Any]) -> dict[str, Any]:
    """What a client reads: `read_only` fields, then every field of the form."""
    form = blank_form(form_class)
    properties = {
        **read_only,
        **{n: field_schema(f, for_input=False) for n, f in form._fields.items()},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_PYTHON_TYPES: dict[Any, dict[str, Any]] = {
    int: {"type": "integer"},
    str: {"type": "string"},
    bool: {"type": "boolean"},
    date: {"type": "string", "format": "date"},
    datetime: {"type": "string", "format": "date-time"},
}


def type_schema(annotation: Any) -> dict[str, Any]:
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return _nullable(type_schema(inner))
    return dict(_PYTHON_TYPES[annotation])


def row_schema(row_type: type) -> dict[str, Any]:
    """A read-side row (a dataclass), from its type hints."""
    hints = typing.get_type_hints(row_type)
    names = [f.name for f in dataclasses.fields(row_type)]
    return {
        "type": "object",
        "properties": {name: type_schema(hints[name]) for name in names},
        "required": names,
        "additionalProperties": False,
    }


def page_schema(row_type: type) -> dict[str, Any]:
    counts = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": row_schema(row_type)},
            "page": counts,
            "per_page": counts,
            "total": counts,
            "pages": counts,
        },
        "required": ["items", "page", "per_page", "total", "pages"],
        "additionalProperties": False,
    }


def query_parameters(form_class: type[FlaskForm]) -> list[dict[str, Any]]:
    form = blank_form(form_class)
    return [
        {
            "name": name,
            "in": "query",
            "required": is_required(field),
            # A query string has no null: an absent parameter means "all".
            "schema": field_schema(field, for_input=True, allow_null=False),
        }
        for name, field in form._fields.items()
    ]
