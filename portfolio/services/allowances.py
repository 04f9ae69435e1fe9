"""Training allowances: a monthly stipend, or day-care costs for a mother in training,
paid to a beneficiary against a TRAINING budget line of their programme."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import AllowanceKind, EntryKind, Instrument
from portfolio.domain.money import format_xof
from portfolio.models import Beneficiary, BudgetLine, EnterpriseMember, JournalEntry, db
from portfolio.models.journal import standing
from portfolio.services.budgets import ensure_within_budget
from portfolio.services.grants import (
    refuse_bad_amount,
    refuse_future,
    reverse_payment,
)
from portfolio.services.journal import DuplicateSubmission, existing_submission, post_entry
from portfolio.services.unit_of_work import ServiceError, unit_of_work


def pay_allowance(
    values: dict[str, Any],
    *,
    by_user_id: int,
    idempotency_key: str | None = None,
    scope_region_id: int | None = None,
) -> JournalEntry:
    """Record one allowance payment. DuplicateSubmission if the key was already used.

    `period_on` is the month it covers (any day of it; stored as the first
    day), by default the month of the payment. A beneficiary is paid each kind
    of allowance once per month: a second payment for the same month is
    refused unless the first one was reversed.
    """
    if (previous := existing_submission(idempotency_key)) is not None:
        raise DuplicateSubmission(previous)
    amount, paid_on = values["amount_xof"], values["paid_on"]
    refuse_bad_amount(amount)
    refuse_future(paid_on, "paid_on")
    kind = AllowanceKind(values["allowance_kind"])
    period_on = (values.get("period_on") or paid_on).replace(day=1)
    if period_on > paid_on.replace(day=1) + timedelta(days=62):
        raise ServiceError(
            _("An allowance is paid at most two months ahead of the month it covers."),
            "period_on",
        )
    with unit_of_work() as session:
        # Locked (PostgreSQL): two officers paying the same person wait for each other,
        # so the month check below sees the other's payment.
        person = session.scalar(
            sa.select(Beneficiary)
            .where(Beneficiary.id == values["beneficiary_id"])
            .with_for_update()
        )
        if person is None or (
            scope_region_id is not None and person.commune.region_id != scope_region_id
        ):
            raise ServiceError(_("No beneficiary has this number."), "beneficiary_id")
        _refuse_second_payment(person.id, kind, period_on)
        line = session.get(BudgetLine, values["budget_line_id"])
        if line is not None and line.programme_id != person.programme_id:
            raise ServiceError(
                _("This budget line belongs to another programme than the beneficiary's."),
                "budget_line_id",
            )
        ensure_within_budget(values["budget_line_id"], amount, Instrument.TRAINING)
        # The allowance is also counted with the business the trainee runs, if any.
        enterprise_id = session.scalar(
            sa.select(EnterpriseMember.enterprise_id)
            .where(EnterpriseMember.beneficiary_id == person.id)
            .order_by(EnterpriseMember.id)
            .limit(1)
        )
        entry = post_entry(
            kind=EntryKind.ALLOWANCE_PAYMENT,
            value_on=paid_on,
            amount_xof=amount,
            recorded_by_id=by_user_id,
            idempotency_key=idempotency_key,
            beneficiary_id=person.id,
            allowance_kind=kind,
            period_on=period_on,
            budget_line_id=values["budget_line_id"],
            enterprise_id=enterprise_id,
            channel=values["channel"],
            reference=(values.get("reference") or "").strip() or None,
        )
    return entry


def _refuse_second_payment(beneficiary_id: int, kind: AllowanceKind, period_on: date) -> None:
    paid = db.session.scalar(
        standing(
            sa.select(JournalEntry).where(
                JournalEntry.kind == EntryKind.ALLOWANCE_PAYMENT,
                JournalEntry.beneficiary_id == beneficiary_id,
                JournalEntry.allowance_kind == kind,
                JournalEntry.period_on == period_on,
            )
        ).limit(1)
    )
    if paid is not None:
        raise ServiceError(
            _(
                "This allowance was already paid to this beneficiary for %(month)s "
                "(payment of %(day)s, %(amount)s). Reverse that payment first if it was "
                "a mistake.",
                month=format_date(period_on, "MMMM y"),
                day=paid.value_on.strftime("%d/%m/%Y"),
                amount=format_xof(paid.amount_xof),
            ),
            "period_on",
        )


def reverse_allowance(entry_id: int, *, reason: str, by_user_id: int) -> JournalEntry:
    return reverse_payment(
        entry_id, EntryKind.ALLOWANCE_PAYMENT, reason=reason, by_user_id=by_user_id
    )
