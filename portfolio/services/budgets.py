"""Budget lines: what is committed and disbursed against each, and raising a line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import EntryKind, Instrument, LoanStatus
from portfolio.domain.money import format_xof
from portfolio.models import (
    BudgetLine,
    BudgetRevision,
    Grant,
    GrantTranche,
    JournalEntry,
    Loan,
    Programme,
    db,
)
from portfolio.models.sql import sum_xof
from portfolio.services.journal import standing
from portfolio.services.unit_of_work import ServiceError, unit_of_work

#: Journal kinds that count as money (or value) handed out against a line.
DISBURSING = (
    EntryKind.GRANT_PAYMENT,
    EntryKind.KIT_DELIVERY,
    EntryKind.ALLOWANCE_PAYMENT,
    EntryKind.LOAN_DISBURSEMENT,
)
#: A loan's amount is committed once approved, and stays committed afterwards.
COMMITTED_LOANS = (
    LoanStatus.APPROVED,
    LoanStatus.ACTIVE,
    LoanStatus.CLOSED,
    LoanStatus.WRITTEN_OFF,
)


@dataclass(frozen=True)
class LineTotals:
    id: int
    programme_id: int
    instrument: Instrument
    label: str
    amount_xof: int
    committed_xof: int
    disbursed_xof: int

    @property
    def remaining_xof(self) -> int:
        return self.amount_xof - self.committed_xof


def _committed_by_line() -> sa.Subquery:
    """Per line, what is promised: grant tranches not cancelled, approved loans, and
    for kits and allowances (promised when handed out) their standing entries."""
    grants = (
        sa.select(
            Grant.budget_line_id.label("line_id"),
            sum_xof(
                GrantTranche.planned_xof - sa.func.coalesce(GrantTranche.cancelled_xof, 0)
            ).label("xof"),
        )
        .join(GrantTranche, GrantTranche.grant_id == Grant.id)
        .group_by(Grant.budget_line_id)
    )
    loans = (
        sa.select(Loan.budget_line_id.label("line_id"), sum_xof(Loan.amount_xof).label("xof"))
        .where(Loan.budget_line_id.is_not(None), Loan.status.in_(COMMITTED_LOANS))
        .group_by(Loan.budget_line_id)
    )
    handed_out = standing(
        sa.select(
            JournalEntry.budget_line_id.label("line_id"),
            sum_xof(JournalEntry.amount_xof).label("xof"),
        )
        .where(JournalEntry.kind.in_((EntryKind.KIT_DELIVERY, EntryKind.ALLOWANCE_PAYMENT)))
        .group_by(JournalEntry.budget_line_id)
    )
    union = sa.union_all(grants, loans, handed_out).subquery()
    return (
        sa.select(union.c.line_id, sum_xof(union.c.xof).label("xof"))
        .group_by(union.c.line_id)
        .subquery()
    )


def _disbursed_by_line() -> sa.Subquery:
    return standing(
        sa.select(
            JournalEntry.budget_line_id.label("line_id"),
            sum_xof(JournalEntry.amount_xof).label("xof"),
        )
        .where(JournalEntry.kind.in_(DISBURSING))
        .group_by(JournalEntry.budget_line_id)
    ).subquery()


def line_totals(
    programme_id: int | None = None, line_ids: list[int] | None = None
) -> list[LineTotals]:
    """Every line with its committed and disbursed amounts: one SQL query."""
    committed, disbursed = _committed_by_line(), _disbursed_by_line()
    query = (
        sa.select(
            BudgetLine.id,
            BudgetLine.programme_id,
            BudgetLine.instrument,
            BudgetLine.label,
            BudgetLine.amount_xof,
            sa.cast(sa.func.coalesce(committed.c.xof, 0), sa.BigInteger).label("committed_xof"),
            sa.cast(sa.func.coalesce(disbursed.c.xof, 0), sa.BigInteger).label("disbursed_xof"),
        )
        .outerjoin(committed, committed.c.line_id == BudgetLine.id)
        .outerjoin(disbursed, disbursed.c.line_id == BudgetLine.id)
        .order_by(BudgetLine.programme_id, BudgetLine.instrument, BudgetLine.label)
    )
    if programme_id is not None:
        query = query.where(BudgetLine.programme_id == programme_id)
    if line_ids is not None:
        query = query.where(BudgetLine.id.in_(line_ids))
    return [LineTotals(**row._mapping) for row in db.session.execute(query)]


def ensure_within_budget(line_id: int, extra_xof: int, instrument: Instrument) -> BudgetLine:
    """Refuse a commitment beyond what the line has left. Call inside a unit of work.

    The line's row is locked (PostgreSQL) so two officers committing at the
    same moment cannot both spend the last francs.
    """
    line = db.session.scalar(
        sa.select(BudgetLine).where(BudgetLine.id == line_id).with_for_update()
    )
    if line is None:
        raise ServiceError(_("Unknown budget line."), "budget_line_id")
    if line.instrument != instrument:
        raise ServiceError(_("This budget line is not for this kind of support."), "budget_line_id")
    (totals,) = line_totals(line_ids=[line_id])
    if extra_xof > totals.remaining_xof:
        raise ServiceError(
            _(
                "This commitment of %(amount)s exceeds what is left on the budget line "
                "(%(left)s). A manager may raise the line.",
                amount=format_xof(extra_xof),
                left=format_xof(totals.remaining_xof),
            ),
            "budget_line_id",
        )
    return line


def create_budget_line(values: dict[str, Any]) -> BudgetLine:
    with unit_of_work() as session:
        if db.session.get(Programme, values["programme_id"]) is None:
            raise ServiceError(_("Unknown programme."), "programme_id")
        label = values["label"].strip()
        clash = session.scalar(
            sa.select(BudgetLine.id).where(
                BudgetLine.programme_id == values["programme_id"],
                BudgetLine.instrument == values["instrument"],
                BudgetLine.label == label,
            )
        )
        if clash is not None:
            raise ServiceError(_("This programme already has a line with this name."), "label")
        if values["amount_xof"] < 0:
            raise ServiceError(_("The amount cannot be negative."), "amount_xof")
        line = BudgetLine(
            programme_id=values["programme_id"],
            instrument=values["instrument"],
            label=label,
            amount_xof=values["amount_xof"],
        )
        session.add(line)
    return line


def revise_budget_line(line: BudgetLine, new_xof: int, reason: str, by_user_id: int) -> None:
    """A manager changes a line's amount; the revision keeps the before, after and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the line changes."), "reason")
    with unit_of_work() as session:
        locked = session.scalar(
            sa.select(BudgetLine).where(BudgetLine.id == line.id).with_for_update()
        )
        (totals,) = line_totals(line_ids=[line.id])
        if new_xof < totals.committed_xof:
            raise ServiceError(
                _(
                    "The line cannot go below what is already committed (%(committed)s).",
                    committed=format_xof(totals.committed_xof),
                ),
                "amount_xof",
            )
        session.add(
            BudgetRevision(
                budget_line_id=line.id,
                previous_xof=locked.amount_xof,
                new_xof=new_xof,
                reason=reason,
                revised_by_id=by_user_id,
            )
        )
        locked.amount_xof = new_xof


def totals_by_line() -> tuple[sa.Subquery, sa.Subquery]:
    """(committed, disbursed) per line, each with columns `line_id` and `xof`: the very
    subqueries line_totals joins, for read-side queries that aggregate further."""
    return _committed_by_line(), _disbursed_by_line()
