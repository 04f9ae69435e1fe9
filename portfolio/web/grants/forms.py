"""Forms of the grant and allowance pages; the API validates with the same ones."""

from __future__ import annotations

import uuid
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    MonthField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portfolio.domain.ledger_vocabulary import AllowanceKind, Instrument, PaymentChannel
from portfolio.reporting.budgets import line_choices
from portfolio.reporting.grants import GrantStatus
from portfolio.services.grants import MAX_TRANCHES, PlannedTranche
from portfolio.web.fields import MoneyField
from portfolio.web.forms import BaseForm
from portfolio.web.i18n import money
from portfolio.web.labels import choices

#: Well above any programme's budget; keeps sums far from 64-bit limits.
MAX_XOF = 10**12
MAX_ID = 2**31 - 1
#: Rows the award page offers; the API accepts up to MAX_TRANCHES.
TRANCHE_ROWS = 4

STATUS_LABELS = {
    GrantStatus.TO_PAY: _l("To pay"),
    GrantStatus.PAID: _l("Paid"),
    GrantStatus.CANCELLED: _l("Cancelled"),
}


def not_in_future(form, field) -> None:
    if field.data is not None and field.data > date.today():
        raise ValidationError(_l("The date cannot be in the future."))


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class TrancheForm(BaseForm):
    """One row of the award form. A row left wholly empty is no tranche."""

    class Meta:
        csrf = False  # a part of GrantForm, which carries the token

    planned_on = DateField(_l("Planned date"), validators=[Optional()])
    planned_xof = MoneyField(
        _l("Planned amount (FCFA)"), validators=[Optional(), NumberRange(1, MAX_XOF)]
    )
    milestone = StringField(
        _l("Milestone that releases it"), validators=[Optional(), Length(max=200)]
    )

    def is_blank(self) -> bool:
        return all(not (f.raw_data and str(f.raw_data[0]).strip()) for f in self)

    def validate(self, extra_validators=None) -> bool:
        if self.is_blank():
            return True
        valid = super().validate(extra_validators)
        for field in (self.planned_on, self.planned_xof):
            if field.data is None and not field.errors:
                field.errors.append(_l("A tranche needs a date and an amount."))
                valid = False
        return valid


class GrantForm(BaseForm):
    enterprise_id = IntegerField(
        _l("Enterprise number"), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    amount_xof = MoneyField(
        _l("Amount of the grant (FCFA)"), validators=[InputRequired(), NumberRange(1, MAX_XOF)]
    )
    purpose = StringField(_l("What it pays for"), validators=[DataRequired(), Length(max=200)])
    conditions = TextAreaField(
        _l("Conditions before payment"), validators=[Optional(), Length(max=2000)]
    )
    awarded_on = DateField(
        _l("Award date"), default=date.today, validators=[InputRequired(), not_in_future]
    )
    #: Made when the form is shown: the same key twice awards one grant.
    idempotency_key = HiddenField(
        _l("Idempotency key"),
        validators=[Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$")],
    )
    #: The API sends a JSON list of objects {planned_on, planned_xof, milestone}.
    tranches = FieldList(
        FormField(TrancheForm),
        _l("Tranches: a list of {planned_on, planned_xof, milestone}"),
        min_entries=TRANCHE_ROWS,
        max_entries=MAX_TRANCHES,
    )

    def with_fresh_key(self) -> GrantForm:
        if not self.idempotency_key.data:
            self.idempotency_key.data = new_idempotency_key()
        return self

    def load_choices(self, programme_id: int | None = None) -> GrantForm:
        """The GRANT lines (of the enterprise's programme, when it is known)."""
        self.budget_line_id.choices = line_choices(Instrument.GRANT.value, programme_id)
        return self

    def values(self) -> dict:
        """What award_grant needs besides the tranches."""
        names = ("enterprise_id", "budget_line_id", "amount_xof", "purpose", "conditions")
        return {name: self[name].data for name in (*names, "awarded_on")}

    def planned(self) -> list[PlannedTranche]:
        return [
            PlannedTranche(e.planned_on.data, e.planned_xof.data, e.milestone.data)
            for e in self.tranches
            if not e.form.is_blank()
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        planned = self.planned()
        if not planned:
            self.tranches.errors = [_("Plan at least one tranche.")]
            return False
        total = sum(t.planned_xof for t in planned)
        if total != self.amount_xof.data:
            self.tranches.errors = [
                _(
                    "The tranches add up to %(total)s; they must add up to the amount "
                    "of the grant (%(amount)s).",
                    total=money(total),
                    amount=money(self.amount_xof.data),
                )
            ]
            return False
        return True


class PaymentForm(BaseForm):
    paid_on = DateField(
        _l("Payment date"), default=date.today, validators=[InputRequired(), not_in_future]
    )
    amount_xof = MoneyField(
        _l("Amount paid (FCFA)"), validators=[InputRequired(), NumberRange(1, MAX_XOF)]
    )
    channel = SelectField(
        _l("Paid by"), choices=choices(PaymentChannel), validators=[DataRequired()]
    )
    reference = StringField(
        _l("Receipt, mobile-money or bank reference"), validators=[Optional(), Length(max=80)]
    )
    #: Made when the form is shown: the same key twice records one payment.
    idempotency_key = HiddenField(
        _l("Idempotency key"),
        validators=[Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$")],
    )

    def with_fresh_key(self):
        if not self.idempotency_key.data:
            self.idempotency_key.data = new_idempotency_key()
        return self


class CancelTrancheForm(BaseForm):
    cancelled_on = DateField(
        _l("Cancellation date"), default=date.today, validators=[InputRequired(), not_in_future]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ReversalForm(BaseForm):
    reason = TextAreaField(
        _l("Why is this payment reversed?"), validators=[DataRequired(), Length(max=2000)]
    )


class AllowanceForm(PaymentForm):
    beneficiary_id = IntegerField(
        _l("Beneficiary number"), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    allowance_kind = SelectField(
        _l("Allowance"), choices=choices(AllowanceKind), validators=[DataRequired()]
    )
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    #: The month the allowance covers (empty: the month of the payment).
    period_on = MonthField(_l("Month covered"), validators=[Optional()])

    def load_choices(self) -> AllowanceForm:
        self.budget_line_id.choices = line_choices(Instrument.TRAINING.value)
        return self
