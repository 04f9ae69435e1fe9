from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from portfolio.domain.vocabulary import ProgrammeStatus, Role
from portfolio.web.fields import EMPTY, MoneyField, optional_int, region_choices
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices


class UserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(Role), validators=[DataRequired()])
    region_id = SelectField(
        _l("Region (field monitors)"), coerce=optional_int, validators=[Optional()]
    )
    active = BooleanField(_l("Account active"), default=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)])

    def load_choices(self) -> UserForm:
        self.region_id.choices = [EMPTY, *region_choices()]
        return self


class ProgrammeForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, dots and dashes only.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    donor = StringField(_l("Donor"), validators=[DataRequired(), Length(max=120)])
    currency = SelectField(
        _l("Donor reporting currency"),
        choices=[SelectChoice("XOF", "XOF (FCFA)"), SelectChoice("EUR", "EUR")],
        default="XOF",
    )
    budget_xof = MoneyField(_l("Budget (FCFA)"), validators=[InputRequired()])
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=choices(ProgrammeStatus),
        default=ProgrammeStatus.ACTIVE.value,
        validators=[DataRequired()],
    )

    def validate_budget_xof(self, field):
        if field.data is not None and (field.data < 0 or field.data > 10**13):
            raise ValidationError(_l("The budget must be between 0 and 10 000 000 000 000 FCFA."))


class RegionForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class CommuneForm(BaseForm):
    region_id = SelectField(_l("Region"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    cercle = StringField(_l("Cercle"), validators=[Optional(), Length(max=80)])


class VillageForm(BaseForm):
    commune_id = SelectField(_l("Commune"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class SectorForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z0-9_]+$", message=_l("Lower-case letters, digits and _ only.")),
        ],
    )
    name_fr = StringField(_l("Name in French"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    seasonal = BooleanField(_l("Seasonal income (harvest, fishing season)"))
