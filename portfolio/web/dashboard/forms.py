"""The portfolio filters, shared by the dashboard page (query string) and the summary API.

Parameter names are the API's: programme, region, sector, sex, instrument, from, to,
as_of. "from" is a Python keyword, hence the class built with `type()` below.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.vocabulary import Sex
from portfolio.reporting.summary import PortfolioFilters
from portfolio.web.access import region_scope
from portfolio.web.fields import EMPTY
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

ID = NumberRange(1, 2**31 - 1)


class _SummaryArgs(BaseForm):
    class Meta:
        csrf = False

    as_of = DateField(_l("As of"), default=date.today, validators=[Optional()])
    programme = IntegerField(_l("Programme"), validators=[Optional(), ID])
    region = IntegerField(_l("Region"), validators=[Optional(), ID])
    sector = IntegerField(_l("Sector"), validators=[Optional(), ID])
    sex = SelectField(
        _l("Sex of the owner"), choices=[EMPTY, *choices(Sex)], validators=[Optional()]
    )
    instrument = SelectField(
        _l("Support"), choices=[EMPTY, *choices(Instrument)], validators=[Optional()]
    )

    def validate_as_of(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("Figures are known up to today, not in the future."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self["from"], self["to"]
        if start.data and end.data and start.data > end.data:
            end.errors = [*end.errors, _l("The period ends before it starts.")]
            valid = False
        return valid

    def as_of_date(self) -> date:
        return self.as_of.data or date.today()

    def portfolio_filters(self) -> PortfolioFilters:
        return PortfolioFilters(
            programme_id=self.programme.data,
            region_id=self.region.data,
            sector_id=self.sector.data,
            sex=self.sex.data or None,
            instrument=self.instrument.data or None,
            period_from=self["from"].data,
            period_to=self["to"].data,
            scope_region_id=region_scope(),
        )


SummaryArgs = type(
    "SummaryArgs",
    (_SummaryArgs,),
    {
        "from": DateField(_l("From"), validators=[Optional()]),
        "to": DateField(_l("To"), validators=[Optional()]),
        "__doc__": "Portfolio filters: programme, region, sector, sex, support, period.",
    },
)
