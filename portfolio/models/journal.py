"""The journal: every franc that moves, one append-only row each."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import AllowanceKind, EntryKind, PaymentChannel
from portfolio.models.base import db, enum_column, money_column, utcnow


class JournalEntry(db.Model):
    """One movement of money (or of value, for a kit). Never updated, never deleted.

    A mistake is corrected by a REVERSAL row that names the row it cancels
    (`reverses_id`, unique: a row is reversed at most once) and says why.
    """

    __tablename__ = "journal_entry"
    __table_args__ = (
        sa.CheckConstraint("amount_xof > 0", name="amount_positive"),
        sa.CheckConstraint(
            "kind <> 'reversal' OR (reverses_id IS NOT NULL AND reason IS NOT NULL)",
            name="reversal_names_entry_and_reason",
        ),
        sa.Index("ix_journal_entry_loan_value", "loan_id", "value_on"),
        sa.Index(
            "ix_journal_entry_allowance_period", "beneficiary_id", "allowance_kind", "period_on"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[EntryKind] = so.mapped_column(enum_column(EntryKind, "entry_kind"), index=True)
    #: The business date (payment date, delivery date), which may be in the past.
    value_on: so.Mapped[date] = so.mapped_column(index=True)
    amount_xof: so.Mapped[int] = money_column()
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    # What the movement is about (one of these, by kind).
    enterprise_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("enterprise.id"), index=True
    )
    budget_line_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("budget_line.id"), index=True
    )
    loan_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("loan.id"))
    grant_tranche_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("grant_tranche.id"), index=True
    )
    kit_delivery_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("kit_delivery.id"), index=True
    )
    #: Training allowances are paid to a person, for a month.
    beneficiary_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("beneficiary.id"))
    allowance_kind: so.Mapped[AllowanceKind | None] = so.mapped_column(
        enum_column(AllowanceKind, "allowance_kind")
    )
    #: The month an allowance covers (its first day), which may differ from when it was paid.
    period_on: so.Mapped[date | None]
    channel: so.Mapped[PaymentChannel | None] = so.mapped_column(
        enum_column(PaymentChannel, "payment_channel")
    )
    #: Receipt, mobile-money transaction or bank reference.
    reference: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    reverses_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("journal_entry.id"), unique=True
    )
    #: Why: required for reversals and write-offs.
    reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Sent with a form or an API call; the same key twice records one entry
    #: (a double click, a resubmitted page, a retried request).
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)

    reverses: so.Mapped[JournalEntry | None] = so.relationship(remote_side=[id])


def standing(
    query: sa.Select, entry: type[JournalEntry] | so.AliasedClass = JournalEntry
) -> sa.Select:
    """Restrict a query on journal entries to those still standing: not reversals,
    and not cancelled by one."""
    reversal = so.aliased(JournalEntry)
    return query.where(
        entry.kind != EntryKind.REVERSAL,
        ~sa.exists().where(reversal.reverses_id == entry.id),
    )
