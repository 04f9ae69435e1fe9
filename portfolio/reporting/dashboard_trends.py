"""The dashboard's figures over time: PAR at month-ends, reintegration scores by
community, and how many enterprises are still operating months after their first support.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.monitoring.vocabulary import BusinessStatus
from portfolio.domain.vocabulary import EnterpriseStatus
from portfolio.models import (
    Commune,
    Enterprise,
    JournalEntry,
    Loan,
    LoanAllocation,
    LoanInstalment,
    Region,
    Visit,
    db,
)
from portfolio.models.base import Rate
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof
from portfolio.reporting.dashboard import add_months
from portfolio.reporting.summary import (
    PAYING_KIND,
    PortfolioFilters,
    enterprise_conditions,
    month_key,
)

# -- PAR at month-ends ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParPoint:
    on: date
    outstanding_xof: int
    par30_xof: int
    par90_xof: int

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


def month_ends(as_of: date, count: int = 12) -> list[date]:
    """The last `count - 1` month-ends before `as_of`, then `as_of` itself (oldest first)."""
    points = [as_of]
    y, m = as_of.year, as_of.month
    while len(points) < count:
        y, m = add_months(y, m, -1)
        points.append(date(y, m, calendar.monthrange(y, m)[1]))
    return sorted(points)


def par_trend(f: PortfolioFilters, as_of: date, count: int = 12) -> list[ParPoint]:
    """Outstanding, PAR30 and PAR90 at each point of `month_ends`, in ONE SQL query.

    Exactly `reporting.arrears.portfolio_quality` at each date (tested), without running it
    12 times. Allocation pays the oldest instalment first, so an instalment is still unpaid
    at D iff everything paid on the loan by D is below the instalment's `cumulative_xof`;
    a loan is past 30 days at D iff the last instalment due before D − 30 is still unpaid.
    Per loan that needs, at each point, the paid total and the cumulative due 30 and 90
    days before: one grouped pass over the allocations and one over the instalments.
    Outstanding at D is disbursed by D minus principal paid by D, 0 once written off.
    """
    points = month_ends(as_of, count)
    # A loan repaid in full (closed) by the first point owes nothing at any point, as in
    # reporting.arrears: left out before any sum.
    still_open = sa.select(Loan.id).where(
        sa.or_(Loan.closed_on.is_(None), Loan.closed_on > points[0])
    )
    paid = (
        sa.select(
            LoanAllocation.loan_id,
            *(
                sum_xof(
                    LoanAllocation.fee_xof
                    + LoanAllocation.interest_xof
                    + LoanAllocation.principal_xof,
                    where=LoanAllocation.paid_on <= d,
                ).label(f"t{k}")
                for k, d in enumerate(points)
            ),
            *(
                sum_xof(LoanAllocation.principal_xof, where=LoanAllocation.paid_on <= d).label(
                    f"p{k}"
                )
                for k, d in enumerate(points)
            ),
        )
        .where(LoanAllocation.paid_on <= as_of, LoanAllocation.loan_id.in_(still_open))
        .group_by(LoanAllocation.loan_id)
        .subquery()
    )
    due = (
        sa.select(
            LoanInstalment.loan_id,
            *(
                sa.func.max(LoanInstalment.cumulative_xof)
                .filter(LoanInstalment.due_on < d - timedelta(days=days))
                .label(f"c{days}_{k}")
                for k, d in enumerate(points)
                for days in (30, 90)
            ),
        )
        .join(
            Loan,
            sa.and_(
                Loan.id == LoanInstalment.loan_id,
                Loan.schedule_version == LoanInstalment.schedule_version,
            ),
        )
        .where(
            LoanInstalment.due_on < as_of - timedelta(days=30),
            sa.or_(Loan.closed_on.is_(None), Loan.closed_on > points[0]),
        )
        .group_by(LoanInstalment.loan_id)
        .subquery()
    )
    disbursed = standing(
        sa.select(
            JournalEntry.loan_id,
            *(
                sum_xof(JournalEntry.amount_xof, where=JournalEntry.value_on <= d).label(f"d{k}")
                for k, d in enumerate(points)
            ),
        )
        .where(
            JournalEntry.kind == EntryKind.LOAN_DISBURSEMENT,
            JournalEntry.value_on <= as_of,
            JournalEntry.loan_id.in_(still_open),
        )
        .group_by(JournalEntry.loan_id)
    ).subquery()
    written_off = standing(
        sa.select(JournalEntry.loan_id, sa.func.min(JournalEntry.value_on).label("on"))
        .where(JournalEntry.kind == EntryKind.LOAN_WRITE_OFF, JournalEntry.value_on <= as_of)
        .group_by(JournalEntry.loan_id)
    ).subquery()

    def outstanding(k: int, d: date) -> sa.ColumnElement:
        return sa.case(
            (sa.and_(written_off.c.on.is_not(None), written_off.c.on <= d), 0),
            else_=disbursed.c[f"d{k}"] - sa.func.coalesce(paid.c[f"p{k}"], 0),
        )

    def late(days: int, k: int) -> sa.ColumnElement[bool]:
        return due.c[f"c{days}_{k}"] > sa.func.coalesce(paid.c[f"t{k}"], 0)

    columns = []
    for k, d in enumerate(points):
        columns += [
            sum_xof(outstanding(k, d)).label(f"o{k}"),
            sum_xof(outstanding(k, d), where=late(30, k)).label(f"a{k}"),
            sum_xof(outstanding(k, d), where=late(90, k)).label(f"b{k}"),
        ]
    query = (
        sa.select(*columns)
        .select_from(disbursed)
        .join(Loan, Loan.id == disbursed.c.loan_id)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .outerjoin(paid, paid.c.loan_id == Loan.id)
        .outerjoin(due, due.c.loan_id == Loan.id)
        .outerjoin(written_off, written_off.c.loan_id == Loan.id)
        .where(*enterprise_conditions(_without_instrument(f), as_of))
    )
    row = db.session.execute(query).one()._mapping
    return [
        ParPoint(d, int(row[f"o{k}"]), int(row[f"a{k}"]), int(row[f"b{k}"]))
        for k, d in enumerate(points)
    ]


def _without_instrument(f: PortfolioFilters) -> PortfolioFilters:
    return PortfolioFilters(
        programme_id=f.programme_id,
        region_id=f.region_id,
        sector_id=f.sector_id,
        sex=f.sex,
        scope_region_id=f.scope_region_id,
    )


# -- reintegration scores by community -----------------------------------------------------


@dataclass(frozen=True)
class CommunityScores:
    """The study's Table 1 row: mean scores (0–1) of each enterprise's latest visit."""

    commune_id: int
    community: str
    region: str
    enterprises: int
    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None


def _mean(value) -> Decimal | None:
    # Scores are stored in millionths (models.base.Rate); two decimals as in the study.
    return None if value is None else round(Decimal(str(value)) / Rate.SCALE, 2)


def scores_by_community(f: PortfolioFilters, as_of: date) -> list[CommunityScores]:
    """Per commune, the mean of each scored enterprise's latest visit scores up to `as_of`,
    best composite first (one query)."""
    raw = {
        name: sa.type_coerce(getattr(Visit, f"{name}_score"), sa.BigInteger)
        for name in ("economic", "social", "psychosocial", "composite")
    }
    latest = (
        sa.select(
            Visit.enterprise_id,
            *(column.label(name) for name, column in raw.items()),
            sa.func.row_number()
            .over(
                partition_by=Visit.enterprise_id,
                order_by=(Visit.visited_on.desc(), Visit.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Visit.visited_on <= as_of,
            sa.or_(*(column.is_not(None) for column in raw.values())),
        )
        .subquery()
    )
    means = [
        sa.func.avg(sa.cast(latest.c[name], sa.Float)).label(name)
        for name in ("economic", "social", "psychosocial", "composite")
    ]
    query = (
        sa.select(
            Commune.id,
            Commune.name,
            Region.name.label("region"),
            sa.func.count(Enterprise.id).label("n"),
            *means,
        )
        .select_from(latest)
        .join(Enterprise, Enterprise.id == latest.c.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .join(Region, Region.id == Commune.region_id)
        .where(latest.c.rank == 1, *enterprise_conditions(f, as_of))
        .group_by(Commune.id, Commune.name, Region.name)
    )
    rows = [
        CommunityScores(
            commune_id=r.id,
            community=r.name,
            region=r.region,
            enterprises=r.n,
            economic=_mean(r.economic),
            social=_mean(r.social),
            psychosocial=_mean(r.psychosocial),
            composite=_mean(r.composite),
        )
        for r in db.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r.composite is None, -(r.composite or 0), r.community))


# -- survival ------------------------------------------------------------------------------

#: What a visit finds when the business no longer operates there.
STOPPED = (BusinessStatus.CLOSED, BusinessStatus.MOVED, BusinessStatus.NOT_FOUND)
SURVIVAL_STEP_MONTHS = 3


@dataclass(frozen=True)
class Cohort:
    """Enterprises first supported in one quarter, and the share still operating after
    0, 3, 6… months (only as far as the whole quarter has been observed)."""

    year: int
    quarter: int
    enterprises: int
    months: list[int]
    operating_share: list[Decimal]

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)


def survival_cohorts(f: PortfolioFilters, as_of: date, cohorts: int = 8) -> list[Cohort]:
    """Survival curves per quarter of first support (one query; the latest `cohorts`).

    An enterprise stops on the first visit that finds it closed, moved or not found; one
    recorded as closed with no such visit stops at its last visit, or else when its record
    was last changed (the date is not known better). The first support is its first
    standing grant payment, kit handover, allowance or loan disbursement. A cohort is shown
    at month m once its whole quarter is m months old.
    """
    first_support = (
        standing(
            sa.select(
                JournalEntry.enterprise_id, sa.func.min(JournalEntry.value_on).label("first_on")
            ).where(
                JournalEntry.kind.in_(tuple(PAYING_KIND.values())),
                JournalEntry.enterprise_id.is_not(None),
                JournalEntry.value_on <= as_of,
            )
        )
        .group_by(JournalEntry.enterprise_id)
        .subquery()
    )
    visits = (
        sa.select(
            Visit.enterprise_id,
            sa.func.min(Visit.visited_on)
            .filter(Visit.business_status.in_(STOPPED))
            .label("stopped_on"),
            sa.func.max(Visit.visited_on).label("last_visit_on"),
        )
        .where(Visit.visited_on <= as_of)
        .group_by(Visit.enterprise_id)
        .subquery()
    )
    stopped_on = sa.case(
        (visits.c.stopped_on.is_not(None), visits.c.stopped_on),
        (
            Enterprise.status == EnterpriseStatus.CLOSED,
            sa.func.coalesce(visits.c.last_visit_on, sa.func.date(Enterprise.updated_at)),
        ),
        else_=None,
    )
    fy, fm = month_key(first_support.c.first_on)
    sy, sm = month_key(stopped_on)
    lived = ((sy - fy) * 12 + sm - fm).label("lived")
    quarter = sa.case((fm <= 3, 1), (fm <= 6, 2), (fm <= 9, 3), else_=4)
    query = (
        sa.select(fy.label("y"), quarter.label("q"), lived, sa.func.count().label("n"))
        .select_from(first_support)
        .join(Enterprise, Enterprise.id == first_support.c.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .outerjoin(visits, visits.c.enterprise_id == Enterprise.id)
        .where(*enterprise_conditions(f, as_of))
        .group_by(fy, quarter, lived)
    )
    groups: dict[tuple[int, int], dict[int | None, int]] = {}
    for r in db.session.execute(query):
        groups.setdefault((int(r.y), int(r.q)), {})
        key = None if r.lived is None else int(r.lived)
        groups[(int(r.y), int(r.q))][key] = groups[(int(r.y), int(r.q))].get(key, 0) + r.n
    result = []
    for (year, q), counts in sorted(groups.items())[-cohorts:]:
        total = sum(counts.values())
        # The quarter's last month: every enterprise of the cohort is m months old at
        # (that month + m) when that month is complete by as_of.
        end_y, end_m = year, 3 * q
        months, shares = [], []
        m = 0
        while add_months(end_y, end_m, m) < (as_of.year, as_of.month):
            stopped = sum(n for lived, n in counts.items() if lived is not None and lived <= m)
            months.append(m)
            shares.append(round(Decimal(total - stopped) / total, 4))
            m += SURVIVAL_STEP_MONTHS
        result.append(Cohort(year, q, total, months, shares))
    return result
