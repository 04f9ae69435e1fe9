"""The base of every form, and the one way a refused service call reaches a form."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portfolio.services.unit_of_work import ServiceError


class BaseForm(FlaskForm):
    """Every form of the application: refuses text no database can store."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            # NUL cannot be stored in PostgreSQL text, and no person types it.
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [
                    *field.errors,
                    _("This text contains characters that cannot be stored."),
                ]
                valid = False
        return valid


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
