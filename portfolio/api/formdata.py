"""JSON bodies and query strings turned into the form data the HTML forms validate.

Going through the same WTForms forms keeps the rules and the translated
messages identical on both sides. The one thing to get right is the
translation from JSON types to the strings a browser would have sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectMultipleField

from portfolio.api.common import ApiError
from portfolio.api.schema import FORM_META, blank_form, form_values


def _storable(text: str) -> bool:
    """PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _as_form_value(value: Any, boolean: bool) -> tuple[str | None, str | None]:
    """(form string or None to leave the field out, problem message or None)."""
    if isinstance(value, dict | list):
        return None, _("Send a single value, not a list or an object.")
    if value is None:
        # Left out, like an empty input: the field's default, or empty.
        return None, None
    if boolean:
        if not isinstance(value, bool):
            return None, _("Send true or false.")
        # A browser sends "y" for a ticked box and nothing for an unticked one.
        return ("y" if value else None), None
    if isinstance(value, bool):
        return None, _("Send text or a number here, not true or false.")
    if isinstance(value, str):
        if not _storable(value):
            return None, _("This text contains characters that cannot be stored.")
        return value, None
    return str(value), None  # int or float; the form decides whether it fits


def to_formdata(form: FlaskForm, values: Mapping[str, Any]) -> MultiDict:
    """`values` as form data for `form`; 422 for unknown keys or values of the wrong shape."""
    unknown = [key for key in values if key not in form._fields]
    if unknown:
        raise ApiError(
            422,
            _("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))),
            {key: [_("Unknown field.")] for key in unknown},
        )
    formdata: MultiDict = MultiDict()
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        if isinstance(form._fields[name], SelectMultipleField) and isinstance(value, list):
            # A multiple choice is the one place a JSON list belongs: one value per item.
            if all(isinstance(v, int | str) and not isinstance(v, bool) for v in value):
                formdata.setlist(name, [str(v) for v in value])
            else:
                problems[name] = [_("Send a list of values.")]
            continue
        text, problem = _as_form_value(value, isinstance(form._fields[name], BooleanField))
        if problem:
            problems[name] = [problem]
        elif text is not None:
            formdata[name] = text
    if problems:
        raise ApiError(422, _("Some fields are not valid."), problems)
    return formdata


def _errors(form: FlaskForm) -> dict[str, list[str]]:
    # Messages are lazy strings; str() renders them in the request's language.
    return {
        name or "_form": [str(message) for message in messages]
        for name, messages in form.errors.items()
    }


def validated(
    form_class: type[FlaskForm],
    body: Mapping[str, Any],
    *,
    current: Any = None,
    prepare: Callable[[FlaskForm], Any] | None = None,
) -> FlaskForm:
    """The form, filled from `body` and validated; raises a 422 ApiError otherwise.

    With `current` (PATCH), the record's values come first and the body's
    keys overlay them, so a field the client leaves out keeps its value
    (notably a BooleanField, which form data would otherwise read as false).
    """
    probe = blank_form(form_class)
    formdata = to_formdata(probe, body)  # unknown keys are refused before any merging
    if current is not None:
        formdata = to_formdata(probe, {**form_values(form_class, current), **body})
    form = form_class(formdata=formdata, meta=FORM_META)
    if prepare is not None:
        prepare(form)
    if not form.validate():
        raise ApiError(422, _("Some fields are not valid."), _errors(form))
    return form


def query_args(form_class: type[FlaskForm]) -> FlaskForm:
    """The query string, validated like a body: a typo in a filter is a 422, not "all"."""
    return validated(form_class, request.args.to_dict())
