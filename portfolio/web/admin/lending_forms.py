"""Forms for lenders, their loan products and the usury ceilings."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.domain.loans import Frequency, GraceInterest, LenderType, RepaymentMethod
from portfolio.web.fields import MoneyField, PercentField
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices
from portfolio.web.loans.forms import ROUNDING

HUNDRED = Decimal(100)


def _fraction(percent: Decimal | None) -> Decimal:
    return (percent or Decimal(0)) / HUNDRED


def _percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * HUNDRED).normalize()


class LenderForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    lender_type = SelectField(_l("Kind of lender"), choices=choices(LenderType))
    active = BooleanField(_l("Active"), default=True)


class LoanProductForm(BaseForm):
    lender_id = SelectField(_l("Lender"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name of the product"), validators=[DataRequired(), Length(max=120)])
    method = SelectField(_l("Method"), choices=choices(RepaymentMethod))
    rate_percent = PercentField(
        _l("Nominal annual rate (%)"), validators=[InputRequired(), NumberRange(0, 999)]
    )
    frequency = SelectField(_l("Repayments"), choices=choices(Frequency))
    instalments = IntegerField(
        _l("Usual number of instalments"),
        default=12,
        validators=[InputRequired(), NumberRange(1, 520)],
    )
    grace_principal_periods = IntegerField(
        _l("Grace on principal (periods)"),
        default=0,
        validators=[InputRequired(), NumberRange(0, 519)],
    )
    grace_interest = SelectField(
        _l("Interest during the grace period"), choices=choices(GraceInterest)
    )
    upfront_fee_percent = PercentField(
        _l("Application fee (percentage of the amount)"),
        validators=[Optional(), NumberRange(0, 99)],
    )
    upfront_fee_xof = MoneyField(_l("Fixed fees (FCFA)"), validators=[Optional()])
    savings_upfront_percent = PercentField(
        _l("Compulsory savings withheld (percentage of the amount)"),
        validators=[Optional(), NumberRange(0, 99)],
    )
    savings_per_instalment_xof = MoneyField(
        _l("Savings deposit with each instalment (FCFA)"), validators=[Optional()]
    )
    savings_rate_percent = PercentField(
        _l("Interest paid on the savings (% per year)"), validators=[Optional(), NumberRange(0, 99)]
    )
    rounding_multiple = SelectField(
        _l("Amounts rounded to"), choices=ROUNDING, coerce=int, default=1
    )
    active = BooleanField(_l("Offered (shown in the simulator)"), default=True)

    def fill_from(self, product) -> None:
        self.rate_percent.data = _percent(product.annual_rate)
        self.upfront_fee_percent.data = _percent(product.upfront_fee_rate)
        self.savings_upfront_percent.data = _percent(product.savings_upfront_rate)
        self.savings_rate_percent.data = _percent(product.savings_annual_rate)

    def values(self) -> dict:
        return {
            "lender_id": self.lender_id.data,
            "name": self.name.data,
            "method": self.method.data,
            "annual_rate": _fraction(self.rate_percent.data),
            "frequency": self.frequency.data,
            "instalments": self.instalments.data,
            "grace_principal_periods": self.grace_principal_periods.data,
            "grace_interest": self.grace_interest.data,
            "upfront_fee_rate": _fraction(self.upfront_fee_percent.data),
            "upfront_fee_xof": self.upfront_fee_xof.data or 0,
            "savings_upfront_rate": _fraction(self.savings_upfront_percent.data),
            "savings_per_instalment_xof": self.savings_per_instalment_xof.data or 0,
            "savings_annual_rate": _fraction(self.savings_rate_percent.data),
            "rounding_multiple": self.rounding_multiple.data,
            "active": self.active.data,
        }


class UsuryCeilingForm(BaseForm):
    lender_type = SelectField(_l("Kind of lender"), choices=choices(LenderType))
    rate_percent = PercentField(
        _l("Usury rate (% per year)"), validators=[InputRequired(), NumberRange(0.01, 99)]
    )
    valid_from = DateField(_l("In force from"), validators=[Optional()])
    valid_to = DateField(_l("Last day in force"), validators=[Optional()])
    source = StringField(
        _l("Source (law, BCEAO communiqué)"), validators=[Optional(), Length(max=200)]
    )

    def values(self) -> dict:
        return {
            "lender_type": self.lender_type.data,
            "rate": _fraction(self.rate_percent.data),
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
            "source": self.source.data,
        }
