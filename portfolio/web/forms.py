"""The one way a refused service call reaches a form: as an error next to its field."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from portfolio.services.unit_of_work import ServiceError


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
