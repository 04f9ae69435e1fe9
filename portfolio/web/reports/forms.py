"""The donor report's choices and the stress test's scenario (query strings and CLI)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectChoice, SelectField, ValidationError
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from portfolio.models import Programme, db
from portfolio.reporting.stress_test import (
    MAX_INCOME_DROP_PCT,
    MAX_RATE_RISE_POINTS,
    StressScenario,
)
from portfolio.web.fields import EMPTY, PercentField, programme_choices
from portfolio.web.forms import BaseForm

ID = NumberRange(1, 2**31 - 1)
LANGUAGES = [SelectChoice("fr", "Français"), SelectChoice("en", "English")]


def _half_year(today: date | None = None) -> tuple[date, date]:
    """The last six whole months: the usual span of a donor's progress report."""
    today = today or date.today()
    end = today.replace(day=1) - timedelta(days=1)
    index = end.year * 12 + end.month - 6  # zero-based month index of the first month
    return date(index // 12, index % 12 + 1, 1), end


def _existing_programme(form, field) -> None:
    if field.data and db.session.get(Programme, field.data) is None:
        raise ValidationError(_l("Unknown programme."))


class DonorReportForm(BaseForm):
    """Which programme, which period, which language and format."""

    class Meta:
        csrf = False  # a GET that downloads a file and changes nothing

    programme_id = SelectField(
        _l("Programme"),
        coerce=lambda value: int(value) if value not in (None, "") else None,
        validators=[DataRequired(_l("Choose a programme.")), _existing_programme],
        validate_choice=False,
    )
    period_from = DateField(
        _l("From"),
        default=lambda: _half_year()[0],
        validators=[InputRequired(_l("Enter the first day of the period."))],
    )
    period_to = DateField(
        _l("To"),
        default=lambda: _half_year()[1],
        validators=[InputRequired(_l("Enter the last day of the period."))],
    )
    lang = SelectField(_l("Language of the report"), choices=LANGUAGES, default="fr")
    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("pdf", _l("PDF (to print or send)")),
            SelectChoice("xlsx", _l("Excel workbook (XLSX)")),
        ],
        default="pdf",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id.choices = [EMPTY, *programme_choices()]

    def validate_period_to(self, field) -> None:
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_l("The end of the period comes before its start."))


class StressForm(BaseForm):
    class Meta:
        csrf = False  # a what-if computation: nothing is recorded

    income_drop = PercentField(
        _l("Net incomes fall by (%)"),
        default=Decimal(20),
        validators=[
            Optional(),
            NumberRange(0, MAX_INCOME_DROP_PCT, _l("Enter a fall between %(min)s and %(max)s %%.")),
        ],
    )
    rate_rise = PercentField(
        _l("Interest rates rise by (percentage points)"),
        default=Decimal(5),
        validators=[
            Optional(),
            NumberRange(
                0, MAX_RATE_RISE_POINTS, _l("Enter a rise between %(min)s and %(max)s points.")
            ),
        ],
    )
    programme_id = IntegerField(_l("Programme"), validators=[Optional(), ID])

    def scenario(self) -> StressScenario:
        return StressScenario(
            income_drop_pct=self.income_drop.data or 0,
            rate_rise_points=self.rate_rise.data or 0,
        )
