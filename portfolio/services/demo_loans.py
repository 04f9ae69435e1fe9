"""Demo loans for about a quarter of the enterprises, with repayment histories up to today.

Built for 100,000 enterprises: schedules come from the batch engine
(build_schedules), allocations from domain.ledger.allocate per loan in
Python, and every row goes in by bulk insert (COPY on PostgreSQL, from a
second thread: services.demo_bulk) with ids handed out here. No ORM object
is made per row.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from portfolio.domain.ledger import Due
from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.loans import LoanTerms, build_schedules
from portfolio.models import (
    JournalEntry,
    Loan,
    LoanAllocation,
    LoanInstalment,
    LoanProduct,
    db,
)
from portfolio.models.base import utcnow
from portfolio.services.budgets import line_totals
from portfolio.services.demo_bulk import JOURNAL_COLUMNS, BulkWriter, next_ids, sync_id_sequences
from portfolio.services.loan_demo_histories import (
    ALLOCATION_COLUMNS,
    INSTALMENT_COLUMNS,
    DemoRows,
    history_of,
)
from portfolio.services.unit_of_work import unit_of_work

#: Borrowers per chunk: small enough for PostgreSQL to keep up with Python as it goes.
CHUNK = 1_000
#: One reschedule and one write-off per this many disbursed loans.
RARE_EVENT_EVERY = 2_000
PURPOSES = (
    "Achat de stock",
    "Équipement de l'atelier",
    "Fonds de roulement",
    "Embouche ovine",
    "Intrants agricoles",
    "Matériel de couture",
)
_PRODUCT_TERMS = (
    "method",
    "annual_rate",
    "frequency",
    "instalments",
    "grace_principal_periods",
    "grace_interest",
    "upfront_fee_rate",
    "upfront_fee_xof",
    "savings_upfront_rate",
    "savings_per_instalment_xof",
    "savings_annual_rate",
    "rounding_multiple",
)


LOAN_COLUMNS = (
    "id",
    "enterprise_id",
    "lender_id",
    "product_id",
    "budget_line_id",
    "status",
    "purpose",
    "amount_xof",
    *_PRODUCT_TERMS,
    "first_due_on",
    "applied_on",
    "approved_on",
    "rejected_on",
    "decision_note",
    "disbursed_on",
    "closed_on",
    "repaid_xof",
    "principal_repaid_xof",
    "oldest_unpaid_due_on",
    "restructured",
    "schedule_version",
    "version_id",
    "created_at",
    "created_by_id",
    "approved_by_id",
    "rejected_by_id",
)


def seed_loans_demo(
    rng: random.Random,
    enterprise_rows: Sequence[Mapping[str, Any]],
    loan_line_by_programme: dict[int, int] | None,
    product_ids: Sequence[int],
    *,
    maker_id: int,
    checker_id: int,
    share: float = 0.25,
    today: date | None = None,
) -> int:
    """Loans for about `share` of `enterprise_rows` (dicts with id, programme_id and
    started_on), from the given products; returns the number of loans added.

    `maker_id` records the applications and `checker_id` (another user) decides
    on them. Programmes in `loan_line_by_programme` guarantee their loans from
    that budget line while it has room. Written chunk by chunk (services.demo_bulk).
    """
    today = today or date.today()
    products = _products(product_ids)
    borrowers = [row for row in enterprise_rows if rng.random() < share]
    room = _line_room(loan_line_by_programme or {})
    tables = (
        Loan.__table__,
        LoanInstalment.__table__,
        JournalEntry.__table__,
        LoanAllocation.__table__,
    )
    with unit_of_work() as session, BulkWriter(session) as writer:
        loan_id, *ids = next_ids(session, *tables)
        rows = DemoRows(
            dict(zip(("instalment", "entry", "allocation"), ids, strict=True)), utcnow()
        )
        seeding = _Seeding(rng, products, room, today, rows, RareEvents(), maker_id, checker_id)
        for start in range(0, len(borrowers), CHUNK):
            chunk = borrowers[start : start + CHUNK]
            loans = _seed_chunk(seeding, chunk, loan_id)
            loan_id += len(chunk)
            written = [writer.add(Loan.__table__, LOAN_COLUMNS, [_loan_row(x) for x in loans])]
            schedules = writer.add(
                LoanInstalment.__table__, INSTALMENT_COLUMNS, rows.instalments, after=written
            )
            entries = writer.add(
                JournalEntry.__table__, JOURNAL_COLUMNS, rows.entries, after=written
            )
            writer.add(
                LoanAllocation.__table__,
                ALLOCATION_COLUMNS,
                rows.allocations,
                after=(schedules, entries),
            )
            rows.instalments, rows.entries, rows.allocations = [], [], []
        writer.wait()
        sync_id_sequences(session, *tables)
    return len(borrowers)


class RareEvents:
    """One reschedule and one write-off per RARE_EVENT_EVERY disbursed loans, at least one
    of each, however the loans are chunked."""

    KINDS = ("reschedule", "write_off")

    def __init__(self) -> None:
        self.disbursed = 0
        self.used = dict.fromkeys(self.KINDS, 0)
        self._given = dict(self.used)

    def allowance(self, disbursed: int) -> dict[str, int]:
        """What the next `disbursed` loans may still use (history_of counts it down)."""
        self.disbursed += disbursed
        allowed = max(1, self.disbursed // RARE_EVENT_EVERY)
        self._given = {kind: allowed - self.used[kind] for kind in self.KINDS}
        return dict(self._given)

    def spent(self, left: dict[str, int]) -> None:
        for kind in self.KINDS:
            self.used[kind] += self._given[kind] - left[kind]


def analyze_loans() -> None:
    """Fresh statistics on PostgreSQL: the planner would otherwise guess a few rows per
    table and pick nested loops for the arrears and PAR queries (seconds, not ms)."""
    if db.session.get_bind().dialect.name == "postgresql":
        with unit_of_work():
            db.session.execute(
                sa.text(
                    "ANALYZE loan, loan_instalment, loan_allocation, journal_entry, "
                    "grant_award, grant_tranche, kit_delivery"
                )
            )


def _products(product_ids: Sequence[int]) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(LoanProduct).where(LoanProduct.id.in_(product_ids)).order_by(LoanProduct.id)
    )
    return [
        {"product_id": p.id, "lender_id": p.lender_id, **{k: getattr(p, k) for k in _PRODUCT_TERMS}}
        for p in rows
    ]


def _line_room(lines: dict[int, int]) -> dict[int, list[int]]:
    """programme id -> [line id, francs left]; loans are committed once approved."""
    totals = {t.id: t.remaining_xof for t in line_totals(line_ids=list(lines.values()))}
    return {programme: [line, totals.get(line, 0)] for programme, line in lines.items()}


def _loan_row(loan: dict[str, Any]) -> tuple:
    return tuple(loan[column] for column in LOAN_COLUMNS)


@dataclass
class _Seeding:
    """What every chunk of one seed_loans_demo call shares."""

    rng: random.Random
    products: list[dict[str, Any]]
    room: dict[int, list[int]]
    today: date
    rows: DemoRows
    rare_events: RareEvents
    maker_id: int
    checker_id: int


def _seed_chunk(seeding: _Seeding, borrowers, first_id: int) -> list[dict[str, Any]]:
    """The chunk's loans (dicts); their schedules, journal and allocations go to `rows`."""
    rng, today, rows, maker_id, checker_id = (
        seeding.rng,
        seeding.today,
        seeding.rows,
        seeding.maker_id,
        seeding.checker_id,
    )
    now = rows.now
    loans, disbursed = [], []
    for loan_id, row in enumerate(borrowers, start=first_id):
        product = rng.choice(seeding.products)
        loan = _application(rng, loan_id, row, product, seeding.room, today, now)
        rejected = loan["status"] == LoanStatus.REJECTED
        loan.update(
            created_by_id=maker_id,
            approved_by_id=checker_id if loan["approved_on"] else None,
            rejected_by_id=checker_id if rejected else None,
        )
        loans.append(loan)
        if loan["disbursed_on"]:
            disbursed.append(loan)
    batch = build_schedules([_terms(loan) for loan in disbursed])
    due_on, principal, interest = (
        batch.due_on.tolist(),
        batch.principal_xof.tolist(),
        batch.interest_xof.tolist(),
    )
    rare = seeding.rare_events.allowance(len(disbursed))
    for i, loan in enumerate(disbursed):
        at = batch.rows_of(i)
        numbers = range(1, at.stop - at.start + 1)
        rows_of_loan = zip(numbers, due_on[at], interest[at], principal[at], strict=True)
        dues = [Due(n, d, 0, it, p) for n, d, it, p in rows_of_loan]
        history_of(rng, loan, dues, today, rows, rare, checker_id)
    seeding.rare_events.spent(rare)
    return loans


def _application(rng, loan_id, row, product, room, today, now) -> dict[str, Any]:
    started = row.get("started_on") or today - timedelta(days=900)
    earliest = max(started, today - timedelta(days=3 * 365))
    applied = earliest + timedelta(days=rng.randint(0, max(0, (today - earliest).days - 1)))
    amount = min(2_000_000, max(50_000, round(rng.lognormvariate(12.5, 0.6) / 5_000) * 5_000))
    stage = rng.random()
    recent = (today - applied).days < 45
    status = LoanStatus.ACTIVE
    if recent and stage < 0.15:
        status = LoanStatus.APPLIED
    elif stage < 0.04:
        status = LoanStatus.REJECTED
    elif recent and stage < 0.3:
        status = LoanStatus.APPROVED
    approved = min(today, applied + timedelta(days=rng.randint(2, 15)))
    disbursed = min(today, approved + timedelta(days=rng.randint(0, 10)))
    line = room.get(row["programme_id"])
    committed = status not in (LoanStatus.APPLIED, LoanStatus.REJECTED)
    guaranteed = line is not None and rng.random() < 0.4 and (not committed or line[1] >= amount)
    if guaranteed and committed:
        line[1] -= amount
    return {
        "id": loan_id,
        "enterprise_id": row["id"],
        "lender_id": product["lender_id"],
        "product_id": product["product_id"],
        "budget_line_id": line[0] if guaranteed else None,
        "status": status,
        "purpose": rng.choice(PURPOSES),
        "amount_xof": amount,
        **{k: product[k] for k in _PRODUCT_TERMS},
        "first_due_on": None,
        "applied_on": applied,
        "approved_on": approved
        if status not in (LoanStatus.APPLIED, LoanStatus.REJECTED)
        else None,
        "rejected_on": approved if status == LoanStatus.REJECTED else None,
        "decision_note": "Activité jugée non viable" if status == LoanStatus.REJECTED else None,
        "disbursed_on": disbursed if status == LoanStatus.ACTIVE else None,
        "closed_on": None,
        # Kept on the row (services.loan_balances); history_of sets them once repaid.
        "repaid_xof": 0,
        "principal_repaid_xof": 0,
        "oldest_unpaid_due_on": None,
        "restructured": False,
        "schedule_version": 1 if status == LoanStatus.ACTIVE else 0,
        "version_id": 1,
        "created_at": now,
    }


def _terms(loan: dict[str, Any]) -> LoanTerms:
    return LoanTerms(
        amount_xof=loan["amount_xof"],
        disbursed_on=loan["disbursed_on"],
        **{k: loan[k] for k in _PRODUCT_TERMS},
    )
