"""The portfolio in figures, as of a date: the dashboard, the summary API and the donor
report all read this one function, so they cannot disagree.

What each filter narrows (documented for the API too):

- programme, region, sector: the enterprise's (a person's own programme and commune for
  beneficiaries; for a training allowance paid to a person without an enterprise, the
  person's);
- sex: the person's sex for beneficiaries, the lead's (owner or president) for
  enterprises, money and loans;
- instrument: enterprises that received that support (a standing grant payment, kit
  handover, training allowance or loan disbursement by the as-of date), the people who are
  members of them, and only that instrument's money;
- period (from, to): money committed or disbursed, and visits due, within the period.
  Counts of people and enterprises are the registry as it stands (enterprise status is
  not historised); money, loans, PAR and visits are as of the date.

Money per instrument is what is committed / disbursed against the programme's budget
lines (as on the budget pages; the programme filter is the line's programme). Budgets are
not split by region, sector or sex, so "vs budget" then compares the filtered money with
the programme's whole lines. Loans outstanding and PAR cover every loan, funded by the
programme or not.

Ratios in `portfolio_summary_dict` are floats rounded to 4 decimals (0.0683 = 6.83 %);
money is whole francs (int).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import EntryKind, Instrument
from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.domain.vocabulary import EnterpriseStatus, Sex
from portfolio.models import (
    Beneficiary,
    BudgetLine,
    Commune,
    Enterprise,
    EnterpriseMember,
    EnterpriseRisk,
    Grant,
    GrantTranche,
    JournalEntry,
    Loan,
    PlannedVisit,
    Visit,
    db,
)
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof
from portfolio.reporting.arrears import ArrearsFilter, portfolio_quality
from portfolio.reporting.dashboard_cache import memoised
from portfolio.reporting.enterprises import LEAD_ROLES
from portfolio.services.budgets import COMMITTED_LOANS

#: The journal kind that hands out each instrument.
PAYING_KIND = {
    Instrument.GRANT: EntryKind.GRANT_PAYMENT,
    Instrument.KIT: EntryKind.KIT_DELIVERY,
    Instrument.LOAN: EntryKind.LOAN_DISBURSEMENT,
    Instrument.TRAINING: EntryKind.ALLOWANCE_PAYMENT,
}
INSTRUMENTS = tuple(Instrument)


@dataclass(frozen=True)
class PortfolioFilters:
    """What a person narrowed the portfolio to. None means "all"."""

    programme_id: int | None = None
    region_id: int | None = None
    sector_id: int | None = None
    sex: str | None = None
    instrument: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    #: Set by the access layer for field monitors, never by the person.
    scope_region_id: int | None = None

    def arrears_filter(self) -> ArrearsFilter:
        return ArrearsFilter(
            programme_id=self.programme_id,
            region_id=self.region_id,
            sector_id=self.sector_id,
            sex=self.sex,
            scope_region_id=self.scope_region_id,
        )


@dataclass(frozen=True)
class InstrumentMoney:
    instrument: str
    budget_xof: int
    committed_xof: int
    disbursed_xof: int

    @property
    def instrument_enum(self) -> Instrument:
        return Instrument(self.instrument)

    @property
    def disbursed_share(self) -> Decimal:
        """Disbursed / budget (0 without a budget)."""
        return Decimal(self.disbursed_xof) / self.budget_xof if self.budget_xof else Decimal(0)


@dataclass(frozen=True)
class PortfolioSummary:
    as_of: date
    filters: PortfolioFilters
    beneficiaries: int
    women: int
    enterprises: int
    enterprises_active: int
    enterprises_paused: int
    enterprises_closed: int
    #: People working in operating businesses: owners/members, employees, family.
    jobs_owners: int
    jobs_paid: int
    jobs_family: int
    communes: int
    villages: int
    sectors: int
    money: list[InstrumentMoney]
    loans: int
    outstanding_xof: int
    overdue_xof: int
    par30_xof: int
    par90_xof: int
    #: Enterprises per risk level (every level present; no enterprise_risk row = ok).
    risk: dict[str, int] = field(default_factory=dict)
    visits_due: int = 0
    visits_done: int = 0
    #: The money per instrument and month the totals were summed from (the dashboard's
    #: monthly curve reuses it rather than reading the journal again).
    money_by_month: tuple[MonthMoney, ...] = ()

    @property
    def women_share(self) -> Decimal:
        return Decimal(self.women) / self.beneficiaries if self.beneficiaries else Decimal(0)

    @property
    def jobs(self) -> int:
        return self.jobs_owners + self.jobs_paid + self.jobs_family

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

    @property
    def visits_done_share(self) -> Decimal:
        return Decimal(self.visits_done) / self.visits_due if self.visits_due else Decimal(0)

    @property
    def budget_xof(self) -> int:
        return sum(m.budget_xof for m in self.money)

    @property
    def committed_xof(self) -> int:
        return sum(m.committed_xof for m in self.money)

    @property
    def disbursed_xof(self) -> int:
        return sum(m.disbursed_xof for m in self.money)

    @property
    def at_risk(self) -> int:
        return self.risk.get(RiskLevel.AT_RISK, 0) + self.risk.get(RiskLevel.CRITICAL, 0)


# -- shared conditions ---------------------------------------------------------------------


def lead_sex_is(sex: str, enterprise_id: sa.ColumnElement) -> sa.Exists:
    lead = so.aliased(Beneficiary)
    member = so.aliased(EnterpriseMember)
    return sa.exists().where(
        member.enterprise_id == enterprise_id,
        member.role.in_(LEAD_ROLES),
        member.beneficiary_id == lead.id,
        lead.sex == sex,
    )


def received(instrument: str, enterprise_id: sa.ColumnElement, as_of: date) -> sa.Exists:
    """The enterprise received this instrument by `as_of` (a standing paying entry)."""
    entry = so.aliased(JournalEntry)
    return sa.exists(
        standing(
            sa.select(entry.id).where(
                entry.enterprise_id == enterprise_id,
                entry.kind == PAYING_KIND[Instrument(instrument)],
                entry.value_on <= as_of,
            ),
            entry,
        )
    )


def enterprise_conditions(
    f: PortfolioFilters, as_of: date, enterprise=Enterprise, commune=Commune, sex: bool = True
) -> list[sa.ColumnElement[bool]]:
    """Conditions on an enterprise (and its commune, which the query joins)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if f.scope_region_id is not None:
        conditions.append(commune.region_id == f.scope_region_id)
    if f.programme_id:
        conditions.append(enterprise.programme_id == f.programme_id)
    if f.region_id:
        conditions.append(commune.region_id == f.region_id)
    if f.sector_id:
        conditions.append(enterprise.sector_id == f.sector_id)
    if sex and f.sex:
        conditions.append(lead_sex_is(f.sex, enterprise.id))
    if f.instrument:
        conditions.append(received(f.instrument, enterprise.id, as_of))
    return conditions


def in_period(column: sa.ColumnElement, f: PortfolioFilters, as_of: date) -> sa.ColumnElement:
    conditions = [column <= as_of]
    if f.period_from:
        conditions.append(column >= f.period_from)
    if f.period_to:
        conditions.append(column <= f.period_to)
    return sa.and_(*conditions)


# -- the figures ---------------------------------------------------------------------------


def _people(f: PortfolioFilters, as_of: date) -> sa.Row:
    query = sa.select(
        sa.func.count(Beneficiary.id).label("beneficiaries"),
        sa.func.count(Beneficiary.id).filter(Beneficiary.sex == Sex.FEMALE).label("women"),
    ).join(Commune, Beneficiary.commune_id == Commune.id)
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.programme_id:
        query = query.where(Beneficiary.programme_id == f.programme_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.sex:
        query = query.where(Beneficiary.sex == f.sex)
    if f.sector_id or f.instrument:
        # Members of the enterprises in that sector / that received that instrument.
        e = so.aliased(Enterprise)
        member = so.aliased(EnterpriseMember)
        conditions = [member.beneficiary_id == Beneficiary.id, member.enterprise_id == e.id]
        if f.sector_id:
            conditions.append(e.sector_id == f.sector_id)
        if f.instrument:
            conditions.append(received(f.instrument, e.id, as_of))
        query = query.where(sa.exists().where(*conditions))
    return db.session.execute(query).one()


def _businesses(f: PortfolioFilters, as_of: date) -> sa.RowMapping:
    active = Enterprise.status == EnterpriseStatus.ACTIVE
    # Owners and members of the operating enterprises: a semi-join of the members on the
    # filtered enterprises' ids, not a count per enterprise of all 200,000 members.
    e, place = so.aliased(Enterprise), so.aliased(Commune)
    operating = (
        sa.select(e.id)
        .join(place, e.commune_id == place.id)
        .where(e.status == EnterpriseStatus.ACTIVE, *enterprise_conditions(f, as_of, e, place))
    )
    owners = (
        sa.select(sa.func.count(EnterpriseMember.id))
        .where(EnterpriseMember.enterprise_id.in_(operating))
        .scalar_subquery()
    )
    level = sa.func.coalesce(EnterpriseRisk.level, RiskLevel.OK.value)
    query = (
        sa.select(
            sa.func.count(Enterprise.id).label("enterprises"),
            sa.func.count(Enterprise.id).filter(active).label("active"),
            sa.func.count(Enterprise.id)
            .filter(Enterprise.status == EnterpriseStatus.TEMPORARILY_CLOSED)
            .label("paused"),
            sa.func.count(Enterprise.id)
            .filter(Enterprise.status == EnterpriseStatus.CLOSED)
            .label("closed"),
            owners.label("owners"),
            sum_xof(Enterprise.paid_employees, where=active).label("paid"),
            sum_xof(Enterprise.family_workers, where=active).label("family"),
            sa.func.count(sa.distinct(Enterprise.commune_id)).label("communes"),
            sa.func.count(sa.distinct(Enterprise.village_id)).label("villages"),
            sa.func.count(sa.distinct(Enterprise.sector_id)).label("sectors"),
            *(
                sa.func.count(Enterprise.id).filter(level == risk.value).label(f"risk_{risk}")
                for risk in RiskLevel
            ),
        )
        .join(Commune, Enterprise.commune_id == Commune.id)
        .outerjoin(EnterpriseRisk, EnterpriseRisk.enterprise_id == Enterprise.id)
        .where(*enterprise_conditions(f, as_of))
    )
    return db.session.execute(query).one()._mapping


def _money_flows(f: PortfolioFilters, as_of: date, payments_only: bool = False) -> sa.Subquery:
    """Rows (instrument, committed, disbursed, enterprise, person, line) of every franc
    promised or handed out against a budget line in the period by `as_of`, with the same
    rules as the budget pages (a loan the programme neither funds nor guarantees has no
    line: it is in the loan portfolio, not in the programme's money)."""
    paying = sa.case(
        *((JournalEntry.kind == kind, instrument.value) for instrument, kind in PAYING_KIND.items())
    )
    entries = standing(
        sa.select(
            paying.label("instrument"),
            sa.case(
                (
                    JournalEntry.kind.in_((EntryKind.KIT_DELIVERY, EntryKind.ALLOWANCE_PAYMENT)),
                    JournalEntry.amount_xof,
                ),
                else_=0,
            ).label("committed"),
            JournalEntry.amount_xof.label("disbursed"),
            JournalEntry.enterprise_id,
            JournalEntry.beneficiary_id,
            JournalEntry.budget_line_id.label("line_id"),
            JournalEntry.value_on.label("on"),
        ).where(
            JournalEntry.kind.in_(tuple(PAYING_KIND.values())),
            JournalEntry.budget_line_id.is_not(None),
            in_period(JournalEntry.value_on, f, as_of),
        )
    )
    if payments_only:
        # Grants awarded and loans approved carry 0 disbursed: not read at all.
        return entries.subquery()
    grants = (
        sa.select(
            sa.literal(Instrument.GRANT.value).label("instrument"),
            # A cancelled tranche stays committed for what was paid before the
            # cancellation: only its unpaid rest (cancelled_xof) is released.
            (
                GrantTranche.planned_xof
                - sa.case((GrantTranche.cancelled_on <= as_of, GrantTranche.cancelled_xof), else_=0)
            ).label("committed"),
            sa.literal(0).label("disbursed"),
            Grant.enterprise_id,
            sa.null().label("beneficiary_id"),
            Grant.budget_line_id.label("line_id"),
            Grant.awarded_on.label("on"),
        )
        .join(Grant, GrantTranche.grant_id == Grant.id)
        .where(in_period(Grant.awarded_on, f, as_of))
    )
    loans = sa.select(
        sa.literal(Instrument.LOAN.value).label("instrument"),
        Loan.amount_xof.label("committed"),
        sa.literal(0).label("disbursed"),
        Loan.enterprise_id,
        sa.null().label("beneficiary_id"),
        Loan.budget_line_id.label("line_id"),
        Loan.approved_on.label("on"),
    ).where(
        Loan.budget_line_id.is_not(None),
        Loan.status.in_(COMMITTED_LOANS),
        Loan.approved_on.is_not(None),
        in_period(Loan.approved_on, f, as_of),
    )
    return sa.union_all(entries, grants, loans).subquery()


def _people_in(f: PortfolioFilters) -> sa.Select | None:
    """Ids of the people (paid an allowance without an enterprise) within the filters'
    places, programme and sex; None when no such filter is set."""
    if not (f.scope_region_id is not None or f.region_id or f.programme_id or f.sex):
        return None
    query = sa.select(Beneficiary.id).join(Commune, Beneficiary.commune_id == Commune.id)
    if f.scope_region_id is not None:
        query = query.where(Commune.region_id == f.scope_region_id)
    if f.region_id:
        query = query.where(Commune.region_id == f.region_id)
    if f.programme_id:
        query = query.where(Beneficiary.programme_id == f.programme_id)
    if f.sex:
        query = query.where(Beneficiary.sex == f.sex)
    return query


def money_flows(
    f: PortfolioFilters,
    as_of: date,
    columns: Callable[[sa.Subquery], Sequence[sa.ColumnElement]],
    group_by: Callable[[sa.Subquery], Sequence[sa.ColumnElement]],
    *,
    payments_only: bool = False,
) -> sa.Select:
    """The filtered money flows, selected and grouped as the caller says.

    `payments_only` reads the payments alone (what was disbursed), not the commitments.
    Filters on the enterprise are semi-joins (`enterprise_id IN (…)`), so the unfiltered
    national figures read the journal alone, without joining 100,000 enterprises.
    """
    flows = _money_flows(f, as_of, payments_only)
    query = sa.select(*columns(flows)).select_from(flows)
    if f.instrument:
        query = query.where(flows.c.instrument == f.instrument)
    if f.programme_id:
        lines = sa.select(BudgetLine.id).where(BudgetLine.programme_id == f.programme_id)
        query = query.where(flows.c.line_id.in_(lines))
    by_enterprise = [c for c in enterprise_conditions(_places_and_people(f), as_of)]
    if by_enterprise:
        enterprises = (
            sa.select(Enterprise.id)
            .join(Commune, Enterprise.commune_id == Commune.id)
            .where(*by_enterprise)
        )
        people = _people_in(f)
        # An allowance paid to a person without an enterprise counts where the person
        # lives; a sector filter leaves it out.
        without_enterprise = (
            sa.and_(flows.c.enterprise_id.is_(None), flows.c.beneficiary_id.in_(people))
            if people is not None and not f.sector_id
            else sa.false()
        )
        query = query.where(sa.or_(flows.c.enterprise_id.in_(enterprises), without_enterprise))
    return query.group_by(*group_by(flows))


def _places_and_people(f: PortfolioFilters) -> PortfolioFilters:
    """The filters that narrow money by enterprise (the programme is the budget line's,
    the instrument the flow's own)."""
    return PortfolioFilters(
        region_id=f.region_id,
        sector_id=f.sector_id,
        sex=f.sex,
        scope_region_id=f.scope_region_id,
    )


def budget_by_instrument(f: PortfolioFilters) -> dict[str, int]:
    budgets = sa.select(
        BudgetLine.instrument, sum_xof(BudgetLine.amount_xof).label("xof")
    ).group_by(BudgetLine.instrument)
    if f.programme_id:
        budgets = budgets.where(BudgetLine.programme_id == f.programme_id)
    return {Instrument(row.instrument).value: int(row.xof) for row in db.session.execute(budgets)}


def month_key(column: sa.ColumnElement) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """(year, month) of a date column as integers, on SQLite and PostgreSQL alike."""
    return (
        sa.cast(sa.extract("year", column), sa.Integer).label("y"),
        sa.cast(sa.extract("month", column), sa.Integer).label("m"),
    )


@dataclass(frozen=True)
class MonthMoney:
    """Money committed and disbursed for one instrument in one month."""

    instrument: str
    year: int
    month: int
    committed_xof: int
    disbursed_xof: int


def money_by_month(f: PortfolioFilters, as_of: date) -> list[MonthMoney]:
    """Committed and disbursed per instrument and month: one query, from which both the
    totals per instrument and the dashboard's monthly curve are summed."""
    # Per day first (a cheap key), then per month: the year and month are extracted from
    # a few thousand days, not from every one of hundreds of thousands of payments.
    days = money_flows(
        f,
        as_of,
        lambda flows: (
            flows.c.instrument,
            flows.c.on,
            sum_xof(flows.c.committed).label("committed"),
            sum_xof(flows.c.disbursed).label("disbursed"),
        ),
        lambda flows: (flows.c.instrument, flows.c.on),
    ).subquery()
    query = sa.select(
        days.c.instrument,
        *month_key(days.c.on),
        sum_xof(days.c.committed).label("committed"),
        sum_xof(days.c.disbursed).label("disbursed"),
    ).group_by(days.c.instrument, *month_key(days.c.on))
    return [
        MonthMoney(r.instrument, int(r.y), int(r.m), int(r.committed), int(r.disbursed))
        for r in db.session.execute(query)
    ]


def _money(f: PortfolioFilters, months: Sequence[MonthMoney]) -> list[InstrumentMoney]:
    committed: dict[str, int] = {}
    disbursed: dict[str, int] = {}
    for m in months:
        committed[m.instrument] = committed.get(m.instrument, 0) + m.committed_xof
        disbursed[m.instrument] = disbursed.get(m.instrument, 0) + m.disbursed_xof
    budget_by = budget_by_instrument(f)
    shown = [Instrument(f.instrument)] if f.instrument else INSTRUMENTS
    return [
        InstrumentMoney(
            instrument=i.value,
            budget_xof=int(budget_by.get(i.value, 0)),
            committed_xof=committed.get(i.value, 0),
            disbursed_xof=disbursed.get(i.value, 0),
        )
        for i in shown
    ]


def _visits(f: PortfolioFilters, as_of: date) -> sa.Row:
    """Planned visits due by the date (in the period), and how many of them were done."""
    done = Visit.visited_on <= as_of
    query = (
        sa.select(
            sa.func.count(PlannedVisit.id).label("due"),
            sa.func.count(PlannedVisit.id).filter(done).label("done"),
        )
        .outerjoin(Visit, Visit.id == PlannedVisit.visit_id)
        .where(in_period(PlannedVisit.due_on, f, as_of))
    )
    if conditions := enterprise_conditions(f, as_of):
        # Joined only to be filtered on: unfiltered, 300,000 visits need no enterprise.
        query = (
            query.join(Enterprise, PlannedVisit.enterprise_id == Enterprise.id)
            .join(Commune, Enterprise.commune_id == Commune.id)
            .where(*conditions)
        )
    return db.session.execute(query).one()


def portfolio_summary(filters: PortfolioFilters, as_of: date) -> PortfolioSummary:
    """Every key figure of the portfolio as of a date: six SQL queries, whatever its size
    (plus one or two reading the snapshot stamp on PostgreSQL, and none of the six when
    the same summary was computed from an identical snapshot: `reporting.dashboard_cache`).
    """
    return memoised(("summary", filters, as_of), lambda: _portfolio_summary(filters, as_of))


def _portfolio_summary(filters: PortfolioFilters, as_of: date) -> PortfolioSummary:
    people = _people(filters, as_of)
    b = _businesses(filters, as_of)
    months = money_by_month(filters, as_of)
    money = _money(filters, months)
    if filters.instrument and filters.instrument != Instrument.LOAN:
        # Loan figures of enterprises that also received another instrument would need
        # the arrears query to take that condition; show loans only for "all" or "loan".
        quality = None
    else:
        quality = portfolio_quality(as_of, filters.arrears_filter())
    visits = _visits(filters, as_of)
    return PortfolioSummary(
        as_of=as_of,
        filters=filters,
        beneficiaries=people.beneficiaries,
        women=people.women,
        enterprises=b["enterprises"],
        enterprises_active=b["active"],
        enterprises_paused=b["paused"],
        enterprises_closed=b["closed"],
        jobs_owners=int(b["owners"]),
        jobs_paid=int(b["paid"]),
        jobs_family=int(b["family"]),
        communes=b["communes"],
        villages=b["villages"],
        sectors=b["sectors"],
        money=money,
        loans=quality.loans if quality else 0,
        outstanding_xof=quality.outstanding_xof if quality else 0,
        overdue_xof=quality.overdue_xof if quality else 0,
        par30_xof=quality.par30_xof if quality else 0,
        par90_xof=quality.par90_xof if quality else 0,
        risk={risk.value: b[f"risk_{risk}"] for risk in RiskLevel},
        visits_due=visits.due,
        visits_done=visits.done,
        money_by_month=tuple(months),
    )


def ratio(value: Decimal) -> float:
    """A ratio for JSON: a float rounded to 4 decimals (0.0683 = 6.83 %)."""
    return float(round(value, 4))


def summary_to_dict(s: PortfolioSummary) -> dict:
    f = s.filters
    return {
        "as_of": s.as_of.isoformat(),
        "filters": {
            "programme": f.programme_id,
            "region": f.region_id,
            "sector": f.sector_id,
            "sex": f.sex,
            "instrument": f.instrument,
            "from": f.period_from.isoformat() if f.period_from else None,
            "to": f.period_to.isoformat() if f.period_to else None,
        },
        "beneficiaries": s.beneficiaries,
        "women": s.women,
        "women_share": ratio(s.women_share),
        "enterprises": {
            "total": s.enterprises,
            "active": s.enterprises_active,
            "temporarily_closed": s.enterprises_paused,
            "closed": s.enterprises_closed,
        },
        "jobs": {
            "total": s.jobs,
            "owners": s.jobs_owners,
            "paid": s.jobs_paid,
            "family": s.jobs_family,
        },
        "communes": s.communes,
        "villages": s.villages,
        "sectors": s.sectors,
        "money": [
            {
                "instrument": m.instrument,
                "budget_xof": m.budget_xof,
                "committed_xof": m.committed_xof,
                "disbursed_xof": m.disbursed_xof,
                "disbursed_share": ratio(m.disbursed_share),
            }
            for m in s.money
        ],
        "loans": {
            "count": s.loans,
            "outstanding_xof": s.outstanding_xof,
            "overdue_xof": s.overdue_xof,
            "par30_xof": s.par30_xof,
            "par90_xof": s.par90_xof,
            "par30": ratio(s.par30),
            "par90": ratio(s.par90),
        },
        "risk": dict(s.risk),
        "visits": {
            "due": s.visits_due,
            "done": s.visits_done,
            "done_share": ratio(s.visits_done_share),
        },
    }


def portfolio_summary_dict(filters: PortfolioFilters, as_of: date) -> dict:
    """`portfolio_summary` as JSON-friendly values: money in whole francs (int), ratios
    as floats rounded to 4 decimals."""
    return summary_to_dict(portfolio_summary(filters, as_of))
