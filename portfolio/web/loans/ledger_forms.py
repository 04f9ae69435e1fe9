"""Forms of the loan pages and the loan API: application, decisions, money movements.

Every money form carries a hidden idempotency key, made when the form is
rendered: sending the same form twice records one entry.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from uuid import uuid4

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from portfolio.domain.ledger_vocabulary import LoanStatus, PaymentChannel
from portfolio.domain.loans import LoanTerms
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import Sex
from portfolio.models import Loan, LoanProduct
from portfolio.reporting.lending import active_products
from portfolio.reporting.loans import active_lenders, loan_budget_lines
from portfolio.services.loans import LoanStanding, NewTerms
from portfolio.web.access import user_can
from portfolio.web.fields import EMPTY, MoneyField, optional_int
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices
from portfolio.web.loans.forms import HUNDRED, ScenarioForm

MAX_ID = 2**31 - 1


def new_key() -> str:
    return uuid4().hex


class IdempotentForm(BaseForm):
    #: Filled with new_key() when the page renders the form (not a field default:
    #: the API's document would show a random default, and an API client that
    #: sends no key must not get one made up for it).
    idempotency_key = HiddenField(validators=[Optional(), Length(max=64)])


class VersionedForm(BaseForm):
    """Decisions name the loan version the person saw: a change meanwhile is refused."""

    version_id = IntegerField(widget=HiddenInput(), validators=[Optional()])


class LoanApplicationForm(ScenarioForm):
    """The simulator's terms, as the lender quotes them, plus who borrows from whom."""

    class Meta:
        # The simulator's form is a GET form without CSRF; this one changes data.
        @cached_property
        def csrf(self) -> bool:
            return current_app.config.get("WTF_CSRF_ENABLED", True)

    # The lender's type comes from the lender; the first due date is set at
    # disbursement (seasonal repayment months are stored and used then).
    lender_type = None
    first_due_on = None

    enterprise_id = IntegerField(
        _l("Enterprise number"), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    lender_id = SelectField(_l("Lender"), coerce=optional_int, validators=[DataRequired()])
    purpose = StringField(_l("Purpose of the loan"), validators=[Optional(), Length(max=200)])
    budget_line_id = SelectField(
        _l("Programme budget line (funding or guarantee)"),
        coerce=optional_int,
        validators=[Optional()],
    )
    net_monthly_income_xof = MoneyField(
        _l("Net monthly income of the business (FCFA)"), validators=[Optional()]
    )

    def load_choices(self, products=None) -> LoanApplicationForm:
        super().load_choices(active_products() if products is None else products)
        lenders, lines = active_lenders(), loan_budget_lines()
        self.lender_id.choices = [EMPTY, *(SelectChoice(x.id, x.name) for x in lenders)]
        self.budget_line_id.choices = [EMPTY, *(SelectChoice(x.id, str(x)) for x in lines)]
        return self

    def apply_product(self, product: LoanProduct) -> None:
        """Put a product's terms (and its lender) into the form."""
        self.lender_id.data = product.lender_id
        self.rate_percent.data = (product.annual_rate * HUNDRED).normalize()
        self.rate_basis.data = "year"
        for name in ("method", "frequency", "grace_interest"):
            getattr(self, name).data = getattr(product, name).value
        for name in (
            "instalments",
            "grace_principal_periods",
            "upfront_fee_xof",
            "savings_per_instalment_xof",
            "rounding_multiple",
        ):
            getattr(self, name).data = getattr(product, name)
        self.upfront_fee_percent.data = (product.upfront_fee_rate * HUNDRED).normalize()
        self.savings_upfront_percent.data = (product.savings_upfront_rate * HUNDRED).normalize()
        self.savings_rate_percent.data = (product.savings_annual_rate * HUNDRED).normalize()
        for field in self:
            field.raw_data = None  # show the product's values, not what was typed

    def terms(self) -> LoanTerms:
        rate = self.rate_percent.data / HUNDRED
        if self.rate_basis.data == "month":
            rate *= 12
        return LoanTerms(
            amount_xof=self.amount_xof.data,
            annual_rate=rate,
            instalments=self.instalments.data,
            disbursed_on=self.disbursed_on.data,
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


class ApprovalForm(VersionedForm):
    note = TextAreaField(_l("Note on the decision"), validators=[Optional(), Length(max=2000)])


class RejectionForm(VersionedForm):
    note = TextAreaField(
        _l("Why is the application rejected?"), validators=[DataRequired(), Length(max=2000)]
    )


def _channel() -> SelectField:
    return SelectField(
        _l("Paid by"),
        choices=choices(PaymentChannel),
        default=PaymentChannel.CASH.value,
        validators=[DataRequired()],
    )


def _reference() -> StringField:
    return StringField(
        _l("Receipt or transaction reference"), validators=[Optional(), Length(max=80)]
    )


class DisbursementForm(IdempotentForm):
    disbursed_on = DateField(
        _l("Disbursement date"), default=date.today, validators=[DataRequired()]
    )
    first_due_on = DateField(_l("First due date"), validators=[Optional()])
    channel = _channel()
    reference = _reference()


class RepaymentForm(IdempotentForm):
    paid_on = DateField(_l("Date paid"), default=date.today, validators=[DataRequired()])
    amount_xof = MoneyField(_l("Amount paid (FCFA)"), validators=[InputRequired()])
    channel = _channel()
    reference = _reference()


class PayoffForm(IdempotentForm):
    paid_on = DateField(_l("Date paid"), default=date.today, validators=[DataRequired()])
    #: The figure the officer was shown and collected.
    expected_xof = MoneyField(_l("Amount that repays the loan (FCFA)"), validators=[Optional()])
    channel = _channel()
    reference = _reference()


class RefundForm(IdempotentForm):
    refunded_on = DateField(_l("Date refunded"), default=date.today, validators=[DataRequired()])
    amount_xof = MoneyField(_l("Amount refunded (FCFA)"), validators=[InputRequired()])
    channel = _channel()
    reference = _reference()


class RecoveryForm(IdempotentForm):
    recovered_on = DateField(_l("Date recovered"), default=date.today, validators=[DataRequired()])
    amount_xof = MoneyField(_l("Amount recovered (FCFA)"), validators=[InputRequired()])
    channel = _channel()
    reference = _reference()


class ReversalForm(BaseForm):
    entry_id = IntegerField(_l("Entry"), validators=[InputRequired(), NumberRange(1, MAX_ID)])
    reason = StringField(_l("Why is it reversed?"), validators=[DataRequired(), Length(max=500)])


class WriteOffForm(VersionedForm):
    reason = TextAreaField(
        _l("Why is the loan written off?"), validators=[DataRequired(), Length(max=2000)]
    )


class RescheduleForm(VersionedForm):
    # The simulator's fields, so new terms read and validate the same everywhere.
    rate_percent = ScenarioForm.rate_percent
    rate_basis = ScenarioForm.rate_basis
    method = ScenarioForm.method
    frequency = ScenarioForm.frequency
    instalments = ScenarioForm.instalments
    grace_principal_periods = ScenarioForm.grace_principal_periods
    grace_interest = ScenarioForm.grace_interest
    rounding_multiple = ScenarioForm.rounding_multiple
    first_due_on = ScenarioForm.first_due_on

    def annual_rate(self):
        rate = self.rate_percent.data / HUNDRED
        return rate * 12 if self.rate_basis.data == "month" else rate

    def new_terms(self) -> NewTerms:
        return NewTerms(
            annual_rate=self.annual_rate(),
            instalments=self.instalments.data,
            frequency=self.frequency.data,
            method=self.method.data,
            grace_principal_periods=self.grace_principal_periods.data or 0,
            grace_interest=self.grace_interest.data,
            rounding_multiple=self.rounding_multiple.data,
            first_due_on=self.first_due_on.data,
        )


class RescheduleRequestForm(RescheduleForm):
    """A finance officer's request: the new terms and why; a manager decides."""

    reason = TextAreaField(
        _l("Why reschedule this loan?"), validators=[DataRequired(), Length(max=2000)]
    )


class RescheduleApprovalForm(BaseForm):
    note = TextAreaField(_l("Note on the decision"), validators=[Optional(), Length(max=2000)])


class RescheduleRejectionForm(BaseForm):
    note = TextAreaField(
        _l("Why is the reschedule rejected?"), validators=[DataRequired(), Length(max=2000)]
    )


class LoanListArgs(BaseForm):
    """The loan list's filters (HTML query string and API)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=choices(LoanStatus), validators=[Optional()])
    lender_id = IntegerField(_l("Lender"), validators=[Optional(), NumberRange(1, MAX_ID)])
    programme_id = IntegerField(_l("Programme"), validators=[Optional(), NumberRange(1, MAX_ID)])
    region_id = IntegerField(_l("Region"), validators=[Optional(), NumberRange(1, MAX_ID)])
    sector_id = IntegerField(_l("Sector"), validators=[Optional(), NumberRange(1, MAX_ID)])
    sex = SelectField(_l("Sex of the owner"), choices=choices(Sex), validators=[Optional()])


#: Each action's form, its prefix on the loan page, and who may use it.
ACTIONS = {
    "approve": (ApprovalForm, Permission.APPROVE_LOANS),
    "reject": (RejectionForm, Permission.APPROVE_LOANS),
    "disburse": (DisbursementForm, Permission.RECORD_LEDGER),
    "repay": (RepaymentForm, Permission.RECORD_LEDGER),
    "payoff": (PayoffForm, Permission.RECORD_LEDGER),
    "reverse": (ReversalForm, Permission.RECORD_LEDGER),
    "refund": (RefundForm, Permission.RECORD_LEDGER),
    "write_off": (WriteOffForm, Permission.APPROVE_LOANS),
    "recover": (RecoveryForm, Permission.RECORD_LEDGER),
}
#: Which actions a loan's status allows.
BY_STATUS = {
    LoanStatus.APPLIED: ("approve", "reject"),
    LoanStatus.APPROVED: ("disburse",),
    LoanStatus.ACTIVE: ("repay", "payoff", "reverse", "write_off"),
    LoanStatus.CLOSED: ("refund", "reverse"),
    LoanStatus.WRITTEN_OFF: ("recover", "reverse"),
}


def action_forms(loan: Loan, standing: LoanStanding | None, failed: dict) -> dict:
    """The action forms this user may use on this loan now (a failed one keeps its input)."""
    forms = {}
    for name in BY_STATUS.get(loan.status, ()):
        form_class, permission = ACTIONS[name]
        if name == "refund" and not (standing and standing.credit_xof):
            continue
        if user_can(permission):
            forms[name] = failed.get(name) or form_class(formdata=None, prefix=f"{name}-")
    for name, form in forms.items():
        if name not in failed and "idempotency_key" in form:
            form.idempotency_key.data = new_key()
    for name in ("approve", "reject", "write_off"):
        if name in forms and name not in failed:
            forms[name].version_id.data = loan.version_id
    if "payoff" in forms and "payoff" not in failed:
        forms["payoff"].expected_xof.data = standing.payoff_xof
    return forms
