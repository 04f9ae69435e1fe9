"""What goes into a donor report for one programme and one period, read in SQL.

Every figure is an SQL aggregate (or a short, capped list); the key figures
come from ``reporting.summary.portfolio_summary`` so the report, the dashboard
and the API never disagree. Money disbursed in the period is what the
journal says the programme's budget lines paid out (grants, kits,
allowances, loans the programme funds), entries still standing, dated
within the period, attributed through the enterprise it went to.
Enterprises, beneficiaries and jobs are counted as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import EntryKind, Instrument
from portfolio.domain.vocabulary import EnterpriseStatus
from portfolio.models import (
    Beneficiary,
    BudgetLine,
    Commune,
    Enterprise,
    EnterpriseMember,
    JournalEntry,
    Programme,
    Region,
    Sector,
    db,
)
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof
from portfolio.reporting.arrears import ArrearsFilter, PortfolioQuality, portfolio_quality
from portfolio.reporting.donor_report_lists import (
    LIST_LIMIT,
    ActionCounts,
    ActionRow,
    FlaggedEnterprise,
    RiskByRegion,
    flagged_enterprises,
    follow_up_actions,
    risk_by_region,
)
from portfolio.reporting.enterprises import LEAD_ROLES
from portfolio.reporting.summary import PortfolioFilters, PortfolioSummary, portfolio_summary

#: Journal kinds that hand money (or value) out, by the instrument they belong to.
INSTRUMENT_OF_KIND = {
    EntryKind.GRANT_PAYMENT: Instrument.GRANT,
    EntryKind.KIT_DELIVERY: Instrument.KIT,
    EntryKind.LOAN_DISBURSEMENT: Instrument.LOAN,
    EntryKind.ALLOWANCE_PAYMENT: Instrument.TRAINING,
}
INSTRUMENTS = tuple(INSTRUMENT_OF_KIND.values())
Person = so.aliased(Beneficiary)


@dataclass(frozen=True)
class ProgrammeInfo:
    id: int
    code: str
    name: str
    donor: str
    currency: str
    budget_xof: int
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class BreakdownRow:
    """One line of a table by sector, region or sex."""

    key: str  # sector or region id, sex value; "" when not recorded; "total"
    name_fr: str
    name_en: str
    beneficiaries: int
    enterprises: int
    jobs: int
    disbursed_xof: dict[str, int]  # instrument -> francs paid out in the period

    def name(self, locale: str) -> str:
        return self.name_fr if locale.startswith("fr") else self.name_en

    @property
    def total_xof(self) -> int:
        return sum(self.disbursed_xof.values())


@dataclass(frozen=True)
class Breakdown:
    dimension: str  # "sector", "region", "sex"
    rows: list[BreakdownRow]
    total: BreakdownRow


@dataclass(frozen=True)
class MonthTotal:
    month: date  # first day of the month
    disbursed_xof: dict[str, int]

    @property
    def total_xof(self) -> int:
        return sum(self.disbursed_xof.values())


@dataclass(frozen=True)
class BudgetUse:
    instrument: str
    budget_xof: int
    disbursed_in_period_xof: int
    disbursed_to_date_xof: int


@dataclass(frozen=True)
class DonorReportData:
    programme: ProgrammeInfo
    period_from: date
    period_to: date
    as_of: date
    summary: PortfolioSummary
    by_sector: Breakdown
    by_region: Breakdown
    by_sex: Breakdown
    months: list[MonthTotal]
    budget: list[BudgetUse]
    loans: PortfolioQuality
    risk_by_region: list[RiskByRegion]
    flagged: list[FlaggedEnterprise]
    flagged_total: int
    actions: list[ActionRow]
    actions_total: int
    action_counts: ActionCounts
    list_limit: int = LIST_LIMIT


def programme_info(programme_id: int) -> ProgrammeInfo | None:
    row = db.session.execute(
        sa.select(
            Programme.id,
            Programme.code,
            Programme.name,
            Programme.donor,
            Programme.currency,
            Programme.budget_xof,
            Programme.starts_on,
            Programme.ends_on,
        ).where(Programme.id == programme_id)
    ).one_or_none()
    return ProgrammeInfo(**row._mapping) if row else None


def programme_by_code(code: str) -> ProgrammeInfo | None:
    programme_id = db.session.scalar(sa.select(Programme.id).where(Programme.code == code))
    return programme_info(programme_id) if programme_id is not None else None


def _disbursed_columns(entry_kind) -> list:
    return [
        sum_xof(JournalEntry.amount_xof, where=entry_kind == kind).label(instrument.value)
        for kind, instrument in INSTRUMENT_OF_KIND.items()
    ]


def _paid_out(programme_id: int, period_from: date, period_to: date) -> sa.Select:
    """Journal entries that paid the programme's budget lines out in the period (the same
    rows the budget pages count), with the enterprise they went to when there is one."""
    return standing(
        sa.select()
        .select_from(JournalEntry)
        .join(BudgetLine, BudgetLine.id == JournalEntry.budget_line_id)
        .outerjoin(Enterprise, Enterprise.id == JournalEntry.enterprise_id)
        .outerjoin(Person, Person.id == JournalEntry.beneficiary_id)
        .where(
            JournalEntry.kind.in_(tuple(INSTRUMENT_OF_KIND)),
            JournalEntry.value_on >= period_from,
            JournalEntry.value_on <= period_to,
            BudgetLine.programme_id == programme_id,
        )
    )


def _lead_sex(programme_id: int) -> sa.Subquery:
    """The lead (owner, else president: the first such member) of each of the
    programme's enterprises, with the lead's sex, as a subquery to join: a correlated
    subquery per enterprise is far slower."""
    first = (
        sa.select(EnterpriseMember.enterprise_id, sa.func.min(EnterpriseMember.id).label("id"))
        .join(Enterprise, Enterprise.id == EnterpriseMember.enterprise_id)
        .where(EnterpriseMember.role.in_(LEAD_ROLES), Enterprise.programme_id == programme_id)
        .group_by(EnterpriseMember.enterprise_id)
        .subquery()
    )
    member = so.aliased(EnterpriseMember)
    lead = so.aliased(Beneficiary)
    return (
        sa.select(first.c.enterprise_id, lead.sex)
        .join(member, member.id == first.c.id)
        .join(lead, lead.id == member.beneficiary_id)
        .subquery()
    )


def _plain(value):
    return getattr(value, "value", value)


def breakdowns(programme_id: int, period_from: date, period_to: date) -> dict[str, Breakdown]:
    """Beneficiaries, enterprises, jobs and money paid out in the period, by sector, by
    region and by sex: four grouped queries whose few hundred rows are then added up.

    By sex: beneficiaries by their own sex, enterprises (with their jobs and the money
    they received) by the sex of their owner or president. By sector: the beneficiaries
    who are members of an enterprise of the sector. As in reporting.summary, money paid
    to a person without an enterprise counts where the person lives, under their sex.
    """
    members = (
        sa.select(EnterpriseMember.enterprise_id, sa.func.count().label("n"))
        .group_by(EnterpriseMember.enterprise_id)
        .subquery()
    )
    lead = _lead_sex(programme_id)
    active = Enterprise.status == EnterpriseStatus.ACTIVE
    # Jobs in operating businesses only, as on the home page: owners + employees + family.
    jobs = sa.func.coalesce(
        sa.func.sum(
            sa.func.coalesce(members.c.n, 0) + Enterprise.paid_employees + Enterprise.family_workers
        ).filter(active),
        0,
    )
    enterprises = (
        sa.select(
            Enterprise.sector_id.label("sector"),
            Commune.region_id.label("region"),
            lead.c.sex.label("sex"),
            sa.func.count().label("enterprises"),
            jobs.label("jobs"),
        )
        .select_from(Enterprise)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .outerjoin(members, members.c.enterprise_id == Enterprise.id)
        .outerjoin(lead, lead.c.enterprise_id == Enterprise.id)
        .where(Enterprise.programme_id == programme_id)
        .group_by(Enterprise.sector_id, Commune.region_id, lead.c.sex)
    )
    region = Commune.region_id  # the enterprise's commune, else the person's (joined so)
    sex = sa.func.coalesce(lead.c.sex, Person.sex)
    money = (
        _paid_out(programme_id, period_from, period_to)
        .outerjoin(
            Commune, Commune.id == sa.func.coalesce(Enterprise.commune_id, Person.commune_id)
        )
        .outerjoin(lead, lead.c.enterprise_id == Enterprise.id)
        .add_columns(
            Enterprise.sector_id.label("sector"),
            region.label("region"),
            sex.label("sex"),
            *_disbursed_columns(JournalEntry.kind),
        )
        .group_by(Enterprise.sector_id, region, sex)
    )
    people = (
        sa.select(
            Commune.region_id.label("region"),
            Beneficiary.sex.label("sex"),
            sa.func.count().label("n"),
        )
        .join(Commune, Commune.id == Beneficiary.commune_id)
        .where(Beneficiary.programme_id == programme_id)
        .group_by(Commune.region_id, Beneficiary.sex)
    )
    people_by_sector = (
        sa.select(
            Enterprise.sector_id.label("sector"),
            sa.func.count(sa.distinct(EnterpriseMember.beneficiary_id)).label("n"),
        )
        .join(Enterprise, Enterprise.id == EnterpriseMember.enterprise_id)
        .where(Enterprise.programme_id == programme_id)
        .group_by(Enterprise.sector_id)
    )
    figures: dict[str, dict[object, dict[str, int]]] = {d: {} for d in DIMENSIONS}

    def add(query: sa.Select, dimensions: tuple[str, ...]) -> None:
        for row in db.session.execute(query):
            values = dict(row._mapping)
            keys = {d: _plain(values.pop(d, None)) for d in ("sector", "region", "sex")}
            for dimension in dimensions:
                group = figures[dimension].setdefault(keys[dimension], {})
                for name, value in values.items():
                    group[name] = group.get(name, 0) + int(value or 0)

    add(enterprises, DIMENSIONS)
    add(money, DIMENSIONS)
    add(people, ("region", "sex"))
    add(people_by_sector, ("sector",))
    return {d: _breakdown(d, figures[d]) for d in DIMENSIONS}


DIMENSIONS = ("sector", "region", "sex")


def _names(dimension: str) -> dict[object, tuple[str, str]]:
    if dimension == "sector":
        rows = db.session.execute(sa.select(Sector.id, Sector.name_fr, Sector.name_en))
        return {r.id: (r.name_fr, r.name_en) for r in rows}
    if dimension == "region":
        rows = db.session.execute(sa.select(Region.id, Region.name))
        return {r.id: (r.name, r.name) for r in rows}
    return {}  # sexes are named by the layout, in the report's language


def _breakdown(dimension: str, figures: dict[object, dict[str, int]]) -> Breakdown:
    names = _names(dimension)

    def make(group, values: dict) -> BreakdownRow:
        fr, en = names.get(group, ("", ""))
        return BreakdownRow(
            key="" if group is None else str(group),
            name_fr=fr,
            name_en=en,
            beneficiaries=values.get("n", 0),
            enterprises=values.get("enterprises", 0),
            jobs=values.get("jobs", 0),
            disbursed_xof={i.value: values.get(i.value, 0) for i in INSTRUMENTS},
        )

    rows = sorted(
        (make(group, values) for group, values in figures.items()),
        key=lambda row: (row.key == "", row.name_fr.casefold()),
    )
    total = BreakdownRow(
        key="total",
        name_fr="",
        name_en="",
        beneficiaries=sum(r.beneficiaries for r in rows),
        enterprises=sum(r.enterprises for r in rows),
        jobs=sum(r.jobs for r in rows),
        disbursed_xof={i.value: sum(r.disbursed_xof[i.value] for r in rows) for i in INSTRUMENTS},
    )
    return Breakdown(dimension, rows, total)


def disbursed_by_month(
    programme_id: int, period_from: date, period_to: date, as_of: date
) -> list[MonthTotal]:
    """Every month of the period, with what was paid out in it up to `as_of`."""
    year = sa.extract("year", JournalEntry.value_on)
    month = sa.extract("month", JournalEntry.value_on)
    query = (
        _paid_out(programme_id, period_from, min(period_to, as_of))
        .add_columns(year.label("y"), month.label("m"), *_disbursed_columns(JournalEntry.kind))
        .group_by(year, month)
    )
    found = {
        (int(row.y), int(row.m)): {i.value: int(getattr(row, i.value)) for i in INSTRUMENTS}
        for row in db.session.execute(query)
    }
    months, day = [], period_from.replace(day=1)
    while day <= period_to:
        empty = {i.value: 0 for i in INSTRUMENTS}
        months.append(MonthTotal(day, found.get((day.year, day.month), empty)))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def budget_use(programme_id: int, period_to: date, summary: PortfolioSummary) -> list[BudgetUse]:
    """Each instrument's budget with what was paid out in the period (the summary's
    figures) and since the programme began."""
    to_date = db.session.execute(
        _paid_out(programme_id, date(1900, 1, 1), period_to).add_columns(
            *_disbursed_columns(JournalEntry.kind)
        )
    ).one()
    return [
        BudgetUse(
            instrument=m.instrument,
            budget_xof=m.budget_xof,
            disbursed_in_period_xof=m.disbursed_xof,
            disbursed_to_date_xof=int(getattr(to_date, m.instrument)),
        )
        for m in summary.money
    ]


def report_as_of(period_to: date, today: date | None = None) -> date:
    """Figures that stand on a date (outstanding, PAR) are taken at the period's end,
    or today when the period is not over."""
    return min(period_to, today or date.today())


def donor_report_data(
    programme: ProgrammeInfo, period_from: date, period_to: date, today: date | None = None
) -> DonorReportData:
    """Everything the layout shows. The key figures are ``portfolio_summary`` for the
    programme and the period, as of the period's end (or today)."""
    as_of = report_as_of(period_to, today)
    pid = programme.id
    summary = portfolio_summary(
        PortfolioFilters(programme_id=pid, period_from=period_from, period_to=period_to), as_of
    )
    flagged, flagged_total = flagged_enterprises(pid)
    # Money up to the as-of date, as the summary counts it.
    tables = breakdowns(pid, period_from, as_of)
    actions, actions_total, counts = follow_up_actions(pid, period_from, period_to)
    return DonorReportData(
        programme=programme,
        period_from=period_from,
        period_to=period_to,
        as_of=as_of,
        summary=summary,
        by_sector=tables["sector"],
        by_region=tables["region"],
        by_sex=tables["sex"],
        months=disbursed_by_month(pid, period_from, period_to, as_of),
        budget=budget_use(pid, as_of, summary),
        loans=portfolio_quality(as_of, ArrearsFilter(programme_id=pid)),
        risk_by_region=risk_by_region(pid),
        flagged=flagged,
        flagged_total=flagged_total,
        actions=actions,
        actions_total=actions_total,
        action_counts=counts,
    )
