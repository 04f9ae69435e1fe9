"""The arrears filters, shared by the page (query string) and the API."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from portfolio.domain.vocabulary import Sex
from portfolio.models import Lender, db
from portfolio.reporting.arrears import ArrearsFilter
from portfolio.web.access import region_scope
from portfolio.web.fields import EMPTY, by_name, programme_choices, region_choices, sector_choices
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

ID = NumberRange(1, 2**31 - 1)


class ArrearsArgs(BaseForm):
    class Meta:
        csrf = False

    as_of = DateField(_l("As of"), default=date.today, validators=[Optional()])
    programme_id = IntegerField(_l("Programme"), validators=[Optional(), ID])
    lender_id = IntegerField(_l("Lender"), validators=[Optional(), ID])
    region_id = IntegerField(_l("Region"), validators=[Optional(), ID])
    sector_id = IntegerField(_l("Sector"), validators=[Optional(), ID])
    sex = SelectField(
        _l("Sex of the owner"), choices=[EMPTY, *choices(Sex)], validators=[Optional()]
    )

    def validate_as_of(self, field) -> None:
        if field.data and field.data > date.today():
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Arrears are measured up to today, not in the future."))

    def arrears_filter(self) -> ArrearsFilter:
        return ArrearsFilter(
            programme_id=self.programme_id.data,
            lender_id=self.lender_id.data,
            region_id=self.region_id.data,
            sector_id=self.sector_id.data,
            sex=self.sex.data or None,
            scope_region_id=region_scope(),
        )


def lender_choices() -> list[SelectChoice]:
    rows = db.session.execute(sa.select(Lender.id, Lender.name))
    return by_name([SelectChoice(r.id, r.name) for r in rows])


def filter_options() -> dict:
    return {
        "programmes": programme_choices(),
        "lenders": lender_choices(),
        "regions": region_choices() if region_scope() is None else [],
        "sectors": sector_choices(),
        "sexes": choices(Sex),
    }
