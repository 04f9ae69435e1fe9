"""Grants: award one in tranches, pay a tranche, cancel what is left of one, reverse a
payment. Money moves only through the journal (services.journal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import EntryKind, Instrument
from portfolio.domain.money import format_xof
from portfolio.models import BudgetLine, Enterprise, Grant, GrantTranche, JournalEntry, db
from portfolio.models.journal import standing
from portfolio.models.sql import sum_xof
from portfolio.services.budgets import ensure_within_budget
from portfolio.services.journal import (
    DuplicateSubmission,
    existing_submission,
    post_entry,
    reverse_entry,
)
from portfolio.services.unit_of_work import ServiceError, unit_of_work

MAX_TRANCHES = 12


class DuplicateAward(Exception):
    """The same award was just recorded: `grant` is the one that stands."""

    def __init__(self, grant: Grant):
        super().__init__(grant.id)
        self.grant = grant


@dataclass(frozen=True)
class PlannedTranche:
    planned_on: date
    planned_xof: int
    milestone: str | None = None


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def refuse_future(day: date, field: str) -> None:
    if day > date.today():
        raise ServiceError(_("The date cannot be in the future."), field)


def refuse_bad_amount(amount: Any, field: str = "amount_xof") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ServiceError(_("The amount must be a positive whole number of francs."), field)


def _check_tranches(amount_xof: int, awarded_on: date, tranches: Sequence[PlannedTranche]) -> None:
    if not tranches:
        raise ServiceError(_("Plan at least one tranche."), "tranches")
    if len(tranches) > MAX_TRANCHES:
        raise ServiceError(_("A grant has at most %(n)d tranches.", n=MAX_TRANCHES), "tranches")
    for tranche in tranches:
        refuse_bad_amount(tranche.planned_xof, "tranches")
        if tranche.planned_on < awarded_on:
            raise ServiceError(
                _("A tranche cannot be planned before the grant is awarded."), "tranches"
            )
    total = sum(t.planned_xof for t in tranches)
    if total != amount_xof:
        raise ServiceError(
            _(
                "The tranches add up to %(total)s; they must add up to the amount of the "
                "grant (%(amount)s).",
                total=format_xof(total),
                amount=format_xof(amount_xof),
            ),
            "tranches",
        )


def award_grant(
    values: dict[str, Any],
    tranches: Sequence[PlannedTranche],
    *,
    by_user_id: int,
    scope_region_id: int | None = None,
    idempotency_key: str | None = None,
) -> Grant:
    """Commit a grant to an enterprise against a GRANT line of its programme.

    The award form carries an idempotency key made when it was shown: the
    same key again raises DuplicateAward with the grant recorded the first time.
    """
    if (same := _awarded_with(idempotency_key)) is not None:
        raise DuplicateAward(same)
    amount, awarded_on = values["amount_xof"], values["awarded_on"]
    refuse_bad_amount(amount)
    refuse_future(awarded_on, "awarded_on")
    _check_tranches(amount, awarded_on, tranches)
    purpose = (values.get("purpose") or "").strip()
    if not purpose:
        raise ServiceError(_("Say what the grant pays for."), "purpose")
    with unit_of_work() as session:
        enterprise = session.get(Enterprise, values["enterprise_id"])
        if enterprise is None or (
            scope_region_id is not None and enterprise.commune.region_id != scope_region_id
        ):
            raise ServiceError(_("No enterprise has this number."), "enterprise_id")
        if awarded_on < enterprise.programme.starts_on:
            raise ServiceError(
                _(
                    "The programme starts on %(day)s; a grant cannot be awarded before.",
                    day=_day(enterprise.programme.starts_on),
                ),
                "awarded_on",
            )
        # Locked first (PostgreSQL), so a double click waits here and then finds the first.
        line = session.scalar(
            sa.select(BudgetLine).where(BudgetLine.id == values["budget_line_id"]).with_for_update()
        )
        if (same := _awarded_with(idempotency_key)) is not None:
            raise DuplicateAward(same)
        if line is not None and line.programme_id != enterprise.programme_id:
            raise ServiceError(
                _("This budget line belongs to another programme than the enterprise's."),
                "budget_line_id",
            )
        ensure_within_budget(values["budget_line_id"], amount, Instrument.GRANT)
        grant = Grant(
            enterprise_id=enterprise.id,
            budget_line_id=values["budget_line_id"],
            amount_xof=amount,
            purpose=purpose,
            conditions=(values.get("conditions") or "").strip() or None,
            awarded_on=awarded_on,
            awarded_by_id=by_user_id,
            idempotency_key=idempotency_key or None,
        )
        ordered = sorted(tranches, key=lambda t: t.planned_on)
        for number, tranche in enumerate(ordered, start=1):
            grant.tranches.append(
                GrantTranche(
                    number=number,
                    planned_on=tranche.planned_on,
                    planned_xof=tranche.planned_xof,
                    milestone=(tranche.milestone or "").strip() or None,
                )
            )
        try:
            # A savepoint: if another request used the same key a moment ago, only
            # this insert is undone and the caller learns which grant stands.
            with session.begin_nested():
                session.add(grant)
        except sa.exc.IntegrityError:
            if (same := _awarded_with(idempotency_key)) is not None:
                raise DuplicateAward(same) from None
            raise
    return grant


def _awarded_with(idempotency_key: str | None) -> Grant | None:
    if not idempotency_key:
        return None
    return db.session.scalar(sa.select(Grant).where(Grant.idempotency_key == idempotency_key))


def paid_on_tranche(tranche_id: int) -> int:
    query = standing(
        sa.select(sum_xof(JournalEntry.amount_xof)).where(
            JournalEntry.kind == EntryKind.GRANT_PAYMENT,
            JournalEntry.grant_tranche_id == tranche_id,
        )
    )
    return db.session.scalar(query) or 0


def _locked_tranche(grant: Grant, number: int) -> GrantTranche:
    # Locked (PostgreSQL) so two officers paying the same tranche cannot both pay its rest.
    tranche = db.session.scalar(
        sa.select(GrantTranche)
        .where(GrantTranche.grant_id == grant.id, GrantTranche.number == number)
        .with_for_update()
    )
    if tranche is None:
        raise ServiceError(_("This grant has no such tranche."), "number")
    return tranche


def pay_tranche(
    grant: Grant,
    number: int,
    values: dict[str, Any],
    *,
    by_user_id: int,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Record a payment of (part of) a tranche. DuplicateSubmission if the key was used."""
    # Before any rule: a resubmitted form must learn it was recorded, not that the
    # tranche (now paid) has nothing left.
    if (previous := existing_submission(idempotency_key)) is not None:
        raise DuplicateSubmission(previous)
    amount, paid_on = values["amount_xof"], values["paid_on"]
    refuse_bad_amount(amount)
    refuse_future(paid_on, "paid_on")
    if paid_on < grant.awarded_on:
        raise ServiceError(
            _(
                "The grant was awarded on %(day)s; it cannot be paid before.",
                day=_day(grant.awarded_on),
            ),
            "paid_on",
        )
    with unit_of_work():
        tranche = _locked_tranche(grant, number)
        if tranche.cancelled_on is not None:
            raise ServiceError(
                _("This tranche was cancelled on %(day)s.", day=_day(tranche.cancelled_on)),
                "amount_xof",
            )
        left = tranche.planned_xof - paid_on_tranche(tranche.id)
        if amount > left:
            raise ServiceError(
                _(
                    "This payment of %(amount)s is more than what is left to pay on the "
                    "tranche (%(left)s).",
                    amount=format_xof(amount),
                    left=format_xof(left),
                ),
                "amount_xof",
            )
        entry = post_entry(
            kind=EntryKind.GRANT_PAYMENT,
            value_on=paid_on,
            amount_xof=amount,
            recorded_by_id=by_user_id,
            idempotency_key=idempotency_key,
            enterprise_id=grant.enterprise_id,
            budget_line_id=grant.budget_line_id,
            grant_tranche_id=tranche.id,
            channel=values["channel"],
            reference=(values.get("reference") or "").strip() or None,
        )
        from portfolio.services.visit_plan import plan_visits  # the first support starts the plan

        plan_visits([grant.enterprise_id])
    return entry


def cancel_tranche(
    grant: Grant, number: int, *, cancelled_on: date, reason: str, by_user_id: int
) -> GrantTranche:
    """Cancel what is left to pay of a tranche; the row stays, with who, when and why.

    The tranche keeps its planned amount; `cancelled_xof` records the unpaid
    rest the cancellation took off, so what was paid stays committed on the
    budget and the grant's history reads as it happened.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the tranche is cancelled."), "reason")
    refuse_future(cancelled_on, "cancelled_on")
    if cancelled_on < grant.awarded_on:
        raise ServiceError(_("A tranche cannot be cancelled before the award."), "cancelled_on")
    with unit_of_work():
        tranche = _locked_tranche(grant, number)
        if tranche.cancelled_on is not None:
            raise ServiceError(_("This tranche is already cancelled."), "number")
        paid = paid_on_tranche(tranche.id)
        if paid >= tranche.planned_xof:
            raise ServiceError(_("This tranche is fully paid: nothing is left to cancel."))
        tranche.cancelled_xof = tranche.planned_xof - paid
        tranche.cancelled_on = cancelled_on
        tranche.cancel_reason = reason
        tranche.cancelled_by_id = by_user_id
    return tranche


def reverse_payment(
    entry_id: int, kind: EntryKind, *, reason: str, by_user_id: int
) -> JournalEntry:
    """Cancel a payment of `kind` (grant or allowance) with a reversal row and a reason."""
    with unit_of_work() as session:
        entry = session.scalar(
            sa.select(JournalEntry).where(JournalEntry.id == entry_id).with_for_update()
        )
        if entry is None or entry.kind != kind:
            raise ServiceError(_("This entry is not a payment that can be reversed here."))
        reversal = reverse_entry(entry, reason=reason, recorded_by_id=by_user_id)
    return reversal


def reverse_grant_payment(entry_id: int, *, reason: str, by_user_id: int) -> JournalEntry:
    return reverse_payment(entry_id, EntryKind.GRANT_PAYMENT, reason=reason, by_user_id=by_user_id)


def grant_of_entry(entry_id: int) -> Grant | None:
    """The grant a grant payment (or its reversal) belongs to."""
    return db.session.scalar(
        sa.select(Grant)
        .join(GrantTranche, GrantTranche.grant_id == Grant.id)
        .join(JournalEntry, JournalEntry.grant_tranche_id == GrantTranche.id)
        .where(JournalEntry.id == entry_id)
    )
