"""Forms of the kit catalogue and of kit handovers (also validating the API's bodies)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import i18n
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.money import format_xof
from portfolio.models import KitTemplate, Programme, db
from portfolio.reporting.kits import KitFilter
from portfolio.services.budgets import line_totals
from portfolio.web.fields import EMPTY, MoneyField, by_name, optional_int, sector_choices
from portfolio.web.forms import BaseForm

MAX_ID = 2**31 - 1
MAX_ITEMS = 60
#: Spare empty rows offered for adding items without JavaScript.
SPARE_ROWS = 3
#: No kit item costs more than a vehicle; larger numbers are typing mistakes.
MAX_UNIT_COST_XOF = 50_000_000
MAX_QUANTITY = 100_000


def _typed(field) -> bool:
    """Whether the person typed something in the field (or it came filled in)."""
    if field.raw_data:
        return bool(str(field.raw_data[0]).strip())
    return field.data not in (None, "")


class ItemRow(Form):
    """One line of a kit. A plain wtforms Form: rows nested in a page need no CSRF token."""

    class Meta:
        def get_translations(self, form):
            # A nested plain Form would otherwise give WTForms' messages in English only.
            return i18n.translations

    name = StringField(_l("Item"), validators=[Optional(), Length(max=120)])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, MAX_QUANTITY)])
    unit_cost_xof = MoneyField(
        _l("Unit cost (FCFA)"), validators=[Optional(), NumberRange(0, MAX_UNIT_COST_XOF)]
    )

    @property
    def is_blank(self) -> bool:
        return not any(_typed(field) for field in self)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            # BaseForm's NUL check sees only top-level fields, not nested rows.
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [
                    *field.errors,
                    _("This text contains characters that cannot be stored."),
                ]
                valid = False
        if self.is_blank:
            return valid
        for field in (self.name, self.quantity, self.unit_cost_xof):
            if not _typed(field) and not field.errors:
                field.errors = [*field.errors, _("Required for each item.")]
                valid = False
        return valid


class TemplateItemRow(ItemRow):
    supplier = StringField(_l("Usual supplier"), validators=[Optional(), Length(max=120)])


class ItemRows(FieldList):
    """A FieldList that ignores row numbers it cannot read instead of failing on them."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                # "²".isdigit() is true but int("²") fails; huge numbers are no row.
                if index.isascii() and index.isdigit() and len(index) < 6:
                    yield int(index)


def add_spare_rows(rows: FieldList, spare: int = SPARE_ROWS) -> None:
    blank = sum(1 for entry in rows.entries if entry.form.is_blank)
    while blank < spare and len(rows.entries) < (rows.max_entries or MAX_ITEMS):
        rows.append_entry()
        blank += 1


def items_data(rows: FieldList) -> list[dict[str, Any]]:
    """The rows that say something; the spare empty ones are dropped."""
    return [entry.form.data for entry in rows.entries if not entry.form.is_blank]


def _some_items(form, field) -> None:
    if not any(not entry.form.is_blank for entry in field.entries):
        raise ValidationError(_("List at least one item."))


def template_choices(active_only: bool = True) -> list[SelectChoice]:
    query = sa.select(KitTemplate.id, KitTemplate.name)
    if active_only:
        query = query.where(KitTemplate.active)
    return by_name([SelectChoice(r.id, r.name) for r in db.session.execute(query)])


def budget_line_choices() -> list[SelectChoice]:
    """Kit budget lines, with what each has left (one query for the totals)."""
    codes = dict(db.session.execute(sa.select(Programme.id, Programme.code)).all())
    return [
        SelectChoice(
            line.id,
            _(
                "%(programme)s – %(line)s (%(left)s left)",
                programme=codes.get(line.programme_id, "?"),
                line=line.label,
                # line_totals' sums come back as Decimal on PostgreSQL.
                left=format_xof(int(line.remaining_xof)),
            ),
        )
        for line in line_totals()
        if line.instrument == Instrument.KIT
    ]


class KitTemplateForm(BaseForm):
    name = StringField(_l("Name of the kit"), validators=[DataRequired(), Length(max=120)])
    sector_id = SelectField(_l("Trade (sector)"), coerce=int, validators=[DataRequired()])
    active = BooleanField(_l("Offered for new handovers"), default=True)
    items = ItemRows(
        FormField(TemplateItemRow),
        label=_l("Items"),
        validators=[_some_items],
        max_entries=MAX_ITEMS,
    )

    def load_choices(self) -> KitTemplateForm:
        self.sector_id.choices = sector_choices()
        return self


class DeliveryForm(BaseForm):
    """A kit handed over. The API sends `items` as a JSON list of
    {name, quantity, unit_cost_xof} objects."""

    enterprise_id = IntegerField(
        _l("Enterprise number"), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    template_id = SelectField(_l("Kit"), coerce=optional_int, validators=[Optional()])
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    delivered_on = DateField(_l("Handover date"), validators=[DataRequired()])
    delivered_by = StringField(_l("Handed over by"), validators=[DataRequired(), Length(max=120)])
    certificate_number = StringField(
        _l("Handover certificate number"), validators=[DataRequired(), Length(max=60)]
    )
    items = ItemRows(
        FormField(ItemRow),
        label=_l("Items handed over"),
        validators=[_some_items],
        max_entries=MAX_ITEMS,
    )
    #: Made when the form is shown; the same key twice records the handover once.
    idempotency_key = HiddenField(
        _l("Submission key (any unique text; a repeat is not recorded twice)"),
        validators=[Optional(), Length(max=64)],
    )

    def load_choices(self) -> DeliveryForm:
        self.template_id.choices = [EMPTY, *template_choices()]
        self.budget_line_id.choices = budget_line_choices()
        return self

    def values(self) -> dict[str, Any]:
        names = ("enterprise_id", "template_id", "budget_line_id", "delivered_on")
        values = {name: self[name].data for name in names}
        values["delivered_by"] = self.delivered_by.data
        values["certificate_number"] = self.certificate_number.data
        return values


class HandoverStartForm(BaseForm):
    """First step of a handover, sent by GET: which enterprise, and which kit to start from."""

    enterprise_id = IntegerField(
        _l("Enterprise number"), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    template_id = SelectField(_l("Kit"), coerce=optional_int, validators=[Optional()])

    def load_choices(self) -> HandoverStartForm:
        self.template_id.choices = [EMPTY, *template_choices()]
        return self


class ReversalForm(BaseForm):
    reason = TextAreaField(
        _l("Why is this handover reversed?"), validators=[DataRequired(), Length(max=500)]
    )


class CsrfOnlyForm(BaseForm):
    """Carries only the CSRF token: the record comes from the URL."""


class DeliveryFilterForm(BaseForm):
    """The handover list's filters, read from the query string."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    programme_id = IntegerField(_l("Programme"), validators=[Optional(), NumberRange(1, MAX_ID)])
    region_id = IntegerField(_l("Region"), validators=[Optional(), NumberRange(1, MAX_ID)])
    sector_id = IntegerField(_l("Sector"), validators=[Optional(), NumberRange(1, MAX_ID)])
    template_id = IntegerField(_l("Kit"), validators=[Optional(), NumberRange(1, MAX_ID)])
    from_on = DateField(_l("Handed over from"), validators=[Optional()])
    to_on = DateField(_l("Handed over until"), validators=[Optional()])


def kit_filter(form: BaseForm, scope_region_id: int | None) -> KitFilter:
    """The valid filters of `form` (a mistyped one means "all"), narrowed to a monitor's region."""
    given = {}
    for name in KitFilter.__dataclass_fields__:
        field = form._fields.get(name)
        if field is not None and not field.errors and field.data not in (None, ""):
            given[name] = field.data.replace("\x00", "").strip() if name == "q" else field.data
    return KitFilter(**given, scope_region_id=scope_region_id)
