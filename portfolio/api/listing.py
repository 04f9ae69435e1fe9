"""List query strings: the HTML lists' filters and pagination, as a form to validate."""

from __future__ import annotations

from dataclasses import fields

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from portfolio.api.common import MAX_ID
from portfolio.reporting.filters import ListFilter
from portfolio.reporting.pagination import MAX_PER_PAGE
from portfolio.web.access import region_scope
from portfolio.web.forms import BaseForm

#: Deep enough for any real list; keeps OFFSET far from the integer limits.
MAX_PAGE = 1_000_000
ID = NumberRange(1, MAX_ID)


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


class ListArgs(BaseForm):
    """Filters every list has; a resource adds its own (sex, status...)."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    programme_id = IntegerField(_l("Programme"), validators=[Optional(), ID])
    region_id = IntegerField(_l("Region"), validators=[Optional(), ID])
    commune_id = IntegerField(_l("Commune"), validators=[Optional(), ID])
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(1, MAX_PAGE)])
    per_page = IntegerField(
        _l("Rows per page"),
        default=_page_size,
        validators=[Optional(), NumberRange(1, MAX_PER_PAGE)],
    )


def list_filter(args: FlaskForm) -> ListFilter:
    """The filters the client gave, narrowed to a field monitor's region."""
    given = {
        f.name: args[f.name].data or None
        for f in fields(ListFilter)
        if f.name in args and f.name != "scope_region_id"
    }
    if given.get("q"):
        given["q"] = given["q"].strip() or None
    return ListFilter(**given, scope_region_id=region_scope())


def page_args(args: ListArgs) -> tuple[int, int]:
    return args.page.data or 1, args.per_page.data or _page_size()
