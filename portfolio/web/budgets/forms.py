"""Forms of the budget pages: a new line, and a revision with its reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.web.fields import MoneyField
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

#: Well above any donor budget; keeps sums far from 64-bit limits.
MAX_XOF = 10**13


class BudgetLineForm(BaseForm):
    instrument = SelectField(
        _l("Kind of support"), choices=choices(Instrument), validators=[DataRequired()]
    )
    label = StringField(_l("Name of the line"), validators=[DataRequired(), Length(max=120)])
    amount_xof = MoneyField(
        _l("Amount (FCFA)"), validators=[InputRequired(), NumberRange(0, MAX_XOF)]
    )


class RevisionForm(BaseForm):
    amount_xof = MoneyField(
        _l("New amount (FCFA)"), validators=[InputRequired(), NumberRange(0, MAX_XOF)]
    )
    reason = TextAreaField(
        _l("Why does the line change?"), validators=[DataRequired(), Length(max=2000)]
    )
