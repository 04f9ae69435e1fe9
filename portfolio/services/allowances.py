"""Training allowances: a monthly stipend, or day-care costs for a mother in training,
paid to a beneficiary against a TRAINING budget line of their programme."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import AllowanceKind, EntryKind, Instrument
from portfolio.models import Beneficiary, BudgetLine, EnterpriseMember, JournalEntry
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

    The month it covers is the month of its payment date: the journal has no
    column for a period yet.
    """
    if (previous := existing_submission(idempotency_key)) is not None:
        raise DuplicateSubmission(previous)
    amount, paid_on = values["amount_xof"], values["paid_on"]
    refuse_bad_amount(amount)
    refuse_future(paid_on, "paid_on")
    kind = AllowanceKind(values["allowance_kind"])
    with unit_of_work() as session:
        person = session.get(Beneficiary, values["beneficiary_id"])
        if person is None or (
            scope_region_id is not None and person.commune.region_id != scope_region_id
        ):
            raise ServiceError(_("No beneficiary has this number."), "beneficiary_id")
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
            budget_line_id=values["budget_line_id"],
            enterprise_id=enterprise_id,
            channel=values["channel"],
            reference=(values.get("reference") or "").strip() or None,
        )
    return entry


def reverse_allowance(entry_id: int, *, reason: str, by_user_id: int) -> JournalEntry:
    return reverse_payment(
        entry_id, EntryKind.ALLOWANCE_PAYMENT, reason=reason, by_user_id=by_user_id
    )
