"""Form fields and choice lists shared by the HTML forms and the API."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField

from portfolio.domain.money import format_xof, parse_xof
from portfolio.models import Commune, Programme, Region, Sector, Village, db


def optional_int(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class MoneyField(StringField):
    """Whole francs typed the way people write them: `1 250 000`."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_xof(self.data).removesuffix("FCFA").strip() if self.data is not None else ""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_xof(str(valuelist[0]))
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number of francs, e.g. 1 250 000.")) from None


EMPTY = SelectChoice("", "—")


def by_name(choices: list[SelectChoice]) -> list[SelectChoice]:
    """Alphabetical as a French reader expects: "Ménaka" before "Mopti".

    Databases sort accented letters after "z" unless told a collation, and
    these lists are short, so they are sorted here.
    """

    def key(choice: SelectChoice) -> str:
        folded = unicodedata.normalize("NFKD", str(choice.label)).casefold()
        return "".join(c for c in folded if not unicodedata.combining(c))

    return sorted(choices, key=key)


def programme_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(Programme.id, Programme.code, Programme.name).order_by(Programme.code)
    )
    return [SelectChoice(r.id, f"{r.code} – {r.name}") for r in rows]


def region_choices() -> list[SelectChoice]:
    rows = db.session.execute(sa.select(Region.id, Region.name))
    return by_name([SelectChoice(r.id, r.name) for r in rows])


def commune_choices(scope_region_id: int | None = None) -> list[SelectChoice]:
    query = (
        sa.select(Commune.id, Commune.name, Region.name.label("region"))
        .join(Region, Commune.region_id == Region.id)
        .order_by(Region.name, Commune.name)
    )
    if scope_region_id is not None:
        query = query.where(Commune.region_id == scope_region_id)
    return by_name(
        [SelectChoice(r.id, f"{r.name} ({r.region})") for r in db.session.execute(query)]
    )


def village_choices(scope_region_id: int | None = None) -> list[SelectChoice]:
    query = (
        sa.select(Village.id, Village.name, Commune.name.label("commune"))
        .join(Commune, Village.commune_id == Commune.id)
        .order_by(Commune.name, Village.name)
    )
    if scope_region_id is not None:
        query = query.where(Commune.region_id == scope_region_id)
    return by_name(
        [SelectChoice(r.id, f"{r.name} – {r.commune}") for r in db.session.execute(query)]
    )


def sector_choices() -> list[SelectChoice]:
    column = Sector.name_fr if str(get_locale()).startswith("fr") else Sector.name_en
    rows = db.session.execute(sa.select(Sector.id, column.label("name")))
    return by_name([SelectChoice(r.id, r.name) for r in rows])


class PercentField(StringField):
    """A percentage typed the French way or the English way: `24`, `24,5`, `2.5 %`.

    `data` is the Decimal number of percent (24.5), exact; None when empty.
    """

    #: Said when the text is no number; subclasses for other decimals say their own.
    invalid_message = _l("Enter a percentage, e.g. 24 or 2,5.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = format(self.data.normalize(), "f")
        return text.replace(".", ",") if str(get_locale()).startswith("fr") else text

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = str(valuelist[0]).strip().removesuffix("%").strip().replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) >= 10**6:
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = value
