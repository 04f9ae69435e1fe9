"""The simulator's forms: up to three loan scenarios and the business's income."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from portfolio.domain.loans import (
    Frequency,
    GraceInterest,
    InvalidLoanTerms,
    LenderType,
    LoanTerms,
    RepaymentMethod,
)
from portfolio.models import LoanProduct
from portfolio.web.fields import EMPTY, MoneyField, PercentField, optional_int
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

MONTHS = [
    _l("January"),
    _l("February"),
    _l("March"),
    _l("April"),
    _l("May"),
    _l("June"),
    _l("July"),
    _l("August"),
    _l("September"),
    _l("October"),
    _l("November"),
    _l("December"),
]
ROUNDING = [SelectChoice(n, f"{n} F") for n in (1, 5, 10, 25, 50, 100)]
RATE_BASES = [SelectChoice("year", _l("per year")), SelectChoice("month", _l("per month"))]
HUNDRED = Decimal(100)
#: Far beyond any microloan; keeps absurd input away from the engine.
MAX_AMOUNT_XOF = 10**10


class ScenarioForm(BaseForm):
    """One loan as the lender quotes it. Read from the query string (GET: nothing changes)."""

    class Meta:
        csrf = False

    product_id = SelectField(_l("Lender product"), coerce=optional_int, validators=[Optional()])
    lender_type = SelectField(
        _l("Kind of lender"), choices=choices(LenderType), default=LenderType.SFD.value
    )
    amount_xof = MoneyField(_l("Amount borrowed (FCFA)"), validators=[InputRequired()])
    rate_percent = PercentField(_l("Quoted interest rate (%)"), validators=[InputRequired()])
    rate_basis = SelectField(_l("The rate is quoted"), choices=RATE_BASES, default="year")
    method = SelectField(
        _l("Method"),
        choices=choices(RepaymentMethod),
        default=RepaymentMethod.DECLINING_EQUAL_INSTALMENTS.value,
    )
    frequency = SelectField(
        _l("Repayments"), choices=choices(Frequency), default=Frequency.MONTHLY.value
    )
    instalments = IntegerField(
        _l("Number of instalments"), default=12, validators=[InputRequired(), NumberRange(1, 520)]
    )
    grace_principal_periods = IntegerField(
        _l("Grace on principal (periods of interest only)"),
        default=0,
        validators=[Optional(), NumberRange(0, 519)],
    )
    grace_interest = SelectField(
        _l("Interest during the grace period"),
        choices=choices(GraceInterest),
        default=GraceInterest.NONE.value,
    )
    upfront_fee_percent = PercentField(
        _l("Application fee (percentage of the amount)"), validators=[Optional()]
    )
    upfront_fee_xof = MoneyField(_l("Fixed fees (FCFA)"), validators=[Optional()])
    savings_upfront_percent = PercentField(
        _l("Compulsory savings withheld (percentage of the amount)"), validators=[Optional()]
    )
    savings_per_instalment_xof = MoneyField(
        _l("Savings deposit with each instalment (FCFA)"), validators=[Optional()]
    )
    savings_rate_percent = PercentField(
        _l("Interest paid on the savings (% per year)"), validators=[Optional()]
    )
    rounding_multiple = SelectField(
        _l("Amounts rounded to"), choices=ROUNDING, coerce=int, default=1
    )
    disbursed_on = DateField(
        _l("Disbursement (contract) date"), validators=[DataRequired()], default=date.today
    )
    first_due_on = DateField(_l("First due date"), validators=[Optional()])
    repayment_months = SelectMultipleField(
        _l("Seasonal: repay only in these months"),
        coerce=int,
        validators=[Optional()],
        choices=[SelectChoice(n, name) for n, name in enumerate(MONTHS, start=1)],
    )

    def validate_amount_xof(self, field) -> None:
        if field.data is not None and not 0 < field.data <= MAX_AMOUNT_XOF:
            raise ValidationError(_l("Enter an amount between 1 and 10 000 000 000 FCFA."))

    def load_choices(self, products: list[LoanProduct]) -> ScenarioForm:
        self.product_id.choices = [EMPTY, *(SelectChoice(p.id, str(p)) for p in products)]
        return self

    def is_filled(self) -> bool:
        return bool(self.amount_xof.raw_data and str(self.amount_xof.raw_data[0]).strip())

    def terms(self) -> LoanTerms:
        """The engine's terms; InvalidLoanTerms names the field at fault."""
        rate = self.rate_percent.data / HUNDRED
        if self.rate_basis.data == "month":
            rate *= 12
        return LoanTerms(
            amount_xof=self.amount_xof.data,
            annual_rate=rate,
            instalments=self.instalments.data,
            disbursed_on=self.disbursed_on.data,
            first_due_on=self.first_due_on.data,
            frequency=self.frequency.data,
            method=self.method.data,
            grace_principal_periods=self.grace_principal_periods.data or 0,
            grace_interest=self.grace_interest.data,
            upfront_fee_rate=(self.upfront_fee_percent.data or 0) / HUNDRED,
            upfront_fee_xof=self.upfront_fee_xof.data or 0,
            savings_upfront_rate=(self.savings_upfront_percent.data or 0) / HUNDRED,
            savings_per_instalment_xof=self.savings_per_instalment_xof.data or 0,
            savings_annual_rate=(self.savings_rate_percent.data or 0) / HUNDRED,
            rounding_multiple=self.rounding_multiple.data,
            repayment_months=frozenset(self.repayment_months.data or ()) or None,
        )

    def product_values(self, product: LoanProduct) -> dict[str, str]:
        """Query-string values that put a product's terms into this scenario."""

        def percent(rate: Decimal) -> str:
            return format((rate * HUNDRED).normalize(), "f")

        values = {
            "lender_type": product.lender.lender_type.value,
            "rate_percent": percent(product.annual_rate),
            "rate_basis": "year",
            "method": product.method.value,
            "frequency": product.frequency.value,
            "instalments": str(product.instalments),
            "grace_principal_periods": str(product.grace_principal_periods),
            "grace_interest": product.grace_interest.value,
            "upfront_fee_percent": percent(product.upfront_fee_rate),
            "upfront_fee_xof": str(product.upfront_fee_xof),
            "savings_upfront_percent": percent(product.savings_upfront_rate),
            "savings_per_instalment_xof": str(product.savings_per_instalment_xof),
            "savings_rate_percent": percent(product.savings_annual_rate),
            "rounding_multiple": str(product.rounding_multiple),
        }
        return {f"{self._prefix}{key}": value for key, value in values.items()}


class IncomeForm(BaseForm):
    class Meta:
        csrf = False

    net_monthly_income_xof = MoneyField(
        _l("Net monthly income of the business (FCFA)"), validators=[Optional()]
    )


# Which form field to mark when the engine refuses the terms, and what to say.
TERM_ERRORS = {
    "amount_xof": (
        "amount_xof",
        _l("The amount must leave something once fees and savings are withheld."),
    ),
    "annual_rate": ("rate_percent", _l("The rate must be between 0 and 200 % per year.")),
    "instalments": ("instalments", _l("Between 1 and 520 instalments.")),
    "grace_principal_periods": (
        "grace_principal_periods",
        _l("The grace period must be shorter than the loan."),
    ),
    "upfront_fee_rate": ("upfront_fee_percent", _l("The fee must be below 100 %.")),
    "upfront_fee_xof": ("upfront_fee_xof", _l("Fees cannot be negative.")),
    "savings_upfront_rate": ("savings_upfront_percent", _l("Savings must be below 100 %.")),
    "savings_per_instalment_xof": ("savings_per_instalment_xof", _l("Savings cannot be negative.")),
    "savings_annual_rate": (
        "savings_rate_percent",
        _l("The savings rate must be between 0 and 100 %."),
    ),
    "first_due_on": ("first_due_on", _l("The first due date must be after the disbursement.")),
    "repayment_months": (
        "repayment_months",
        _l("The last instalment must fall in one of the chosen months."),
    ),
}


def show_term_error(form: ScenarioForm, error: InvalidLoanTerms) -> None:
    field_name, message = TERM_ERRORS.get(
        error.field, ("amount_xof", _l("These terms do not make a loan."))
    )
    field = form[field_name]
    field.errors = [*field.errors, message]
