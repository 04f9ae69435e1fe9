"""Kit handovers and the kit catalogue, read for screens and the API.

A fixed number of queries whatever the number of rows: the handover's value
comes from its journal entry (one row each), "reversed" from the reversal
row that names it, and items are fetched in one query for all kits shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.models import (
    Beneficiary,
    BudgetLine,
    Commune,
    Enterprise,
    JournalEntry,
    KitDelivery,
    KitDeliveryItem,
    KitTemplate,
    KitTemplateItem,
    Programme,
    Region,
    Sector,
    User,
    Village,
    db,
)
from portfolio.reporting.enterprises import lead_value
from portfolio.reporting.filters import LIKE_ESCAPE, search_term
from portfolio.reporting.pagination import MAX_PER_PAGE, Page


@dataclass(frozen=True)
class KitFilter:
    """What a person narrowed the handover list to. None means "all"."""

    q: str | None = None
    programme_id: int | None = None
    region_id: int | None = None
    commune_id: int | None = None
    sector_id: int | None = None
    template_id: int | None = None
    enterprise_id: int | None = None
    from_on: date | None = None
    to_on: date | None = None
    #: Set by the access layer for field monitors, never by the person.
    scope_region_id: int | None = None


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    certificate_number: str
    delivered_on: date
    delivered_by: str
    enterprise_id: int
    enterprise_name: str
    programme_code: str
    region: str
    commune: str
    sector_fr: str
    sector_en: str
    template_name: str | None
    value_xof: int
    reversed: bool

    def sector(self, locale: str) -> str:
        return self.sector_fr if locale.startswith("fr") else self.sector_en


@dataclass(frozen=True)
class DeliveryPage(Page[DeliveryRow]):
    #: Value of the filtered handovers that stand (reversed ones do not count).
    total_value_xof: int = 0


@dataclass(frozen=True)
class ItemRow:
    name: str
    quantity: int
    unit_cost_xof: int
    value_xof: int
    supplier: str | None = None


_handover = so.aliased(JournalEntry, name="handover")
_reversal = so.aliased(JournalEntry, name="reversal")


def _with_entries(query: sa.Select) -> sa.Select:
    """Join the handover's journal entry and, if any, the reversal that cancels it."""
    return query.outerjoin(
        _handover,
        sa.and_(
            _handover.kit_delivery_id == KitDelivery.id,
            _handover.kind == EntryKind.KIT_DELIVERY,
        ),
    ).outerjoin(_reversal, _reversal.reverses_id == _handover.id)


def _filtered(query: sa.Select, f: KitFilter) -> sa.Select:
    query = _with_entries(
        query.select_from(KitDelivery)
        .join(Enterprise, KitDelivery.enterprise_id == Enterprise.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if term := search_term(f.q):
        query = query.where(
            sa.or_(
                sa.func.lower(KitDelivery.certificate_number).like(term, escape=LIKE_ESCAPE),
                sa.func.lower(Enterprise.name).like(term, escape=LIKE_ESCAPE),
            )
        )
    conditions = (
        (f.programme_id, Enterprise.programme_id),
        (f.region_id, Commune.region_id),
        (f.commune_id, Enterprise.commune_id),
        (f.sector_id, Enterprise.sector_id),
        (f.template_id, KitDelivery.template_id),
        (f.enterprise_id, KitDelivery.enterprise_id),
    )
    for wanted, column in conditions:
        if wanted:
            query = query.where(column == wanted)
    if f.from_on:
        query = query.where(KitDelivery.delivered_on >= f.from_on)
    if f.to_on:
        query = query.where(KitDelivery.delivered_on <= f.to_on)
    return query


def delivery_list_query(f: KitFilter) -> sa.Select:
    query = sa.select(
        KitDelivery.id,
        KitDelivery.certificate_number,
        KitDelivery.delivered_on,
        KitDelivery.delivered_by,
        KitDelivery.enterprise_id,
        Enterprise.name.label("enterprise_name"),
        Programme.code.label("programme_code"),
        Region.name.label("region"),
        Commune.name.label("commune"),
        Sector.name_fr.label("sector_fr"),
        Sector.name_en.label("sector_en"),
        KitTemplate.name.label("template_name"),
        sa.func.coalesce(_handover.amount_xof, 0).label("value_xof"),
        (_reversal.id.is_not(None)).label("reversed"),
    )
    return (
        _filtered(query, f)
        .join(Programme, Enterprise.programme_id == Programme.id)
        .join(Sector, Enterprise.sector_id == Sector.id)
        .join(Region, Commune.region_id == Region.id)
        .outerjoin(KitTemplate, KitDelivery.template_id == KitTemplate.id)
        .order_by(KitDelivery.delivered_on.desc(), KitDelivery.id.desc())
    )


def delivery_page(f: KitFilter, page: int, per_page: int) -> DeliveryPage:
    """One page of handovers, with the count and standing value of the whole filtered list."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    standing_value = sa.case((_reversal.id.is_(None), _handover.amount_xof), else_=0)
    totals = db.session.execute(
        _filtered(
            sa.select(
                sa.func.count(KitDelivery.id),
                # bigint sums are numeric on PostgreSQL: back to whole francs.
                sa.cast(sa.func.coalesce(sa.func.sum(standing_value), 0), sa.BigInteger),
            ),
            f,
        )
    ).one()
    rows = db.session.execute(delivery_list_query(f).limit(per_page).offset((page - 1) * per_page))
    return DeliveryPage(
        [DeliveryRow(**row._mapping) for row in rows],
        page,
        per_page,
        totals[0] or 0,
        total_value_xof=int(totals[1] or 0),
    )


def _items_of(delivery_ids: list[int]) -> dict[int, tuple[ItemRow, ...]]:
    """Items of many handovers in one query, grouped by handover."""
    rows = db.session.execute(
        sa.select(
            KitDeliveryItem.delivery_id,
            KitDeliveryItem.name,
            KitDeliveryItem.quantity,
            KitDeliveryItem.unit_cost_xof,
            (KitDeliveryItem.quantity * KitDeliveryItem.unit_cost_xof).label("value_xof"),
        )
        .where(KitDeliveryItem.delivery_id.in_(delivery_ids))
        .order_by(KitDeliveryItem.delivery_id, KitDeliveryItem.id)
    )
    grouped: dict[int, list[ItemRow]] = {}
    for row in rows:
        delivery_id, *values = row
        grouped.setdefault(delivery_id, []).append(ItemRow(*values))
    return {key: tuple(items) for key, items in grouped.items()}


@dataclass(frozen=True)
class EnterpriseKit(DeliveryRow):
    items: tuple[ItemRow, ...] = ()


def kits_of_enterprise(enterprise_id: int) -> list[EnterpriseKit]:
    """The kits an enterprise received, newest first, with their items (two queries)."""
    rows = db.session.execute(delivery_list_query(KitFilter(enterprise_id=enterprise_id))).all()
    items = _items_of([row.id for row in rows]) if rows else {}
    return [EnterpriseKit(**row._mapping, items=items.get(row.id, ())) for row in rows]


@dataclass(frozen=True)
class DeliveryDetail(DeliveryRow):
    """A handover as its page, its certificate and the API show it."""

    recorded_at: datetime
    recorded_by: str
    region_id: int
    village: str | None
    programme_name: str
    budget_line_id: int
    budget_line: str
    template_id: int | None
    owner_name: str | None
    owner_phone: str | None
    journal_entry_id: int | None
    reversed_on: date | None
    reversal_reason: str | None
    reversed_by: str | None
    items: tuple[ItemRow, ...] = ()


def delivery_detail(delivery_id: int, scope_region_id: int | None = None) -> DeliveryDetail | None:
    """One handover with its items (two queries); None if missing or outside the region."""
    recorder, reverser = so.aliased(User), so.aliased(User)
    query = (
        delivery_list_query(KitFilter(scope_region_id=scope_region_id))
        .add_columns(
            KitDelivery.created_at.label("recorded_at"),
            recorder.name.label("recorded_by"),
            Commune.region_id,
            Village.name.label("village"),
            Programme.name.label("programme_name"),
            KitDelivery.budget_line_id,
            BudgetLine.label.label("budget_line"),
            KitDelivery.template_id,
            lead_value(
                Beneficiary.first_name + " " + Beneficiary.last_name, KitDelivery.enterprise_id
            ).label("owner_name"),
            lead_value(Beneficiary.phone, KitDelivery.enterprise_id).label("owner_phone"),
            _handover.id.label("journal_entry_id"),
            _reversal.value_on.label("reversed_on"),
            _reversal.reason.label("reversal_reason"),
            reverser.name.label("reversed_by"),
        )
        .outerjoin(Village, Enterprise.village_id == Village.id)
        .join(BudgetLine, KitDelivery.budget_line_id == BudgetLine.id)
        .join(recorder, KitDelivery.recorded_by_id == recorder.id)
        .outerjoin(reverser, _reversal.recorded_by_id == reverser.id)
        .where(KitDelivery.id == delivery_id)
    )
    row = db.session.execute(query).first()
    if row is None:
        return None
    return DeliveryDetail(**row._mapping, items=_items_of([delivery_id]).get(delivery_id, ()))


# --- the catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    sector_id: int
    sector_code: str
    sector_fr: str
    sector_en: str
    active: bool
    value_xof: int
    items: tuple[ItemRow, ...] = ()

    def sector(self, locale: str) -> str:
        return self.sector_fr if locale.startswith("fr") else self.sector_en


def kit_templates(*, active_only: bool = False) -> list[TemplateRow]:
    """The catalogue with each kit's items and value (two queries)."""
    value = (
        sa.select(
            KitTemplateItem.template_id,
            sa.cast(
                sa.func.sum(KitTemplateItem.quantity * KitTemplateItem.unit_cost_xof), sa.BigInteger
            ).label("xof"),
        )
        .group_by(KitTemplateItem.template_id)
        .subquery()
    )
    query = (
        sa.select(
            KitTemplate.id,
            KitTemplate.name,
            KitTemplate.sector_id,
            Sector.code.label("sector_code"),
            Sector.name_fr.label("sector_fr"),
            Sector.name_en.label("sector_en"),
            KitTemplate.active,
            sa.func.coalesce(value.c.xof, 0).label("value_xof"),
        )
        .join(Sector, KitTemplate.sector_id == Sector.id)
        .outerjoin(value, value.c.template_id == KitTemplate.id)
        .order_by(KitTemplate.name)
    )
    if active_only:
        query = query.where(KitTemplate.active)
    templates = db.session.execute(query).all()
    item_rows = db.session.execute(
        sa.select(
            KitTemplateItem.template_id,
            KitTemplateItem.name,
            KitTemplateItem.quantity,
            KitTemplateItem.unit_cost_xof,
            (KitTemplateItem.quantity * KitTemplateItem.unit_cost_xof).label("value_xof"),
            KitTemplateItem.supplier,
        ).order_by(KitTemplateItem.template_id, KitTemplateItem.id)
    )
    items: dict[int, list[ItemRow]] = {}
    for template_id, *values in item_rows:
        items.setdefault(template_id, []).append(ItemRow(*values))
    return [TemplateRow(**row._mapping, items=tuple(items.get(row.id, ()))) for row in templates]
