from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus, MemberRole
from portfolio.web.fields import (
    EMPTY,
    commune_choices,
    optional_int,
    programme_choices,
    sector_choices,
    village_choices,
)
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices


class EnterpriseForm(BaseForm):
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name of the business"), validators=[DataRequired(), Length(max=120)])
    sector_id = SelectField(_l("Sector"), coerce=int, validators=[DataRequired()])
    commune_id = SelectField(_l("Commune"), coerce=int, validators=[DataRequired()])
    village_id = SelectField(_l("Village"), coerce=optional_int, validators=[Optional()])
    started_on = DateField(_l("Start date"), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=choices(EnterpriseStatus), validators=[DataRequired()]
    )
    kind = SelectField(
        _l("Individual or collective"), choices=choices(EnterpriseKind), validators=[DataRequired()]
    )
    paid_employees = IntegerField(
        _l("Paid employees"), default=0, validators=[InputRequired(), NumberRange(0, 10_000)]
    )
    family_workers = IntegerField(
        _l("Family workers"), default=0, validators=[InputRequired(), NumberRange(0, 10_000)]
    )

    def load_choices(self, scope_region_id: int | None) -> EnterpriseForm:
        self.programme_id.choices = programme_choices()
        self.sector_id.choices = sector_choices()
        self.commune_id.choices = commune_choices(scope_region_id)
        self.village_id.choices = [EMPTY, *village_choices(scope_region_id)]
        return self


class NewEnterpriseForm(EnterpriseForm):
    #: The beneficiary who runs it (owner), or presides over a collective.
    owner_id = IntegerField(
        _l("Beneficiary number of the owner or president"),
        validators=[InputRequired(), NumberRange(1, 2**31 - 1)],
    )


class MemberForm(BaseForm):
    beneficiary_id = IntegerField(
        _l("Beneficiary number"), validators=[InputRequired(), NumberRange(1, 2**31 - 1)]
    )
    role = SelectField(
        _l("Role"),
        choices=choices(MemberRole),
        default=MemberRole.MEMBER.value,
        validators=[DataRequired()],
    )


class RemoveMemberForm(BaseForm):
    """Carries only the CSRF token: the member comes from the URL."""
