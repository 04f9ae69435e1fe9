"""Posting to and reversing in the journal. Helpers for other services' units of work:
they add rows and flush, they never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.models import JournalEntry, db
from portfolio.models.journal import standing as standing  # re-exported for services
from portfolio.services.unit_of_work import ServiceError


class DuplicateSubmission(Exception):
    """The same idempotency key was posted before: the entry already recorded."""

    def __init__(self, entry: JournalEntry):
        super().__init__(entry.id)
        self.entry = entry


def existing_submission(idempotency_key: str | None) -> JournalEntry | None:
    if not idempotency_key:
        return None
    return db.session.scalar(
        sa.select(JournalEntry).where(JournalEntry.idempotency_key == idempotency_key)
    )


def post_entry(
    *,
    kind: EntryKind,
    value_on: date,
    amount_xof: int,
    recorded_by_id: int | None,
    idempotency_key: str | None = None,
    **links: Any,
) -> JournalEntry:
    """Add one journal row. Raises DuplicateSubmission if the key was already used."""
    if isinstance(amount_xof, bool) or not isinstance(amount_xof, int) or amount_xof <= 0:
        raise ServiceError(_("The amount must be a positive whole number of francs."), "amount_xof")
    if value_on > date.today():
        raise ServiceError(_("The date cannot be in the future."), "value_on")
    if (previous := existing_submission(idempotency_key)) is not None:
        raise DuplicateSubmission(previous)
    entry = JournalEntry(
        kind=kind,
        value_on=value_on,
        amount_xof=amount_xof,
        recorded_by_id=recorded_by_id,
        idempotency_key=idempotency_key or None,
        **links,
    )
    try:
        # A savepoint: if another request inserted the same key a moment ago,
        # only this insert is undone and the caller learns which entry won.
        with db.session.begin_nested():
            db.session.add(entry)
    except sa.exc.IntegrityError:
        if (previous := existing_submission(idempotency_key)) is not None:
            raise DuplicateSubmission(previous) from None
        raise
    return entry


def reverse_entry(
    entry: JournalEntry, *, reason: str, recorded_by_id: int | None, value_on: date | None = None
) -> JournalEntry:
    """Cancel `entry` with a REVERSAL row of the same amount and links, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the entry is reversed."), "reason")
    if entry.kind == EntryKind.REVERSAL:
        raise ServiceError(
            _("A reversal cannot itself be reversed; record the entry again."), "entry_id"
        )
    already = db.session.scalar(
        sa.select(JournalEntry.id).where(JournalEntry.reverses_id == entry.id)
    )
    if already is not None:
        raise ServiceError(_("This entry has already been reversed."), "entry_id")
    links = {
        column: getattr(entry, column)
        for column in (
            "enterprise_id",
            "budget_line_id",
            "loan_id",
            "grant_tranche_id",
            "kit_delivery_id",
            "beneficiary_id",
            "allowance_kind",
            "channel",
        )
    }
    reversal = JournalEntry(
        kind=EntryKind.REVERSAL,
        value_on=value_on or date.today(),
        amount_xof=entry.amount_xof,
        recorded_by_id=recorded_by_id,
        reverses_id=entry.id,
        reason=reason,
        **links,
    )
    try:
        with db.session.begin_nested():
            db.session.add(reversal)
    except sa.exc.IntegrityError:  # reversed concurrently by someone else
        raise ServiceError(_("This entry has already been reversed."), "entry_id") from None
    return reversal
