"""The visit form (also validating the API's bodies) and the plan's filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    Dimension,
    Problem,
    StockLevel,
)
from portfolio.web.fields import EMPTY, MoneyField
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

MAX_ID = 2**31 - 1
#: Larger monthly amounts are typing mistakes for a micro-enterprise.
MAX_MONTHLY_XOF = 1_000_000_000

_AGREE = (_l("Not at all"), _l("A little"), _l("Partly"), _l("Mostly"), _l("Completely"))
_OFTEN = (_l("Never"), _l("Rarely"), _l("Sometimes"), _l("Often"), _l("Very often"))
_BURDEN = (_l("No debt"), _l("Light"), _l("Moderate"), _l("Heavy"), _l("Very heavy"))


@dataclass(frozen=True)
class Question:
    code: str
    text: Any
    anchors: tuple[Any, ...]


QUESTIONS: dict[str, Question] = {
    q.code: q
    for q in (
        Question(
            "income_sufficiency",
            _l("Does the business income cover the household's needs?"),
            _AGREE,
        ),
        Question(
            "food_reduction",
            _l("In the past month, how often did the household have to eat less?"),
            _OFTEN,
        ),
        Question("ability_to_borrow", _l("Could you borrow money if you needed to?"), _AGREE),
        Question(
            "debt_burden", _l("How heavy are your debts compared with your spending?"), _BURDEN
        ),
        Question("work", _l("Do you have enough work to live on?"), _AGREE),
        Question(
            "productive_assets", _l("Do you have the tools and assets your work needs?"), _AGREE
        ),
        Question("housing", _l("Is your housing adequate?"), _AGREE),
        Question("education_access", _l("Can the household's children go to school?"), _AGREE),
        Question("health_care_access", _l("Can you get health care when you need it?"), _AGREE),
        Question("water_access", _l("Do you have safe drinking water?"), _AGREE),
        Question("identity_documents", _l("Do you have your identity documents?"), _AGREE),
        Question(
            "justice_access", _l("Could you turn to the police or the courts if needed?"), _AGREE
        ),
        Question("support_network", _l("Do you have people to turn to for help?"), _AGREE),
        Question(
            "community_participation",
            _l("Do you take part in community life (meetings, celebrations)?"),
            _OFTEN,
        ),
        Question(
            "discrimination", _l("Have you been treated badly because you came back?"), _OFTEN
        ),
        Question("feels_safe", _l("Do you feel safe where you live?"), _AGREE),
        Question("distress", _l("How often do you feel sad, anxious or stressed?"), _OFTEN),
        Question("wants_psychological_help", _l("Would you like psychological support?"), _AGREE),
        Question("staying_is_a_choice", _l("Is staying here your own choice?"), _AGREE),
    )
}

DIMENSION_TITLES = {
    Dimension.ECONOMIC: _l("Economic situation"),
    Dimension.SOCIAL: _l("Social situation"),
    Dimension.PSYCHOSOCIAL: _l("Well-being"),
}


def questions_by_dimension() -> list[tuple[Any, list[Question]]]:
    return [
        (title, [QUESTIONS[i.code] for i in REINTEGRATION_ITEMS if i.dimension == dimension])
        for dimension, title in DIMENSION_TITLES.items()
    ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _item_field(question: Question) -> RadioField:
    return RadioField(
        question.text,
        choices=[SelectChoice(value, str(value)) for value in range(5)],
        coerce=int,
        validators=[Optional()],
    )


class _VisitFields(BaseForm):
    #: Made once per form shown ("web:<uuid>"): the same form sent twice records one visit.
    instance_id = HiddenField(validators=[Optional(), Length(max=80)])
    enterprise_id = IntegerField(
        _l("Enterprise number"),
        widget=HiddenInput(),
        validators=[InputRequired(), NumberRange(1, MAX_ID)],
    )
    visited_on = DateField(_l("Date of the visit"), validators=[InputRequired()])
    owner_present = BooleanField(_l("The owner was there"), default=True)
    business_status = SelectField(
        _l("State of the business"), validators=[InputRequired()], choices=[]
    )
    stock_level = SelectField(_l("Stock"), validators=[Optional()], choices=[])
    monthly_sales_xof = MoneyField(
        _l("Sales in a usual month (FCFA)"),
        validators=[Optional(), NumberRange(0, MAX_MONTHLY_XOF)],
    )
    monthly_costs_xof = MoneyField(
        _l("Costs in a usual month (FCFA)"),
        validators=[Optional(), NumberRange(0, MAX_MONTHLY_XOF)],
    )
    net_income_xof = MoneyField(
        _l("Net monthly income (FCFA)"),
        description=_l("Left empty: sales minus costs."),
        validators=[Optional(), NumberRange(-MAX_MONTHLY_XOF, MAX_MONTHLY_XOF)],
    )
    paid_employees = IntegerField(
        _l("Paid employees"), default=0, validators=[Optional(), NumberRange(0, 10_000)]
    )
    family_workers = IntegerField(
        _l("Unpaid family workers"), default=0, validators=[Optional(), NumberRange(0, 10_000)]
    )
    problems = MultiCheckboxField(_l("Problems since the last visit"), choices=[])
    support_needed = TextAreaField(_l("Support needed"), validators=[Optional(), Length(max=2000)])
    latitude = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(-180, 180)])
    gps_accuracy_m = FloatField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(0, 100_000)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.business_status.choices = choices(BusinessStatus)
        self.stock_level.choices = [EMPTY, *choices(StockLevel)]
        self.problems.choices = choices(Problem)

    def values(self) -> dict[str, Any]:
        names = [
            "enterprise_id",
            "visited_on",
            "owner_present",
            "business_status",
            "stock_level",
            "monthly_sales_xof",
            "monthly_costs_xof",
            "net_income_xof",
            "paid_employees",
            "family_workers",
            "support_needed",
            "latitude",
            "longitude",
            "gps_accuracy_m",
            "notes",
            *QUESTIONS,
        ]
        return {name: getattr(self, name).data for name in names}


for _question in QUESTIONS.values():
    setattr(_VisitFields, _question.code, _item_field(_question))


class VisitForm(_VisitFields):
    """The web form: the API's fields plus a photo."""

    photo = FileField(_l("Photo of the business (optional)"))


class VisitApiForm(_VisitFields):
    """The JSON body of POST /api/v1/visits.

    ``problems`` (a list of problem codes) and ``kit_items`` (a list of
    {delivery_item_id, condition}) are read by the API view itself; they are
    declared here so the OpenAPI document lists them.
    """

    problems = FieldList(StringField(), label=_l("Problems since the last visit"))
    kit_items = FieldList(StringField(), label=_l("Kit items"))


class ReassignForm(BaseForm):
    planned = SelectMultipleField(coerce=int, choices=[], validate_choice=False)
    monitor_id = SelectField(
        _l("Give to"), coerce=int, validators=[InputRequired()], choices=[], validate_choice=False
    )
