from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portfolio.domain.vocabulary import ReturnKind, Sex
from portfolio.web.fields import (
    EMPTY,
    commune_choices,
    optional_int,
    programme_choices,
    village_choices,
)
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

PHONE = Regexp(r"^\+?[0-9 ]{8,20}$", message=_l("Enter a phone number, e.g. +223 76 12 34 56."))


class BeneficiaryForm(BaseForm):
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[DataRequired()])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=80)])
    sex = SelectField(_l("Sex"), choices=choices(Sex), validators=[DataRequired()])
    birth_year = IntegerField(
        _l("Birth year"), validators=[Optional(), NumberRange(1900, date.today().year)]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), PHONE])
    commune_id = SelectField(_l("Commune"), coerce=int, validators=[DataRequired()])
    village_id = SelectField(_l("Village"), coerce=optional_int, validators=[Optional()])
    returned_on = DateField(_l("Date of return"), validators=[Optional()])
    returned_from = StringField(
        _l("Returned from (country)"), validators=[Optional(), Length(max=60)]
    )
    return_kind = SelectField(
        _l("Kind of return"), choices=choices(ReturnKind), validators=[DataRequired()]
    )
    woman_head_of_household = BooleanField(_l("Woman head of household"))
    vulnerability_notes = TextAreaField(
        _l("Vulnerability notes"), validators=[Optional(), Length(max=2000)]
    )
    external_case_number = StringField(
        _l("External case number"), validators=[Optional(), Length(max=60)]
    )
    consent_on = DateField(_l("Consent to data use given on"), validators=[Optional()])

    def load_choices(self, scope_region_id: int | None) -> BeneficiaryForm:
        self.programme_id.choices = programme_choices()
        self.commune_id.choices = commune_choices(scope_region_id)
        self.village_id.choices = [EMPTY, *village_choices(scope_region_id)]
        return self
