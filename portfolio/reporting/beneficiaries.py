"""Beneficiary lists for screens, exports and the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portfolio.models import Beneficiary, Commune, Programme, Region, Village, db
from portfolio.reporting.filters import LIKE_ESCAPE, ListFilter, search_term
from portfolio.reporting.pagination import Page, paginate


@dataclass(frozen=True)
class BeneficiaryRow:
    id: int
    first_name: str
    last_name: str
    sex: str
    birth_year: int | None
    phone: str | None
    programme_code: str
    region: str
    commune: str
    village: str | None
    return_kind: str
    returned_from: str | None
    returned_on: date | None
    woman_head_of_household: bool
    external_case_number: str | None
    consent_on: date | None


def _query(f: ListFilter) -> sa.Select:
    b = Beneficiary
    query = (
        sa.select(
            b.id,
            b.first_name,
            b.last_name,
            b.sex,
            b.birth_year,
            b.phone,
            Programme.code.label("programme_code"),
            Region.name.label("region"),
            Commune.name.label("commune"),
            Village.name.label("village"),
            b.return_kind,
            b.returned_from,
            b.returned_on,
            b.woman_head_of_household,
            b.external_case_number,
            b.consent_on,
        )
        .join(Programme, b.programme_id == Programme.id)
        .join(Commune, b.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .outerjoin(Village, b.village_id == Village.id)
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if term := search_term(f.q):
        query = query.where(
            sa.or_(
                sa.func.lower(b.first_name + " " + b.last_name).like(term, escape=LIKE_ESCAPE),
                sa.func.lower(b.last_name + " " + b.first_name).like(term, escape=LIKE_ESCAPE),
                b.phone.like(term, escape=LIKE_ESCAPE),
                sa.func.lower(b.external_case_number).like(term, escape=LIKE_ESCAPE),
            )
        )
    if f.programme_id:
        query = query.where(b.programme_id == f.programme_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.commune_id:
        query = query.where(b.commune_id == f.commune_id)
    if f.sex:
        query = query.where(b.sex == f.sex)
    if f.return_kind:
        query = query.where(b.return_kind == f.return_kind)
    return query.order_by(b.last_name, b.first_name, b.id)


def beneficiary_page(f: ListFilter, page: int, per_page: int) -> Page[BeneficiaryRow]:
    return paginate(_query(f), BeneficiaryRow, page, per_page)


def beneficiary_rows(f: ListFilter) -> Iterator[BeneficiaryRow]:
    """Every matching row, streamed (exports)."""
    result = db.session.execute(_query(f).execution_options(yield_per=1000))
    for row in result:
        yield BeneficiaryRow(**row._mapping)
