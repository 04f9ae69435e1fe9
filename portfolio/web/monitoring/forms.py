"""Forms of the monitoring pages (also validating the API's bodies)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.domain.monitoring.vocabulary import ActionKind, FlagRuleCode, RiskLevel
from portfolio.reporting.flags import FlagFilter
from portfolio.web.fields import EMPTY, PercentField, optional_int
from portfolio.web.forms import BaseForm
from portfolio.web.labels import choices

MAX_ID = 2**31 - 1


class FlagFilterForm(BaseForm):
    class Meta:
        csrf = False

    programme_id = SelectField(coerce=optional_int, validate_choice=False)
    region_id = SelectField(coerce=optional_int, validate_choice=False)
    sector_id = SelectField(coerce=optional_int, validate_choice=False)
    level = SelectField(_l("Level"), validators=[Optional()], validate_choice=False)
    rule = SelectField(_l("Signal"), validators=[Optional()], validate_choice=False)


def _safe_int(value) -> int | None:
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None


def flag_filter(form: FlagFilterForm, scope_region_id: int | None) -> FlagFilter:
    level = form.level.data if form.level.data in {lv.value for lv in RiskLevel} else None
    rule = form.rule.data if form.rule.data in {r.value for r in FlagRuleCode} else None
    return FlagFilter(
        programme_id=_safe_int(form.programme_id.data) if not form.programme_id.errors else None,
        region_id=_safe_int(form.region_id.data) if not form.region_id.errors else None,
        sector_id=_safe_int(form.sector_id.data) if not form.sector_id.errors else None,
        level=RiskLevel(level) if level and level != RiskLevel.OK else None,
        rule=FlagRuleCode(rule) if rule else None,
        scope_region_id=scope_region_id,
    )


class ActionForm(BaseForm):
    """A follow-up action on an enterprise (flag_id: the flag it answers, if any)."""

    enterprise_id = IntegerField(
        _l("Enterprise"), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    flag_id = IntegerField(_l("Flag"), validators=[Optional(), NumberRange(1, MAX_ID)])
    kind = SelectField(
        _l("What is to be done"), choices=[EMPTY, *choices(ActionKind)], validators=[DataRequired()]
    )
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=2_000)])
    owner_id = SelectField(
        _l("Who does it"), coerce=optional_int, validators=[InputRequired()], validate_choice=False
    )
    due_on = DateField(_l("Due date"), validators=[InputRequired()])

    def load_choices(self, owners: list[tuple[int, str]]) -> ActionForm:
        self.owner_id.choices = [EMPTY, *(SelectChoice(i, name) for i, name in owners)]
        if self.due_on.data is None and not self.due_on.raw_data:
            self.due_on.data = date.today()
        return self


class ResolveForm(BaseForm):
    resolution_note = TextAreaField(
        _l("What was done"), validators=[DataRequired(), Length(max=2_000)]
    )


class ActionListForm(BaseForm):
    class Meta:
        csrf = False

    mine = BooleanField(_l("Only my actions"))
    overdue = BooleanField(_l("Only overdue actions"))
    resolved = BooleanField(_l("Include resolved actions"))


# ------------------------------------------------------------------- admin


class ThresholdField(PercentField):
    """A threshold typed the French or English way (`1,5` or `1.5`); None when empty.

    Parsed as a percentage is (a decimal, exact), only the message differs.
    """

    invalid_message = _l("Enter a number, e.g. 30 or 1,5.")


class RulesForm(BaseForm):
    """One row of fields per rule: <code>-enabled, <code>-watch, <code>-at_risk, <code>-critical.

    Fields are added per rule at class creation (the rules are a closed list).
    """


for _code in FlagRuleCode:
    setattr(RulesForm, f"{_code.value}-enabled", BooleanField(_l("Enabled")))
    for _level in (RiskLevel.WATCH, RiskLevel.AT_RISK, RiskLevel.CRITICAL):
        setattr(RulesForm, f"{_code.value}-{_level.value}", ThresholdField(validators=[Optional()]))


class WeightsForm(BaseForm):
    """One field per item code and per dimension (added below)."""


def _add_weight_fields() -> None:
    from portfolio.services.monitoring_rules import WEIGHT_CODES

    for code in WEIGHT_CODES:
        setattr(WeightsForm, code, ThresholdField(validators=[InputRequired()]))


_add_weight_fields()


class CadenceForm(BaseForm):
    months = StringField(
        _l("Visits, in months after the first support"),
        validators=[DataRequired(), Length(max=200)],
    )

    def month_values(self) -> list[int] | None:
        """The typed numbers, or None (and an error on the field) if one is not a number."""
        parts = [p.strip() for p in (self.months.data or "").replace(";", ",").split(",")]
        values = []
        for part in parts:
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or len(part) > 4:
                self.months.errors = [
                    *self.months.errors,
                    _l("Type whole numbers of months separated by commas, e.g. 1, 3, 6, 12."),
                ]
                return None
            values.append(int(part))
        return values
