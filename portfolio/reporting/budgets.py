"""Programme budgets as the budget pages and the API read them.

Committed and disbursed come from the same per-line subqueries the
services use to refuse an over-commitment, so a page can never show a
figure the budget check disagrees with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from wtforms import SelectChoice

from portfolio.models import BudgetLine, BudgetRevision, Programme, User, db
from portfolio.models.sql import sum_xof
from portfolio.services.budgets import line_totals, totals_by_line


@dataclass(frozen=True)
class ProgrammeBudget:
    id: int
    code: str
    name: str
    donor: str
    budget_xof: int
    lines: int
    amount_xof: int
    committed_xof: int
    disbursed_xof: int

    @property
    def remaining_xof(self) -> int:
        return self.amount_xof - self.committed_xof


@dataclass(frozen=True)
class BudgetLineRow:
    """A line with its totals, in plain values (the API and OpenAPI read it)."""

    id: int
    programme_id: int
    instrument: str
    label: str
    amount_xof: int
    committed_xof: int
    disbursed_xof: int
    remaining_xof: int


@dataclass(frozen=True)
class RevisionRow:
    id: int
    revised_at: datetime
    revised_by: str
    previous_xof: int
    new_xof: int
    reason: str

    @property
    def change_xof(self) -> int:
        return self.new_xof - self.previous_xof


def programme_budgets() -> list[ProgrammeBudget]:
    """Every programme with the sum of its lines: one query."""
    committed, disbursed = totals_by_line()
    query = (
        sa.select(
            Programme.id,
            Programme.code,
            Programme.name,
            Programme.donor,
            Programme.budget_xof,
            sa.func.count(BudgetLine.id).label("lines"),
            sum_xof(BudgetLine.amount_xof).label("amount_xof"),
            sum_xof(committed.c.xof).label("committed_xof"),
            sum_xof(disbursed.c.xof).label("disbursed_xof"),
        )
        .outerjoin(BudgetLine, BudgetLine.programme_id == Programme.id)
        .outerjoin(committed, committed.c.line_id == BudgetLine.id)
        .outerjoin(disbursed, disbursed.c.line_id == BudgetLine.id)
        .group_by(
            Programme.id, Programme.code, Programme.name, Programme.donor, Programme.budget_xof
        )
        .order_by(Programme.code)
    )
    return [ProgrammeBudget(**row._mapping) for row in db.session.execute(query)]


def budget_lines(programme_id: int | None = None) -> list[BudgetLineRow]:
    return [
        BudgetLineRow(
            id=t.id,
            programme_id=t.programme_id,
            instrument=t.instrument.value,
            label=t.label,
            amount_xof=t.amount_xof,
            committed_xof=t.committed_xof,
            disbursed_xof=t.disbursed_xof,
            remaining_xof=t.remaining_xof,
        )
        for t in line_totals(programme_id=programme_id)
    ]


def budget_line(line_id: int) -> BudgetLineRow | None:
    rows = line_totals(line_ids=[line_id])
    if not rows:
        return None
    (t,) = rows
    return BudgetLineRow(
        t.id,
        t.programme_id,
        t.instrument.value,
        t.label,
        t.amount_xof,
        t.committed_xof,
        t.disbursed_xof,
        t.remaining_xof,
    )


def line_revisions(line_id: int) -> list[RevisionRow]:
    """Who changed the line, when, from what, to what and why; newest first."""
    query = (
        sa.select(
            BudgetRevision.id,
            BudgetRevision.revised_at,
            User.name.label("revised_by"),
            BudgetRevision.previous_xof,
            BudgetRevision.new_xof,
            BudgetRevision.reason,
        )
        .join(User, BudgetRevision.revised_by_id == User.id)
        .where(BudgetRevision.budget_line_id == line_id)
        .order_by(BudgetRevision.revised_at.desc(), BudgetRevision.id.desc())
    )
    return [RevisionRow(**row._mapping) for row in db.session.execute(query)]


def line_choices(instrument: str, programme_id: int | None = None) -> list[SelectChoice]:
    """The lines of one instrument as select options ("CODE – label")."""
    query = (
        sa.select(BudgetLine.id, Programme.code, BudgetLine.label)
        .join(Programme, BudgetLine.programme_id == Programme.id)
        .where(BudgetLine.instrument == instrument)
        .order_by(Programme.code, BudgetLine.label)
    )
    if programme_id is not None:
        query = query.where(BudgetLine.programme_id == programme_id)
    return [SelectChoice(r.id, f"{r.code} – {r.label}") for r in db.session.execute(query)]
