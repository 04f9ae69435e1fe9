"""Arrears and portfolio at risk as of any date, computed in SQL (DOMAIN.md §5).

The same rules as portfolio.domain.ledger.arrears_on, for a whole
portfolio at once: a loan's days past due come from the oldest instalment
due before the date and not fully paid by it; PAR counts the WHOLE
outstanding principal of loans past the threshold. Dates are compared in
Python-computed cut-offs (DPD > 30 ⇔ oldest late due date < D − 30), so no
date arithmetic runs in SQL and SQLite and PostgreSQL agree.

Loans are judged on the schedule currently in force (after a reschedule,
the new one): a restructured loan is measured against what it owes now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portfolio.domain.ledger import AGEING_BUCKETS
from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.models import (
    Beneficiary,
    Commune,
    Enterprise,
    JournalEntry,
    Lender,
    Loan,
    LoanAllocation,
    LoanInstalment,
    db,
)
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof
from portfolio.reporting.enterprises import lead_is_of_sex, lead_value
from portfolio.reporting.pagination import MAX_PER_PAGE, Page, paginate


@dataclass(frozen=True)
class ArrearsFilter:
    programme_id: int | None = None
    lender_id: int | None = None
    region_id: int | None = None
    sector_id: int | None = None
    sex: str | None = None
    scope_region_id: int | None = None


@dataclass(frozen=True)
class LoanArrearsRow:
    loan_id: int
    enterprise_id: int
    enterprise: str
    owner: str | None
    phone: str | None
    lender: str
    oldest_late_on: date | None
    overdue_xof: int
    outstanding_xof: int
    next_due_on: date | None
    as_of: date

    @property
    def days_past_due(self) -> int:
        return (self.as_of - self.oldest_late_on).days if self.oldest_late_on else 0


@dataclass(frozen=True)
class BucketTotal:
    bucket: str
    loans: int
    outstanding_xof: int


@dataclass(frozen=True)
class PortfolioQuality:
    as_of: date
    loans: int
    outstanding_xof: int
    overdue_xof: int
    par30_xof: int
    par90_xof: int
    buckets: list[BucketTotal]

    @property
    def par30(self) -> Decimal:
        return (
            Decimal(self.par30_xof) / self.outstanding_xof if self.outstanding_xof else Decimal(0)
        )

    @property
    def par90(self) -> Decimal:
        return (
            Decimal(self.par90_xof) / self.outstanding_xof if self.outstanding_xof else Decimal(0)
        )


def _per_loan(as_of: date, *, next_due: bool = False) -> sa.Subquery:
    """One row per loan disbursed by `as_of`: oldest late due date, overdue, outstanding.

    Allocation pays instalments strictly in due order (domain.ledger.allocate),
    so what was paid by `as_of` covers a prefix of the schedule: an instalment
    is unpaid on `as_of` exactly when what is due up to it (its stored
    `cumulative_xof`) exceeds everything paid by then. One pass over the
    allocations per loan and one over the instalments, no per-instalment sums.
    A written-off loan owes nothing and is never late.
    """
    # Loans repaid in full by `as_of` owe nothing then: left out before any sum.
    open_on = sa.and_(
        Loan.disbursed_on <= as_of, sa.or_(Loan.closed_on.is_(None), Loan.closed_on > as_of)
    )
    paid = (
        sa.select(
            LoanAllocation.loan_id,
            sum_xof(
                LoanAllocation.fee_xof + LoanAllocation.interest_xof + LoanAllocation.principal_xof
            ).label("paid"),
            sum_xof(LoanAllocation.principal_xof).label("principal"),
        )
        .join(Loan, Loan.id == LoanAllocation.loan_id)
        .where(LoanAllocation.paid_on <= as_of, open_on)
        .group_by(LoanAllocation.loan_id)
        .subquery()
    )
    written_off = standing(
        sa.select(JournalEntry.loan_id)
        .where(JournalEntry.kind == EntryKind.LOAN_WRITE_OFF, JournalEntry.value_on <= as_of)
        .group_by(JournalEntry.loan_id)
    ).subquery()
    paid_xof = sa.func.coalesce(paid.c.paid, 0)
    unpaid = LoanInstalment.cumulative_xof > paid_xof
    past = LoanInstalment.due_on < as_of
    # Paid on instalments already due = min(paid, due so far): the rest ran ahead.
    short = sa.func.coalesce(sa.func.max(LoanInstalment.cumulative_xof).filter(past), 0) - paid_xof
    columns = [
        sa.func.min(LoanInstalment.due_on).filter(past, unpaid).label("oldest_late_on"),
        sa.cast(sa.case((short > 0, short), else_=0), sa.BigInteger).label("overdue_xof"),
    ]
    if next_due:
        columns.append(
            sa.func.min(LoanInstalment.due_on).filter(~past, unpaid).label("next_due_on")
        )
    else:
        columns.append(sa.null().label("next_due_on"))
    outstanding = sa.cast(Loan.amount_xof - sa.func.coalesce(paid.c.principal, 0), sa.BigInteger)
    return (
        sa.select(
            Loan.id.label("loan_id"),
            *columns,
            outstanding.label("outstanding_xof"),
        )
        .join(
            LoanInstalment,
            sa.and_(
                LoanInstalment.loan_id == Loan.id,
                LoanInstalment.schedule_version == Loan.schedule_version,
            ),
        )
        .outerjoin(paid, paid.c.loan_id == Loan.id)
        .where(open_on, Loan.id.not_in(sa.select(written_off.c.loan_id)))
        .group_by(Loan.id, Loan.amount_xof, paid.c.paid, paid.c.principal)
        .subquery()
    )


def _per_loan_from_balances(as_of: date, *, next_due: bool = False) -> sa.Subquery:
    """`_per_loan` for a date from today on, read from the balances kept on each loan
    (services/loan_balances.py) instead of summing every allocation.

    Nothing is paid after today (a future date is refused), so every allocation counts:
    the loans are the active ones, a loan is late iff its oldest unpaid instalment fell
    due before `as_of`, and only a late loan looks up what was due by then (one index
    probe). Tested to agree with `_per_loan` after random sequences of operations.
    """
    late = Loan.oldest_unpaid_due_on < as_of

    def instalments(column: sa.ColumnElement, *conditions) -> sa.ScalarSelect:
        return (
            sa.select(column)
            .where(
                LoanInstalment.loan_id == Loan.id,
                LoanInstalment.schedule_version == Loan.schedule_version,
                *conditions,
            )
            .scalar_subquery()
        )

    due_by_then = instalments(
        sa.func.max(LoanInstalment.cumulative_xof), LoanInstalment.due_on < as_of
    )
    columns = [
        sa.case((late, Loan.oldest_unpaid_due_on), else_=None).label("oldest_late_on"),
        sa.cast(sa.case((late, due_by_then - Loan.repaid_xof), else_=0), sa.BigInteger).label(
            "overdue_xof"
        ),
    ]
    if next_due:
        # Not late: the oldest unpaid instalment is the next one; late: the first due
        # from `as_of` on (every later instalment is unpaid).
        first_from_then = instalments(
            sa.func.min(LoanInstalment.due_on), LoanInstalment.due_on >= as_of
        )
        columns.append(
            sa.case((late, first_from_then), else_=Loan.oldest_unpaid_due_on).label("next_due_on")
        )
    else:
        columns.append(sa.null().label("next_due_on"))
    outstanding = sa.cast(Loan.amount_xof - Loan.principal_repaid_xof, sa.BigInteger)
    return (
        sa.select(Loan.id.label("loan_id"), *columns, outstanding.label("outstanding_xof"))
        .where(Loan.status == LoanStatus.ACTIVE)
        .subquery()
    )


def per_loan(as_of: date, *, next_due: bool = False, from_balances: bool | None = None):
    """Each open loan's position on `as_of`: from the balances kept on the loans for today
    or later, from the allocations for a past date (or as `from_balances` says)."""
    if from_balances is None:
        from_balances = as_of >= date.today()
    if from_balances:
        return _per_loan_from_balances(as_of, next_due=next_due)
    return _per_loan(as_of, next_due=next_due)


def _filtered(query: sa.Select, f: ArrearsFilter) -> sa.Select:
    query = query.join(Enterprise, Enterprise.id == Loan.enterprise_id).join(
        Commune, Commune.id == Enterprise.commune_id
    )
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.programme_id:
        query = query.where(Enterprise.programme_id == f.programme_id)
    if f.sector_id:
        query = query.where(Enterprise.sector_id == f.sector_id)
    if f.lender_id:
        query = query.where(Loan.lender_id == f.lender_id)
    if f.sex:
        query = query.where(lead_is_of_sex(f.sex))
    return query


def portfolio_quality(
    as_of: date, f: ArrearsFilter | None = None, *, from_balances: bool | None = None
) -> PortfolioQuality:
    """Outstanding, overdue, PAR30, PAR90 and the ageing buckets: one SQL query."""
    f = f or ArrearsFilter()
    loans = per_loan(as_of, from_balances=from_balances)
    late = loans.c.oldest_late_on
    outstanding = loans.c.outstanding_xof

    def late_beyond(days: int):
        return sa.and_(late.is_not(None), late < as_of - timedelta(days=days))

    bucket_columns = []
    for label, low, high in AGEING_BUCKETS:
        if low == 0:
            condition = sa.or_(late.is_(None))
        else:
            condition = (
                sa.and_(late_beyond(low - 1), sa.not_(late_beyond(high)))
                if high
                else late_beyond(low - 1)
            )
        bucket_columns += [
            sa.func.count().filter(condition).label(f"n_{label}"),
            sum_xof(outstanding, where=condition).label(f"x_{label}"),
        ]
    query = _filtered(
        sa.select(
            sa.func.count().label("loans"),
            sum_xof(outstanding).label("outstanding_xof"),
            sum_xof(loans.c.overdue_xof).label("overdue_xof"),
            sum_xof(outstanding, where=late_beyond(30)).label("par30"),
            sum_xof(outstanding, where=late_beyond(90)).label("par90"),
            *bucket_columns,
        )
        .select_from(loans)
        .join(Loan, Loan.id == loans.c.loan_id)
        .where(outstanding > 0),
        f,
    )
    row = db.session.execute(query).one()._mapping
    return PortfolioQuality(
        as_of=as_of,
        loans=row["loans"],
        outstanding_xof=int(row["outstanding_xof"]),
        overdue_xof=int(row["overdue_xof"]),
        par30_xof=int(row["par30"]),
        par90_xof=int(row["par90"]),
        buckets=[
            BucketTotal(label, row[f"n_{label}"], int(row[f"x_{label}"]))
            for label, _, _ in AGEING_BUCKETS
        ],
    )


def due_and_late(
    as_of: date,
    f: ArrearsFilter,
    page: int,
    per_page: int,
    due_within_days: int = 7,
    *,
    from_balances: bool | None = None,
) -> Page[LoanArrearsRow]:
    """Loans late on `as_of` (most days late first), then those falling due within a week:
    who to call, with the owner's phone."""
    loans = per_loan(as_of, next_due=True, from_balances=from_balances)
    owner = lead_value(Beneficiary.first_name + " " + Beneficiary.last_name)
    phone = lead_value(Beneficiary.phone)
    soon = as_of + timedelta(days=due_within_days)
    query = _filtered(
        sa.select(
            loans.c.loan_id,
            Enterprise.id.label("enterprise_id"),
            Enterprise.name.label("enterprise"),
            owner.label("owner"),
            phone.label("phone"),
            Lender.name.label("lender"),
            loans.c.oldest_late_on,
            loans.c.overdue_xof,
            loans.c.outstanding_xof,
            loans.c.next_due_on,
            sa.literal(as_of, sa.Date).label("as_of"),
        )
        .select_from(loans)
        .join(Loan, Loan.id == loans.c.loan_id)
        .join(Lender, Lender.id == Loan.lender_id)
        .where(
            loans.c.outstanding_xof > 0,
            sa.or_(loans.c.oldest_late_on.is_not(None), loans.c.next_due_on <= soon),
        ),
        f,
    ).order_by(loans.c.oldest_late_on.asc().nulls_last(), loans.c.next_due_on, Loan.id)
    # One pass: the page's rows carry the list's length (count(*) OVER ()), so the
    # per-loan positions are computed once, not once more for a separate count.
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    counted = query.add_columns(sa.func.count().over().label("total"))
    rows = db.session.execute(counted.limit(per_page).offset((page - 1) * per_page)).all()
    if not rows:
        return paginate(query, LoanArrearsRow, page, per_page)
    return Page(
        [LoanArrearsRow(**{k: v for k, v in r._mapping.items() if k != "total"}) for r in rows],
        page,
        per_page,
        rows[0].total,
    )
