"""Whole filtered lists for the CSV and XLSX downloads, streamed from the database.

The lists' own queries (`grant_list_query`, `loan_list_query`…) are reused as they are, so a
download holds exactly the rows the page lists; only the loan journal and the audit
log, which have no list query to share, are written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.models import (
    Commune,
    Enterprise,
    JournalEntry,
    Lender,
    Loan,
    Region,
    User,
    db,
)
from portfolio.reporting import grants, kits, loans
from portfolio.reporting.audit import AuditRow, audit_query
from portfolio.reporting.filters import ListFilter
from portfolio.reporting.grants import AllowanceRow, GrantRow
from portfolio.reporting.kits import DeliveryRow, KitFilter
from portfolio.reporting.loans import LoanFilter, LoanRow

T = TypeVar("T")


def stream(query: sa.Select, row_type: type[T]) -> Iterator[T]:
    """Every row of `query`, fetched in batches (a national list never sits in memory)."""
    for row in db.session.execute(query.execution_options(yield_per=1000)):
        yield row_type(**row._mapping)


def grant_rows(f: ListFilter) -> Iterator[GrantRow]:
    return stream(grants.grant_list_query(f), GrantRow)


def allowance_rows(f: ListFilter, kind: str | None) -> Iterator[AllowanceRow]:
    return stream(grants.allowance_list_query(f, kind), AllowanceRow)


def delivery_rows(f: KitFilter) -> Iterator[DeliveryRow]:
    return stream(kits.delivery_list_query(f), DeliveryRow)


def loan_rows(f: LoanFilter) -> Iterator[LoanRow]:
    return stream(loans.loan_list_query(f), LoanRow)


@dataclass(frozen=True)
class LoanEntryRow:
    """One journal entry of a loan: disbursement, repayment, refund, write-off, recovery
    or the reversal of one of them."""

    id: int
    value_on: date
    kind: str
    amount_xof: int
    loan_id: int
    enterprise_id: int
    enterprise_name: str
    lender_name: str
    region: str
    channel: str | None
    reference: str | None
    reverses_id: int | None
    reversed_by_id: int | None
    reason: str | None
    recorded_at: datetime
    recorded_by: str | None


def loan_entry_rows(f: LoanFilter) -> Iterator[LoanEntryRow]:
    """The loans' journal (the loan list's filters), oldest first."""
    reversal = so.aliased(JournalEntry)
    query = (
        sa.select(
            JournalEntry.id,
            JournalEntry.value_on,
            JournalEntry.kind,
            JournalEntry.amount_xof,
            JournalEntry.loan_id,
            Loan.enterprise_id,
            Enterprise.name.label("enterprise_name"),
            Lender.name.label("lender_name"),
            Region.name.label("region"),
            JournalEntry.channel,
            JournalEntry.reference,
            JournalEntry.reverses_id,
            reversal.id.label("reversed_by_id"),
            JournalEntry.reason,
            JournalEntry.recorded_at,
            User.name.label("recorded_by"),
        )
        .join(Loan, JournalEntry.loan_id == Loan.id)
        .join(Enterprise, Loan.enterprise_id == Enterprise.id)
        .join(Lender, Loan.lender_id == Lender.id)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .outerjoin(User, JournalEntry.recorded_by_id == User.id)
        .outerjoin(reversal, reversal.reverses_id == JournalEntry.id)
    )
    query = query.where(*loans.loan_conditions(f))
    return stream(query.order_by(JournalEntry.value_on, JournalEntry.id), LoanEntryRow)


def audit_rows(
    table_name: str | None = None, record_id: int | None = None, user_id: int | None = None
) -> Iterator[AuditRow]:
    """The audit log with the page's filters, newest first."""
    return stream(audit_query(table_name, record_id, user_id), AuditRow)


def changes_text(action: str, changes: dict[str, Any]) -> str:
    """An audit entry's changes on one line, as the page shows them: `field: old → new`."""

    def shown(value: Any) -> str:
        return "∅" if value is None else str(value)

    parts = []
    for key, value in changes.items():
        if action == "update" and isinstance(value, list | tuple) and len(value) == 2:
            parts.append(f"{key}: {shown(value[0])} → {shown(value[1])}")
        else:
            parts.append(f"{key}: {shown(value)}")
    return "; ".join(parts)
