"""Recomputing struggling-enterprise flags and each enterprise's level (DOMAIN.md §6).

The evidence for a batch of enterprises is gathered in a handful of
set-based queries (latest visits by window function, days past due and
instalments of the active loans, overdue planned visits, open flags), the
pure engine of ``domain/monitoring/flags.py`` decides, and the differences
are written back with bulk statements:

- an open flag no longer raised is cleared (``cleared_at``), never deleted;
- an open flag raised again at the same level is kept (its evidence refreshed);
- a level change clears the old flag and opens a new one;
- ``enterprise_risk`` gets the enterprise's level and number of open flags.

``refresh_enterprises`` works inside the caller's transaction (the visit,
repayment or reversal that changed the evidence) and does not commit;
``recompute_all`` walks every enterprise in chunks and commits each chunk.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.loans.terms import Frequency
from portfolio.domain.monitoring.flags import (
    Evidence,
    RaisedFlag,
    Rule,
    VisitFacts,
    enterprise_level,
    evaluate,
)
from portfolio.domain.monitoring.vocabulary import BusinessStatus, FlagRuleCode, RiskLevel
from portfolio.models import (
    Enterprise,
    EnterpriseRisk,
    Flag,
    FlagRule,
    Loan,
    LoanAllocation,
    LoanInstalment,
    PlannedVisit,
    Visit,
    db,
)
from portfolio.models.base import utcnow

#: Enterprises per chunk in recompute_all (one set of queries per chunk).
CHUNK_SIZE = 5_000
#: Visits per enterprise the rules look at (latest first).
VISITS_LOOKED_AT = 3

_MILLION = Decimal(1_000_000)

Scope = Callable[[sa.ColumnElement[int]], sa.ColumnElement[bool]]


@dataclass
class RecomputeSummary:
    enterprises: int = 0
    raised: int = 0
    cleared: int = 0
    kept: int = 0
    levels: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, other: RecomputeSummary) -> None:
        self.enterprises += other.enterprises
        self.raised += other.raised
        self.cleared += other.cleared
        self.kept += other.kept
        self.levels.update(other.levels)


def load_rules() -> list[Rule]:
    rows = db.session.scalars(sa.select(FlagRule)).all()
    return [
        Rule(r.code, r.enabled, r.watch_threshold, r.at_risk_threshold, r.critical_threshold)
        for r in rows
    ]


# ---------------------------------------------------------------- evidence


def _ids_scope(ids: Sequence[int]) -> Scope:
    return lambda column: column.in_(ids)


def _range_scope(low: int, high: int) -> Scope:
    return lambda column: column.between(low, high)


def _latest_visits(scope: Scope) -> dict[int, list[VisitFacts]]:
    ranked = (
        sa.select(
            Visit.id,
            Visit.enterprise_id,
            Visit.visited_on,
            # Raw values: converting 15,000 rows a chunk through the enum and
            # Rate types costs more than the query.
            sa.type_coerce(Visit.business_status, sa.String).label("business_status"),
            Visit.owner_present,
            Visit.monthly_sales_xof,
            Visit.net_income_xof,
            Visit.kit_retained_pct,
            Visit.kit_sold,
            sa.type_coerce(Visit.composite_score, sa.BigInteger).label("composite_millionths"),
            sa.func.row_number()
            .over(
                partition_by=Visit.enterprise_id,
                order_by=(Visit.visited_on.desc(), Visit.id.desc()),
            )
            .label("rn"),
        )
        .where(scope(Visit.enterprise_id))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked)
        .where(ranked.c.rn <= VISITS_LOOKED_AT)
        .order_by(ranked.c.enterprise_id, ranked.c.rn)
    )
    visits: dict[int, list[VisitFacts]] = defaultdict(list)
    statuses = {s.value: s for s in BusinessStatus}
    for row in rows:
        score = row.composite_millionths
        visits[row.enterprise_id].append(
            VisitFacts(
                visit_id=row.id,
                visited_on=row.visited_on,
                business_status=statuses[row.business_status],
                owner_present=bool(row.owner_present),
                monthly_sales_xof=row.monthly_sales_xof,
                net_income_xof=row.net_income_xof,
                kit_retained_pct=row.kit_retained_pct,
                kit_sold=bool(row.kit_sold),
                composite_score=None if score is None else Decimal(score) / _MILLION,
            )
        )
    return visits


@dataclass
class _LoanFacts:
    days_past_due: int = 0
    dpd_loan_id: int | None = None
    monthly_instalment_xof: int = 0
    main_loan_id: int | None = None
    main_instalment_xof: int = -1


def monthly_equivalent(total_xof: int, instalments: int, frequency: Frequency) -> int:
    """The mean instalment of a schedule spread over a month, in whole francs."""
    if instalments <= 0:
        return 0
    value = Decimal(total_xof) * frequency.periods_per_year / (12 * instalments)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _loans(scope: Scope, today: date) -> dict[int, _LoanFacts]:
    active = sa.and_(Loan.status == LoanStatus.ACTIVE, scope(Loan.enterprise_id))
    paid = (
        sa.select(
            LoanAllocation.instalment_id,
            sa.func.sum(
                LoanAllocation.fee_xof + LoanAllocation.interest_xof + LoanAllocation.principal_xof
            ).label("paid"),
        )
        .join(Loan, Loan.id == LoanAllocation.loan_id)
        .where(active, LoanAllocation.paid_on <= today)
        .group_by(LoanAllocation.instalment_id)
        .subquery()
    )
    due = LoanInstalment.fee_xof + LoanInstalment.interest_xof + LoanInstalment.principal_xof
    owed = due - sa.func.coalesce(paid.c.paid, 0)
    rows = db.session.execute(
        sa.select(
            Loan.id,
            Loan.enterprise_id,
            Loan.frequency,
            sa.func.min(LoanInstalment.due_on)
            .filter(LoanInstalment.due_on < today, owed > 0)
            .label("oldest_late_on"),
            sa.cast(sa.func.sum(due), sa.BigInteger).label("total_xof"),
            sa.func.count(LoanInstalment.id).label("instalments"),
        )
        .join(
            LoanInstalment,
            sa.and_(
                LoanInstalment.loan_id == Loan.id,
                LoanInstalment.schedule_version == Loan.schedule_version,
            ),
        )
        .outerjoin(paid, paid.c.instalment_id == LoanInstalment.id)
        .where(active)
        .group_by(Loan.id, Loan.enterprise_id, Loan.frequency)
    )
    facts: dict[int, _LoanFacts] = defaultdict(_LoanFacts)
    for row in rows:
        f = facts[row.enterprise_id]
        oldest = row.oldest_late_on
        if isinstance(oldest, str):  # SQLite returns aggregates of dates as text
            oldest = date.fromisoformat(oldest)
        dpd = (today - oldest).days if oldest else 0
        if dpd > f.days_past_due:
            f.days_past_due, f.dpd_loan_id = dpd, row.id
        monthly = monthly_equivalent(int(row.total_xof or 0), row.instalments, row.frequency)
        f.monthly_instalment_xof += monthly
        if monthly > f.main_instalment_xof:
            f.main_instalment_xof, f.main_loan_id = monthly, row.id
    return facts


def _overdue_planned(scope: Scope, today: date) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(PlannedVisit.enterprise_id, sa.func.count())
        .where(
            scope(PlannedVisit.enterprise_id),
            PlannedVisit.visit_id.is_(None),
            PlannedVisit.due_on < today,
        )
        .group_by(PlannedVisit.enterprise_id)
    )
    return {enterprise_id: n for enterprise_id, n in rows}


def gather_evidence(
    enterprise_ids: Sequence[int],
    scope: Scope,
    today: date,
    loans: dict[int, _LoanFacts] | None = None,
) -> dict[int, Evidence]:
    """The evidence of each enterprise; ``loans`` when already read for the whole portfolio."""
    visits = _latest_visits(scope)
    if loans is None:
        loans = _loans(scope, today)
    overdue = _overdue_planned(scope, today)
    evidence = {}
    for enterprise_id in enterprise_ids:
        loan = loans.get(enterprise_id) or _LoanFacts()
        evidence[enterprise_id] = Evidence(
            visits=tuple(visits.get(enterprise_id, ())),
            days_past_due=loan.days_past_due,
            dpd_loan_id=loan.dpd_loan_id,
            monthly_instalment_xof=loan.monthly_instalment_xof or None,
            instalment_loan_id=loan.main_loan_id,
            overdue_planned_visits=overdue.get(enterprise_id, 0),
        )
    return evidence


# ------------------------------------------------------------------ writing


def _copy_value(value: object) -> object:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _insert_many(table: sa.Table, rows: list[dict]) -> None:
    """Bulk INSERT: COPY on PostgreSQL (the fastest way in), executemany elsewhere."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_copy_value(row[c]) for c in columns])


def _apply(
    enterprise_ids: Sequence[int],
    scope: Scope,
    rules: list[Rule],
    today: date,
    loans: dict[int, _LoanFacts] | None = None,
) -> RecomputeSummary:
    summary = RecomputeSummary(enterprises=len(enterprise_ids))
    if not enterprise_ids:
        return summary
    session = db.session
    now = utcnow()
    evidence = gather_evidence(enterprise_ids, scope, today, loans)
    open_rows = session.execute(
        sa.select(
            Flag.id,
            Flag.enterprise_id,
            sa.type_coerce(Flag.rule, sa.String).label("rule"),
            sa.type_coerce(Flag.level, sa.String).label("level"),
            # As stored (text), compared with the new evidence serialised the
            # same way: no JSON parsing of every open flag.
            sa.cast(Flag.evidence, sa.Text).label("evidence_text"),
        ).where(scope(Flag.enterprise_id), Flag.cleared_at.is_(None))
    ).all()
    open_flags: dict[tuple[int, FlagRuleCode], list] = defaultdict(list)
    for row in open_rows:
        open_flags[(row.enterprise_id, row.rule)].append(row)

    to_clear: list[int] = []
    to_insert: list[dict] = []
    to_update: list[dict] = []
    risks: list[dict] = []
    for enterprise_id in enterprise_ids:
        raised: list[RaisedFlag] = evaluate(rules, evidence[enterprise_id])
        for flag in raised:
            existing = open_flags.pop((enterprise_id, flag.rule), [])
            keep = None
            for row in existing:
                if keep is None and row.level == flag.level:
                    keep = row
                else:
                    to_clear.append(row.id)
            if keep is not None:
                summary.kept += 1
                if keep.evidence_text != json.dumps(dict(flag.evidence)):
                    to_update.append(
                        {
                            "id": keep.id,
                            "evidence": dict(flag.evidence),
                            "visit_id": flag.visit_id,
                            "loan_id": flag.loan_id,
                        }
                    )
            else:
                summary.raised += 1
                to_insert.append(
                    {
                        "enterprise_id": enterprise_id,
                        "rule": flag.rule,
                        "level": flag.level,
                        "evidence": dict(flag.evidence),
                        "visit_id": flag.visit_id,
                        "loan_id": flag.loan_id,
                        "raised_at": now,
                        "cleared_at": None,
                    }
                )
        level = enterprise_level(raised)
        summary.levels[level] += 1
        risks.append(
            {
                "enterprise_id": enterprise_id,
                "level": level,
                "open_flags": len(raised),
                "computed_at": now,
            }
        )
    # Whatever is left open was not raised again: it clears.
    for rows in open_flags.values():
        to_clear.extend(row.id for row in rows)
    summary.cleared = len(to_clear)

    if to_clear:
        for start in range(0, len(to_clear), 10_000):
            session.execute(
                sa.update(Flag)
                .where(Flag.id.in_(to_clear[start : start + 10_000]))
                .values(cleared_at=now)
            )
    if to_update:
        session.execute(sa.update(Flag), to_update)
    _insert_many(Flag.__table__, to_insert)
    session.execute(sa.delete(EnterpriseRisk).where(scope(EnterpriseRisk.enterprise_id)))
    _insert_many(EnterpriseRisk.__table__, risks)
    return summary


def refresh_enterprises(
    enterprise_ids: Iterable[int], *, today: date | None = None
) -> RecomputeSummary:
    """Recompute the flags and level of these enterprises, in the current transaction.

    Does not commit: the caller's unit of work does, with the change (a
    visit, a repayment, a reversal) that made the recompute necessary.
    """
    wanted = sorted({int(i) for i in enterprise_ids})
    if not wanted:
        return RecomputeSummary()
    db.session.flush()
    existing = list(
        db.session.scalars(
            sa.select(Enterprise.id).where(Enterprise.id.in_(wanted)).order_by(Enterprise.id)
        )
    )
    return _apply(existing, _ids_scope(existing), load_rules(), today or date.today())


def recompute_all(
    progress: Callable[[int, int], None] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    today: date | None = None,
) -> RecomputeSummary:
    """Recompute every enterprise, a chunk at a time, committing each chunk.

    ``progress(done, total)`` is called after each chunk.
    """
    started = time.perf_counter()
    today = today or date.today()
    session = db.session
    ids = list(session.scalars(sa.select(Enterprise.id).order_by(Enterprise.id)))
    rules = load_rules()
    # Loans: one pass over the whole portfolio's instalments and allocations
    # costs less than one per chunk (each would scan them).
    loans = _loans(lambda column: sa.true(), today)
    summary = RecomputeSummary()
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        summary.add(_apply(chunk, _range_scope(chunk[0], chunk[-1]), rules, today, loans))
        session.commit()
        if progress is not None:
            progress(min(start + chunk_size, len(ids)), len(ids))
    summary.seconds = time.perf_counter() - started
    return summary


def level_counts() -> dict[RiskLevel, int]:
    """Enterprises per level (from enterprise_risk)."""
    rows = db.session.execute(
        sa.select(EnterpriseRisk.level, sa.func.count()).group_by(EnterpriseRisk.level)
    )
    counts = dict.fromkeys(RiskLevel, 0)
    counts.update({level: n for level, n in rows})
    return counts
