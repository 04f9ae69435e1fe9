"""Portfolio stress test: what if net incomes fall by X % and rates rise by Y points?

For every active loan with principal outstanding on the date:

- income: the net monthly income (``visit.net_income_xof``) of the most recent
  visit to the enterprise that recorded one. A loan whose enterprise has no
  such visit is left out of the coverage counts and counted as "no income
  data" (guessing an income would make the test say what the guess says).
- instalment: the outstanding principal re-amortised over the instalments of
  the schedule in force not yet due (at least one: a loan past its last due
  date owes everything now), at the loan's own rate plus Y points, by the
  loan's method; the savings deposit per instalment is added, as it leaves
  the till too; turned into a monthly equivalent (x periods per year / 12),
  as ``domain.loans.monthly_equivalent_instalment`` does. Grace periods are
  over for most running loans and are ignored.
- DSCR = stressed income / stressed monthly-equivalent instalment, against
  the thresholds of the DSCR flag rule (defaults 1.0 and 1.5, DOMAIN.md §4).

The baseline is the same computation with X = Y = 0, so the two columns
differ only by the stress. Data come from one SQL query; the arithmetic
runs on numpy arrays (a ratio, not a money record: floats are fine here;
outstanding totals stay whole francs).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.loans import (
    DEFAULT_NOT_CARRIED_BELOW,
    DEFAULT_TIGHT_BELOW,
    Frequency,
    RepaymentMethod,
)
from portfolio.domain.monitoring.vocabulary import FlagRuleCode
from portfolio.models import (
    Commune,
    Enterprise,
    FlagRule,
    JournalEntry,
    Loan,
    LoanAllocation,
    LoanInstalment,
    Region,
    Sector,
    Visit,
    db,
)
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof

MAX_INCOME_DROP_PCT = Decimal(100)
MAX_RATE_RISE_POINTS = Decimal(50)

_METHODS = {method: code for code, method in enumerate(RepaymentMethod)}
_EQUAL_INSTALMENTS = _METHODS[RepaymentMethod.DECLINING_EQUAL_INSTALMENTS]
_EQUAL_PRINCIPAL = _METHODS[RepaymentMethod.DECLINING_EQUAL_PRINCIPAL]
_FLAT = _METHODS[RepaymentMethod.FLAT]
_RATE_SCALE = 1_000_000  # models.base.Rate stores millionths


class InvalidScenario(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class StressScenario:
    #: Net incomes fall by this many percent (0..100).
    income_drop_pct: Decimal = Decimal(0)
    #: Every loan's annual rate rises by this many percentage points (0..50).
    rate_rise_points: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.income_drop_pct <= MAX_INCOME_DROP_PCT:
            raise InvalidScenario("income_drop_pct", "between 0 and 100")
        if not Decimal(0) <= self.rate_rise_points <= MAX_RATE_RISE_POINTS:
            raise InvalidScenario("rate_rise_points", "between 0 and 50")


@dataclass(frozen=True)
class LoanBook:
    """Active loans as arrays, one entry per loan (the stress test's input)."""

    outstanding_xof: np.ndarray  # int64
    amount_xof: np.ndarray  # int64, what was lent (flat interest is on it)
    annual_rate: np.ndarray  # float64 fraction, 0.24 = 24 %/yr
    periods_per_year: np.ndarray  # int64
    method: np.ndarray  # int8, codes of _METHODS
    remaining: np.ndarray  # int64 >= 1: instalments left to spread the outstanding on
    savings_xof: np.ndarray  # int64 savings deposit per instalment
    income_xof: np.ndarray  # float64 net monthly income, NaN when unknown

    def __len__(self) -> int:
        return len(self.outstanding_xof)


def monthly_equivalent(book: LoanBook, rate_rise_points: float = 0.0) -> np.ndarray:
    """Each loan's next instalment at the (raised) rate, as a monthly equivalent."""
    periods = book.periods_per_year.astype(np.float64)
    rate = (book.annual_rate + rate_rise_points / 100.0) / periods
    principal = book.outstanding_xof.astype(np.float64)
    n = book.remaining.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(rate > 0, principal * rate / -np.expm1(-n * np.log1p(rate)), principal / n)
    instalment = np.select(
        [book.method == _EQUAL_INSTALMENTS, book.method == _EQUAL_PRINCIPAL],
        [level, principal / n + principal * rate],
        default=principal / n + book.amount_xof * rate,  # flat: interest on the amount lent
    )
    return (instalment + book.savings_xof) * periods / 12.0


def coverage(book: LoanBook, scenario: StressScenario) -> np.ndarray:
    """DSCR of every loan under the scenario; NaN where the income is unknown."""
    income = book.income_xof * (1.0 - float(scenario.income_drop_pct) / 100.0)
    return income / monthly_equivalent(book, float(scenario.rate_rise_points))


@dataclass(frozen=True)
class Coverage:
    """Loans below each threshold (cumulative: below 1.0 is also below 1.5)."""

    not_carried: int
    not_carried_xof: int
    tight: int
    tight_xof: int


@dataclass(frozen=True)
class StressGroup:
    name_fr: str
    name_en: str
    loans: int
    outstanding_xof: int
    without_income: int
    baseline: Coverage
    stressed: Coverage

    def name(self, locale: str) -> str:
        return self.name_fr if locale.startswith("fr") else self.name_en


@dataclass(frozen=True)
class StressResult:
    scenario: StressScenario
    as_of: date
    not_carried_below: Decimal
    tight_below: Decimal
    total: StressGroup
    by_region: list[StressGroup]
    by_sector: list[StressGroup]


def dscr_thresholds() -> tuple[Decimal, Decimal]:
    """(not carried below, tight below): the DSCR flag rule's levels, else the defaults."""
    rule = db.session.get(FlagRule, FlagRuleCode.DSCR)
    not_carried = rule.at_risk_threshold if rule and rule.at_risk_threshold else None
    tight = rule.watch_threshold if rule and rule.watch_threshold else None
    return not_carried or DEFAULT_NOT_CARRIED_BELOW, tight or DEFAULT_TIGHT_BELOW


def _latest_income() -> sa.Subquery:
    """Net income of each enterprise's most recent visit that recorded one."""
    ranked = (
        sa.select(
            Visit.enterprise_id,
            Visit.net_income_xof,
            sa.func.row_number()
            .over(
                partition_by=Visit.enterprise_id,
                order_by=(Visit.visited_on.desc(), Visit.id.desc()),
            )
            .label("rank"),
        )
        .where(Visit.net_income_xof.is_not(None))
        .subquery()
    )
    return (
        sa.select(ranked.c.enterprise_id, ranked.c.net_income_xof)
        .where(ranked.c.rank == 1)
        .subquery()
    )


def _outstanding(as_of: date) -> sa.Subquery:
    """Principal still owed by each active loan: disbursed (entries still standing)
    less the principal repayments allocated by the date. The arrears query also
    finds each instalment's payments; the stress test needs only this."""
    active = sa.select(Loan.id).where(Loan.status == LoanStatus.ACTIVE)
    disbursed = standing(
        sa.select(JournalEntry.loan_id, sum_xof(JournalEntry.amount_xof).label("xof"))
        .where(
            JournalEntry.kind == EntryKind.LOAN_DISBURSEMENT,
            JournalEntry.value_on <= as_of,
            JournalEntry.loan_id.in_(active),
        )
        .group_by(JournalEntry.loan_id)
    ).subquery()
    repaid = (
        sa.select(LoanAllocation.loan_id, sum_xof(LoanAllocation.principal_xof).label("xof"))
        .where(LoanAllocation.paid_on <= as_of, LoanAllocation.loan_id.in_(active))
        .group_by(LoanAllocation.loan_id)
        .subquery()
    )
    return (
        sa.select(
            disbursed.c.loan_id,
            (disbursed.c.xof - sa.func.coalesce(repaid.c.xof, 0)).label("outstanding_xof"),
        )
        .outerjoin(repaid, repaid.c.loan_id == disbursed.c.loan_id)
        .subquery()
    )


def _not_yet_due(as_of: date) -> sa.Subquery:
    return (
        sa.select(LoanInstalment.loan_id, sa.func.count().label("remaining"))
        .join(
            Loan,
            sa.and_(
                Loan.id == LoanInstalment.loan_id,
                Loan.schedule_version == LoanInstalment.schedule_version,
            ),
        )
        .where(LoanInstalment.due_on >= as_of, Loan.status == LoanStatus.ACTIVE)
        .group_by(LoanInstalment.loan_id)
        .subquery()
    )


def _book_query(as_of: date, programme_id: int | None, scope_region_id: int | None) -> sa.Select:
    outstanding = _outstanding(as_of)
    income = _latest_income()
    remaining = _not_yet_due(as_of)
    query = (
        sa.select(
            outstanding.c.outstanding_xof,
            Loan.amount_xof,
            sa.type_coerce(Loan.annual_rate, sa.BigInteger),
            sa.type_coerce(Loan.frequency, sa.String),
            sa.type_coerce(Loan.method, sa.String),
            sa.func.coalesce(remaining.c.remaining, 0),
            Loan.savings_per_instalment_xof,
            income.c.net_income_xof,
            Commune.region_id,
            Enterprise.sector_id,
        )
        .select_from(outstanding)
        .join(Loan, Loan.id == outstanding.c.loan_id)
        .join(Enterprise, Enterprise.id == Loan.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .outerjoin(remaining, remaining.c.loan_id == Loan.id)
        .outerjoin(income, income.c.enterprise_id == Enterprise.id)
        .where(Loan.status == LoanStatus.ACTIVE, outstanding.c.outstanding_xof > 0)
    )
    if programme_id is not None:
        query = query.where(Enterprise.programme_id == programme_id)
    if scope_region_id is not None:
        query = query.where(Commune.region_id == scope_region_id)
    return query


def load_book(
    as_of: date, programme_id: int | None = None, scope_region_id: int | None = None
) -> tuple[LoanBook, np.ndarray, np.ndarray, list[str], list[tuple[str, str]]]:
    """Active loans with principal outstanding: the book, each loan's region and sector
    index, and the region and sector names. One SQL query for the loans (read as plain
    columns: 25,000 rows through the ORM would cost more than the arithmetic)."""
    query = _book_query(as_of, programme_id, scope_region_id)
    rows = db.session.connection().execute(query).all()
    columns = [np.array(column, dtype=object) for column in zip(*rows, strict=True)]
    if not rows:
        columns = [np.array([], dtype=object)] * 10
    (outstanding_xof, amount, rate, frequency, method, left, savings, net, region, sector) = columns
    per_year = {f.value: f.periods_per_year for f in Frequency}
    methods = {m.value: code for m, code in _METHODS.items()}
    region_ids, region_index = np.unique(region.astype(np.int64), return_inverse=True)
    sector_ids, sector_index = np.unique(sector.astype(np.int64), return_inverse=True)
    region_names = dict(db.session.execute(sa.select(Region.id, Region.name)).all())
    sector_names = {
        row.id: (row.name_fr, row.name_en)
        for row in db.session.execute(sa.select(Sector.id, Sector.name_fr, Sector.name_en))
    }
    book = LoanBook(
        outstanding_xof=outstanding_xof.astype(np.int64),
        amount_xof=amount.astype(np.int64),
        annual_rate=rate.astype(np.float64) / _RATE_SCALE,
        periods_per_year=np.array([per_year[f] for f in frequency], dtype=np.int64),
        method=np.array([methods[m] for m in method], dtype=np.int8),
        remaining=np.maximum(left.astype(np.int64), 1),
        savings_xof=savings.astype(np.int64),
        income_xof=np.where(net == None, np.nan, net).astype(np.float64),  # noqa: E711
    )
    return (
        book,
        region_index,
        sector_index,
        [region_names[i] for i in region_ids.tolist()],
        [sector_names[i] for i in sector_ids.tolist()],
    )


def _group_totals(
    book: LoanBook,
    groups: np.ndarray,
    count: int,
    ratios: tuple[np.ndarray, np.ndarray],
    thresholds: tuple[float, float],
) -> list[tuple[int, int, int, Coverage, Coverage]]:
    """(loans, outstanding, without income, baseline, stressed) for each group index."""

    def tally(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        loans = np.bincount(groups[mask], minlength=count)
        xof = np.zeros(count, dtype=np.int64)
        np.add.at(xof, groups[mask], book.outstanding_xof[mask])
        return loans, xof

    def below(dscr: np.ndarray) -> list[Coverage]:
        # NaN compares False: a loan without income is never counted below a threshold.
        (n1, x1), (n2, x2) = (tally(dscr < threshold) for threshold in thresholds)
        return [Coverage(int(n1[g]), int(x1[g]), int(n2[g]), int(x2[g])) for g in range(count)]

    loans, outstanding = tally(np.ones(len(book), dtype=bool))
    unknown = np.bincount(groups[np.isnan(book.income_xof)], minlength=count)
    baseline, stressed = (below(dscr) for dscr in ratios)
    return [
        (int(loans[g]), int(outstanding[g]), int(unknown[g]), baseline[g], stressed[g])
        for g in range(count)
    ]


def _folded(name: str) -> str:
    """Sort key a French reader expects: "Ségou" between "Mopti" and "Tombouctou"."""
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stress_test(
    scenario: StressScenario,
    as_of: date,
    programme_id: int | None = None,
    scope_region_id: int | None = None,
) -> StressResult:
    """Loans below each DSCR threshold, unstressed and stressed, in all, by region, by sector."""
    book, region_index, sector_index, regions, sectors = load_book(
        as_of, programme_id, scope_region_id
    )
    not_carried_below, tight_below = dscr_thresholds()
    thresholds = (float(not_carried_below), float(tight_below))
    ratios = (coverage(book, StressScenario()), coverage(book, scenario))

    def groups(index: np.ndarray, names: list[tuple[str, str]]) -> list[StressGroup]:
        totals = _group_totals(book, index.astype(np.int64), len(names), ratios, thresholds)
        return [
            StressGroup(fr, en, *figures) for (fr, en), figures in zip(names, totals, strict=True)
        ]

    (total,) = groups(np.zeros(len(book), dtype=np.int64), [("", "")])
    return StressResult(
        scenario=scenario,
        as_of=as_of,
        not_carried_below=not_carried_below,
        tight_below=tight_below,
        total=total,
        by_region=groups(region_index, [(name, name) for name in regions]),
        by_sector=groups(sector_index, sectors),
    )
