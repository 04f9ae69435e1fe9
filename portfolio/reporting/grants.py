"""Grants and training allowances as screens, the API and the enterprise page read them.

Every total (planned, paid, cancelled, left to pay) is computed in SQL with
grouped subqueries joined once, so a page of 50 grants costs the same two
queries as a page of 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.models import (
    Beneficiary,
    BudgetLine,
    Commune,
    Enterprise,
    Grant,
    GrantTranche,
    JournalEntry,
    Programme,
    Region,
    User,
    db,
)
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof
from portfolio.reporting.filters import LIKE_ESCAPE, ListFilter, search_term
from portfolio.reporting.pagination import Page, paginate


class GrantStatus(StrEnum):
    TO_PAY = "to_pay"  # something is left to pay
    PAID = "paid"  # everything not cancelled has been paid
    CANCELLED = "cancelled"  # every tranche was cancelled before any payment


@dataclass(frozen=True)
class GrantRow:
    id: int
    enterprise_id: int
    enterprise_name: str
    programme_id: int
    programme_code: str
    region: str
    budget_line_id: int
    budget_line_label: str
    purpose: str
    awarded_on: date
    tranche_count: int
    amount_xof: int
    cancelled_xof: int
    paid_xof: int
    left_xof: int
    status: str


@dataclass(frozen=True)
class TrancheRow:
    id: int
    number: int
    planned_on: date
    planned_xof: int
    milestone: str | None
    cancelled_on: date | None
    cancelled_xof: int | None
    cancel_reason: str | None
    cancelled_by: str | None
    paid_xof: int
    left_xof: int


@dataclass(frozen=True)
class EntryRow:
    """A payment or a reversal, as the history of a grant or an allowance shows it."""

    id: int
    kind: str
    value_on: date
    amount_xof: int
    tranche_number: int | None
    channel: str | None
    reference: str | None
    reason: str | None
    recorded_by: str | None
    recorded_at: datetime
    reverses_id: int | None
    #: The reversal that cancelled this row, if any.
    reversed_by_id: int | None


def _paid_by_tranche(only: sa.Select | None) -> sa.Subquery:
    query = sa.select(
        JournalEntry.grant_tranche_id.label("tranche_id"),
        sum_xof(JournalEntry.amount_xof).label("xof"),
    ).where(JournalEntry.kind == EntryKind.GRANT_PAYMENT)
    if only is not None:
        tranches = sa.select(GrantTranche.id).where(GrantTranche.grant_id.in_(only))
        query = query.where(JournalEntry.grant_tranche_id.in_(tranches))
    return standing(query.group_by(JournalEntry.grant_tranche_id)).subquery()


def _totals_by_grant(only: sa.Select | None) -> sa.Subquery:
    """Tranches, cancelled and paid per grant: of every grant, or of the grants `only`
    selects (one enterprise's page must not total the 40,000 grants of the portfolio)."""
    paid = _paid_by_tranche(only)
    query = (
        sa.select(
            GrantTranche.grant_id,
            sa.func.count(GrantTranche.id).label("tranches"),
            sum_xof(sa.func.coalesce(GrantTranche.cancelled_xof, 0)).label("cancelled_xof"),
            sum_xof(paid.c.xof).label("paid_xof"),
        )
        .outerjoin(paid, paid.c.tranche_id == GrantTranche.id)
        .group_by(GrantTranche.grant_id)
    )
    if only is not None:
        query = query.where(GrantTranche.grant_id.in_(only))
    return query.subquery()


def grant_list_query(f: ListFilter, only: sa.Select | None = None) -> sa.Select:
    totals = _totals_by_grant(only)
    cancelled = sa.func.coalesce(totals.c.cancelled_xof, 0)
    paid = sa.func.coalesce(totals.c.paid_xof, 0)
    left = Grant.amount_xof - cancelled - paid
    status = sa.case(
        (Grant.amount_xof - cancelled <= 0, GrantStatus.CANCELLED.value),
        (left > 0, GrantStatus.TO_PAY.value),
        else_=GrantStatus.PAID.value,
    )
    query = (
        sa.select(
            Grant.id,
            Grant.enterprise_id,
            Enterprise.name.label("enterprise_name"),
            Enterprise.programme_id,
            Programme.code.label("programme_code"),
            Region.name.label("region"),
            Grant.budget_line_id,
            BudgetLine.label.label("budget_line_label"),
            Grant.purpose,
            Grant.awarded_on,
            sa.func.coalesce(totals.c.tranches, 0).label("tranche_count"),
            Grant.amount_xof,
            sa.cast(cancelled, sa.BigInteger).label("cancelled_xof"),
            sa.cast(paid, sa.BigInteger).label("paid_xof"),
            sa.cast(left, sa.BigInteger).label("left_xof"),
            status.label("status"),
        )
        .join(Enterprise, Grant.enterprise_id == Enterprise.id)
        .join(Programme, Enterprise.programme_id == Programme.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .join(BudgetLine, Grant.budget_line_id == BudgetLine.id)
        .outerjoin(totals, totals.c.grant_id == Grant.id)
    )
    if only is not None:
        query = query.where(Grant.id.in_(only))
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if term := search_term(f.q):
        query = query.where(sa.func.lower(Enterprise.name).like(term, escape=LIKE_ESCAPE))
    if f.programme_id:
        query = query.where(Enterprise.programme_id == f.programme_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.status:
        query = query.where(status == f.status)
    return query.order_by(Grant.awarded_on.desc(), Grant.id.desc())


def grant_page(f: ListFilter, page: int, per_page: int) -> Page[GrantRow]:
    return paginate(grant_list_query(f), GrantRow, page, per_page)


def grant_row(grant_id: int) -> GrantRow | None:
    only = sa.select(Grant.id).where(Grant.id == grant_id)
    row = db.session.execute(grant_list_query(ListFilter(), only)).first()
    return GrantRow(**row._mapping) if row else None


def grants_of_enterprise(enterprise_id: int) -> list[GrantRow]:
    """For the enterprise page (templates/grants/_enterprise_grants.html)."""
    only = sa.select(Grant.id).where(Grant.enterprise_id == enterprise_id)
    rows = db.session.execute(grant_list_query(ListFilter(), only))
    return [GrantRow(**row._mapping) for row in rows]


def grant_tranches(grant_id: int) -> list[TrancheRow]:
    paid = _paid_by_tranche(sa.select(Grant.id).where(Grant.id == grant_id))
    paid_xof = sa.func.coalesce(paid.c.xof, 0)
    left = sa.case(
        (GrantTranche.cancelled_on.is_not(None), 0), else_=GrantTranche.planned_xof - paid_xof
    )
    query = (
        sa.select(
            GrantTranche.id,
            GrantTranche.number,
            GrantTranche.planned_on,
            GrantTranche.planned_xof,
            GrantTranche.milestone,
            GrantTranche.cancelled_on,
            GrantTranche.cancelled_xof,
            GrantTranche.cancel_reason,
            User.name.label("cancelled_by"),
            sa.cast(paid_xof, sa.BigInteger).label("paid_xof"),
            sa.cast(left, sa.BigInteger).label("left_xof"),
        )
        .outerjoin(paid, paid.c.tranche_id == GrantTranche.id)
        .outerjoin(User, GrantTranche.cancelled_by_id == User.id)
        .where(GrantTranche.grant_id == grant_id)
        .order_by(GrantTranche.number)
    )
    return [TrancheRow(**row._mapping) for row in db.session.execute(query)]


def entry_columns() -> tuple[sa.Select, so.AliasedClass]:
    """The columns of an EntryRow; callers add their own joins and conditions."""
    reversal = so.aliased(JournalEntry)
    query = (
        sa.select(
            JournalEntry.id,
            JournalEntry.kind,
            JournalEntry.value_on,
            JournalEntry.amount_xof,
            GrantTranche.number.label("tranche_number"),
            JournalEntry.channel,
            JournalEntry.reference,
            JournalEntry.reason,
            User.name.label("recorded_by"),
            JournalEntry.recorded_at,
            JournalEntry.reverses_id,
            reversal.id.label("reversed_by_id"),
        )
        .outerjoin(GrantTranche, JournalEntry.grant_tranche_id == GrantTranche.id)
        .outerjoin(User, JournalEntry.recorded_by_id == User.id)
        .outerjoin(reversal, reversal.reverses_id == JournalEntry.id)
    )
    return query, reversal


def grant_history(grant_id: int) -> list[EntryRow]:
    """Payments and their reversals, in date order (reversal rows carry the tranche)."""
    query, _ = entry_columns()
    query = query.where(
        GrantTranche.grant_id == grant_id,
        JournalEntry.kind.in_((EntryKind.GRANT_PAYMENT, EntryKind.REVERSAL)),
    ).order_by(JournalEntry.value_on, JournalEntry.id)
    return [EntryRow(**row._mapping) for row in db.session.execute(query)]


def grant_entry(entry_id: int) -> EntryRow | None:
    query, _ = entry_columns()
    row = db.session.execute(query.where(JournalEntry.id == entry_id)).first()
    return EntryRow(**row._mapping) if row else None


@dataclass(frozen=True)
class AllowanceRow:
    id: int
    value_on: date
    beneficiary_id: int
    beneficiary_name: str
    programme_code: str
    region: str
    allowance_kind: str
    period_on: date | None
    amount_xof: int
    channel: str | None
    reference: str | None
    budget_line_label: str
    enterprise_id: int | None
    recorded_by: str | None
    reversed_by_id: int | None
    reversal_reason: str | None


def allowance_list_query(f: ListFilter, kind: str | None) -> sa.Select:
    reversal = so.aliased(JournalEntry)
    query = (
        sa.select(
            JournalEntry.id,
            JournalEntry.value_on,
            JournalEntry.beneficiary_id,
            (Beneficiary.first_name + " " + Beneficiary.last_name).label("beneficiary_name"),
            Programme.code.label("programme_code"),
            Region.name.label("region"),
            JournalEntry.allowance_kind,
            JournalEntry.period_on,
            JournalEntry.amount_xof,
            JournalEntry.channel,
            JournalEntry.reference,
            BudgetLine.label.label("budget_line_label"),
            JournalEntry.enterprise_id,
            User.name.label("recorded_by"),
            reversal.id.label("reversed_by_id"),
            reversal.reason.label("reversal_reason"),
        )
        .join(Beneficiary, JournalEntry.beneficiary_id == Beneficiary.id)
        .join(Commune, Beneficiary.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .join(BudgetLine, JournalEntry.budget_line_id == BudgetLine.id)
        .join(Programme, BudgetLine.programme_id == Programme.id)
        .outerjoin(User, JournalEntry.recorded_by_id == User.id)
        .outerjoin(reversal, reversal.reverses_id == JournalEntry.id)
        .where(JournalEntry.kind == EntryKind.ALLOWANCE_PAYMENT)
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if term := search_term(f.q):
        name = sa.func.lower(Beneficiary.first_name + " " + Beneficiary.last_name)
        query = query.where(name.like(term, escape=LIKE_ESCAPE))
    if f.programme_id:
        query = query.where(BudgetLine.programme_id == f.programme_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if kind:
        query = query.where(JournalEntry.allowance_kind == kind)
    return query.order_by(JournalEntry.value_on.desc(), JournalEntry.id.desc())


def allowance_page(
    f: ListFilter, page: int, per_page: int, kind: str | None = None
) -> Page[AllowanceRow]:
    return paginate(allowance_list_query(f, kind), AllowanceRow, page, per_page)


def allowance_row(entry_id: int) -> AllowanceRow | None:
    query = allowance_list_query(ListFilter(), None).where(JournalEntry.id == entry_id)
    row = db.session.execute(query).first()
    return AllowanceRow(**row._mapping) if row else None
