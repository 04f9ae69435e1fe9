"""Loan lists, a loan's schedule with what was paid on it, and its journal: reads in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import Instrument, LoanStatus
from portfolio.models import (
    BudgetLine,
    Commune,
    Enterprise,
    JournalEntry,
    Lender,
    Loan,
    LoanAllocation,
    LoanInstalment,
    Programme,
    Region,
    User,
    db,
)
from portfolio.reporting.enterprises import lead_is_of_sex
from portfolio.reporting.filters import LIKE_ESCAPE, search_term
from portfolio.reporting.pagination import Page, paginate


@dataclass(frozen=True)
class LoanFilter:
    """What a person narrowed the loan list to. None means "all"."""

    q: str | None = None
    status: str | None = None
    lender_id: int | None = None
    programme_id: int | None = None
    region_id: int | None = None
    sector_id: int | None = None
    #: Sex of the enterprise's owner or president.
    sex: str | None = None
    #: Set by the access layer for field monitors, never by the person.
    scope_region_id: int | None = None


@dataclass(frozen=True)
class LoanRow:
    id: int
    enterprise_id: int
    enterprise_name: str
    lender_name: str
    programme_code: str
    region: str
    status: str
    amount_xof: int
    applied_on: date
    disbursed_on: date | None
    restructured: bool
    #: Principal lent and not repaid (0 unless the loan is being repaid).
    outstanding_xof: int


@dataclass(frozen=True)
class LoanPage:
    page: Page[LoanRow]
    #: Outstanding principal of the whole filtered list, not just this page.
    outstanding_xof: int


def _total(column) -> sa.ColumnElement[int]:
    # PostgreSQL sums a bigint as numeric (a Decimal in Python): francs stay int.
    return sa.cast(sa.func.sum(column), sa.BigInteger)


def loan_list_query(f: LoanFilter) -> sa.Select:
    # Only a loan being repaid has principal outstanding: a closed loan repaid
    # it all, a written-off one had the rest written off. What was repaid is kept on the
    # loan (services/loan_balances.py), not summed here over every allocation.
    outstanding = sa.case(
        (Loan.status == LoanStatus.ACTIVE, Loan.amount_xof - Loan.principal_repaid_xof),
        else_=0,
    )
    query = (
        sa.select(
            Loan.id,
            Loan.enterprise_id,
            Enterprise.name.label("enterprise_name"),
            Lender.name.label("lender_name"),
            Programme.code.label("programme_code"),
            Region.name.label("region"),
            Loan.status,
            Loan.amount_xof,
            Loan.applied_on,
            Loan.disbursed_on,
            Loan.restructured,
            outstanding.label("outstanding_xof"),
        )
        .join(Enterprise, Loan.enterprise_id == Enterprise.id)
        .join(Lender, Loan.lender_id == Lender.id)
        .join(Programme, Enterprise.programme_id == Programme.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
    )
    return query.where(*loan_conditions(f)).order_by(Loan.applied_on.desc(), Loan.id.desc())


def loan_conditions(f: LoanFilter) -> list[sa.ColumnElement[bool]]:
    """The list's filters, on a query that joins Loan, its Enterprise and their Commune
    (the list, and the download of the loans' journal)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if f.scope_region_id is not None:
        conditions.append(Commune.region_id == f.scope_region_id)
    if term := search_term(f.q):
        conditions.append(sa.func.lower(Enterprise.name).like(term, escape=LIKE_ESCAPE))
    if f.status:
        conditions.append(Loan.status == f.status)
    if f.lender_id:
        conditions.append(Loan.lender_id == f.lender_id)
    if f.programme_id:
        conditions.append(Enterprise.programme_id == f.programme_id)
    if f.region_id:
        conditions.append(Commune.region_id == f.region_id)
    if f.sector_id:
        conditions.append(Enterprise.sector_id == f.sector_id)
    if f.sex:
        conditions.append(lead_is_of_sex(f.sex))
    return conditions


def loan_page(f: LoanFilter, page: int, per_page: int) -> LoanPage:
    query = loan_list_query(f)
    listed = query.order_by(None).subquery()
    count, outstanding = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(listed.c.outstanding_xof), 0))
    ).one()
    return LoanPage(paginate(query, LoanRow, page, per_page, total=count), int(outstanding))


def loan_region_id(loan_id: int) -> int | None:
    """The region of the loan's enterprise (None if the loan does not exist)."""
    return db.session.scalar(
        sa.select(Commune.region_id)
        .join(Enterprise, Enterprise.commune_id == Commune.id)
        .join(Loan, Loan.enterprise_id == Enterprise.id)
        .where(Loan.id == loan_id)
    )


@dataclass(frozen=True)
class ScheduleLine:
    id: int
    number: int
    due_on: date
    principal_xof: int
    interest_xof: int  # as charged: 0 after an early repayment in full
    fee_xof: int
    paid_principal_xof: int
    paid_interest_xof: int
    paid_fee_xof: int
    last_paid_on: date | None

    @property
    def total_xof(self) -> int:
        return self.principal_xof + self.interest_xof + self.fee_xof

    @property
    def paid_xof(self) -> int:
        return self.paid_principal_xof + self.paid_interest_xof + self.paid_fee_xof

    @property
    def owed_xof(self) -> int:
        return self.total_xof - self.paid_xof

    def days_late(self, on: date) -> int:
        """Days since the due date if something is still owed; 0 otherwise."""
        return (on - self.due_on).days if self.owed_xof and self.due_on < on else 0


def schedule_lines(loan: Loan, version: int | None = None) -> list[ScheduleLine]:
    """The stored schedule in force, each instalment with what was allocated to it."""
    paid = (
        sa.select(
            LoanAllocation.instalment_id,
            _total(LoanAllocation.principal_xof).label("principal"),
            _total(LoanAllocation.interest_xof).label("interest"),
            _total(LoanAllocation.fee_xof).label("fee"),
            sa.func.max(LoanAllocation.paid_on).label("last_paid_on"),
        )
        .where(LoanAllocation.loan_id == loan.id)
        .group_by(LoanAllocation.instalment_id)
        .subquery()
    )
    i = LoanInstalment
    # Once a loan is repaid early, later instalments carry no interest or fees
    # (services.loan_position); the stored rows keep the schedule as agreed.
    waived = i.due_on > loan.closed_on if loan.closed_on else sa.false()
    rows = db.session.execute(
        sa.select(
            i.id,
            i.number,
            i.due_on,
            i.principal_xof,
            sa.case((waived, 0), else_=i.interest_xof).label("interest_xof"),
            sa.case((waived, 0), else_=i.fee_xof).label("fee_xof"),
            sa.func.coalesce(paid.c.principal, 0).label("paid_principal_xof"),
            sa.func.coalesce(paid.c.interest, 0).label("paid_interest_xof"),
            sa.func.coalesce(paid.c.fee, 0).label("paid_fee_xof"),
            paid.c.last_paid_on,
        )
        .outerjoin(paid, paid.c.instalment_id == i.id)
        .where(i.loan_id == loan.id, i.schedule_version == (version or loan.schedule_version))
        .order_by(i.due_on, i.number)
    )
    return [ScheduleLine(**row._mapping) for row in rows]


@dataclass(frozen=True)
class JournalLine:
    id: int
    kind: str
    value_on: date
    amount_xof: int
    channel: str | None
    reference: str | None
    reason: str | None
    recorded_at: datetime
    recorded_by: str | None
    reverses_id: int | None
    #: The reversal that cancelled this entry, if any.
    reversed_by_id: int | None


def loan_journal(loan_id: int) -> list[JournalLine]:
    """Every entry of the loan in value-date order, reversals included and marked."""
    reversal = so.aliased(JournalEntry)
    e = JournalEntry
    rows = db.session.execute(
        sa.select(
            e.id,
            e.kind,
            e.value_on,
            e.amount_xof,
            e.channel,
            e.reference,
            e.reason,
            e.recorded_at,
            User.name.label("recorded_by"),
            e.reverses_id,
            reversal.id.label("reversed_by_id"),
        )
        .outerjoin(User, e.recorded_by_id == User.id)
        .outerjoin(reversal, reversal.reverses_id == e.id)
        .where(e.loan_id == loan_id)
        .order_by(e.value_on, e.id)
    )
    return [JournalLine(**row._mapping) for row in rows]


def active_lenders() -> list[Lender]:
    return list(db.session.scalars(sa.select(Lender).where(Lender.active).order_by(Lender.name)))


def loan_budget_lines() -> list[BudgetLine]:
    """Budget lines a loan may be funded or guaranteed from."""
    return list(
        db.session.scalars(
            sa.select(BudgetLine)
            .where(BudgetLine.instrument == Instrument.LOAN)
            .options(so.joinedload(BudgetLine.programme))
            .order_by(BudgetLine.programme_id, BudgetLine.label)
        )
    )
