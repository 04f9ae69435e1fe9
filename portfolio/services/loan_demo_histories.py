"""How demo borrowers repay, and the rows that record it (built here, inserted in bulk
by demo_loans; nothing here touches the database).

Shares are set so that about 7 % of the outstanding principal is more than
30 days late, as in Malian microfinance in 2018 (DOMAIN.md §2).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from portfolio.domain.ledger import Due, Payment
from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus, PaymentChannel
from portfolio.services.demo_bulk import journal_row
from portfolio.services.loan_corrections import NewTerms, rescheduled_rows
from portfolio.services.loan_position import Payoff, loan_position
from portfolio.services.loan_records import with_cumulative

#: (behaviour, share of disbursed loans)
BEHAVIOURS = (
    ("on_time", 0.785),  # pays each instalment on the due date or a few days after
    ("late", 0.14),  # pays 5 to 25 days late, sometimes short, and catches up
    ("stops", 0.035),  # pays for a while, then stops (31 to 180+ days late)
    ("defaults", 0.02),  # pays one to three instalments, then nothing
    ("early", 0.02),  # repays everything early, in one payoff
)


@dataclass
class History:
    """Payments as (value date, amount); `mistakes` are payments later reversed."""

    payments: list[tuple[date, int]] = field(default_factory=list)
    mistakes: list[tuple[date, int, date]] = field(default_factory=list)  # paid, amount, reversed


def behaviour(rng: random.Random) -> str:
    names, weights = zip(*BEHAVIOURS, strict=True)
    return rng.choices(names, weights)[0]


def repayments(
    rng: random.Random,
    dues: Sequence[Due],
    kind: str,
    disbursed_on: date,
    today: date,
    until: date | None = None,
) -> History:
    """The borrower's payments up to `until` (default today), never in the future.

    Final instalments are never paid ahead: paying the last one early would
    close the loan with its interest waived (see loan_position), which real
    borrowers rarely do.
    """
    until = min(until or today, today)
    history = History()
    due_by_now = [d for d in dues if d.due_on <= until]
    stop_after = len(dues)
    if kind == "stops":
        stop_after = max(1, int(len(due_by_now) * rng.uniform(0.3, 0.9)))
    elif kind == "defaults":
        stop_after = rng.randint(1, 3)
    elif kind == "early" and len(due_by_now) < len(dues):
        paid_before = rng.randint(0, len(due_by_now))
        for due in due_by_now[:paid_before]:
            history.payments.append((due.due_on, due.total_xof))
        start = due_by_now[paid_before - 1].due_on if paid_before else disbursed_on
        if start < until:
            on = start + timedelta(days=rng.randint(1, (until - start).days))
            paid = sum(amount for _, amount in history.payments)
            history.payments.append((on, Payoff(dues).total_on(on) - paid))
        return history
    short = 0
    for number, due in enumerate(due_by_now, start=1):
        if number > stop_after:
            break
        delay = rng.randint(0, 5) if kind in ("on_time", "early") else rng.randint(5, 25)
        paid_on = due.due_on + timedelta(days=delay)
        if paid_on > until:
            break
        amount = due.total_xof + short
        short = 0
        if kind == "late" and number < len(dues) and rng.random() < 0.05:
            short = amount // 5  # paid short this time, made up next time
            amount -= short
        history.payments.append((paid_on, amount))
    if history.payments and rng.random() < 0.01:
        paid_on, amount = rng.choice(history.payments)
        reversed_on = min(today, paid_on + timedelta(days=rng.randint(0, 5)))
        history.mistakes.append((paid_on, amount, reversed_on))
    return history


INSTALMENT_COLUMNS = (
    "id",
    "loan_id",
    "schedule_version",
    "number",
    "due_on",
    "principal_xof",
    "interest_xof",
    "fee_xof",
    "savings_xof",
    "cumulative_xof",
)
ALLOCATION_COLUMNS = (
    "id",
    "loan_id",
    "instalment_id",
    "entry_id",
    "paid_on",
    "fee_xof",
    "interest_xof",
    "principal_xof",
)


class DemoRows:
    """Rows of one chunk as tuples (JOURNAL_COLUMNS, INSTALMENT_COLUMNS,
    ALLOCATION_COLUMNS), with the ids handed out so far."""

    def __init__(self, ids: dict[str, int], now) -> None:
        self.ids, self.now = ids, now
        self.instalments: list[tuple] = []
        self.entries: list[tuple] = []
        self.allocations: list[tuple] = []
        self.last_schedule: list[tuple[date, int]] = []

    def take(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind] - 1

    def entry(self, loan: dict, kind: EntryKind, value_on: date, amount: int, **more) -> int:
        entry_id = self.take("entry")
        recorded_by = more.pop("recorded_by_id", loan["created_by_id"])
        self.entries.append(
            journal_row(
                entry_id,
                kind,
                value_on,
                amount,
                self.now,
                recorded_by,
                loan_id=loan["id"],
                enterprise_id=loan["enterprise_id"],
                budget_line_id=loan["budget_line_id"],
                **more,
            )
        )
        return entry_id

    def schedule(self, loan: dict, version: int, dues: list[Due]) -> dict[int, int]:
        """Instalment rows of a schedule version; returns instalment id by number, and
        keeps (due date, cumulative due) of each row in `last_schedule`."""
        ids = {}
        savings = loan["savings_per_instalment_xof"]
        self.last_schedule = []
        for due, cumulative in with_cumulative(dues):
            self.last_schedule.append((due.due_on, cumulative))
            ids[due.number] = instalment_id = self.take("instalment")
            self.instalments.append(
                (
                    instalment_id,
                    loan["id"],
                    version,
                    due.number,
                    due.due_on,
                    due.principal_xof,
                    due.interest_xof,
                    due.fee_xof,
                    savings,
                    cumulative,
                )
            )
        return ids


def _payments(rng, rows: DemoRows, loan: dict, history: History) -> list[Payment]:
    channels = list(PaymentChannel)
    payments = []
    for paid_on, amount in history.payments:
        channel = rng.choice(channels)
        entry_id = rows.entry(loan, EntryKind.LOAN_REPAYMENT, paid_on, amount, channel=channel)
        payments.append(Payment(entry_id, paid_on, amount))
    for paid_on, amount, reversed_on in history.mistakes:
        mistake = rows.entry(loan, EntryKind.LOAN_REPAYMENT, paid_on, amount, channel="cash")
        rows.entry(
            loan,
            EntryKind.REVERSAL,
            reversed_on,
            amount,
            channel="cash",
            reverses_id=mistake,
            reason="Saisie en double",
        )
    return payments


def history_of(rng, loan, dues, today, rows: DemoRows, rare: dict, checker_id: int) -> None:
    lent = loan["amount_xof"]
    rows.entry(loan, EntryKind.LOAN_DISBURSEMENT, loan["disbursed_on"], lent, channel="cash")
    loan["first_due_on"] = dues[0].due_on
    kind = behaviour(rng)
    ids = rows.schedule(loan, 1, dues)
    history = repayments(rng, dues, kind, loan["disbursed_on"], today)
    payments = _payments(rng, rows, loan, history)
    position = loan_position(dues, payments, principal_lent_xof=lent)
    late_since = next((d.due_on for d, p in _unpaid(position) if d.due_on < today), None)
    if kind == "stops" and rare["reschedule"] and late_since and late_since < today - timedelta(60):
        rare["reschedule"] -= 1
        last_paid = max((p.paid_on for p in payments), default=loan["disbursed_on"])
        on = max(last_paid, today - timedelta(days=rng.randint(5, 30)))
        terms = NewTerms(loan["annual_rate"], 12, frequency=loan["frequency"])
        new = rescheduled_rows(position, terms, on)
        ids = rows.schedule(loan, 2, new)
        fresh = new[len(new) - terms.instalments :]  # after the rows carried over
        later = repayments(rng, fresh, "on_time", on, today)
        payments += _payments(rng, rows, loan, later)
        loan.update(schedule_version=2, restructured=True)
        dues = new
        position = loan_position(dues, payments, principal_lent_xof=lent)
    elif (
        kind == "defaults"
        and rare["write_off"]
        and late_since
        and late_since < today - timedelta(200)
    ):
        rare["write_off"] -= 1
        written_on = late_since + timedelta(days=181)
        outstanding = position.outstanding_principal_xof
        rows.entry(
            loan,
            EntryKind.LOAN_WRITE_OFF,
            written_on,
            outstanding,
            reason="Promoteur parti",
            recorded_by_id=checker_id,
        )
        if rng.random() < 0.5:
            recovered_on = written_on + timedelta(days=rng.randint(0, (today - written_on).days))
            rows.entry(
                loan,
                EntryKind.LOAN_RECOVERY,
                recovered_on,
                max(1, outstanding // 10),
                channel="cash",
            )
        loan["status"] = LoanStatus.WRITTEN_OFF
    repaid = principal = 0
    for a in position.allocation.allocations:
        repaid += a.fee_xof + a.interest_xof + a.principal_xof
        principal += a.principal_xof
        rows.allocations.append(
            (
                rows.take("allocation"),
                loan["id"],
                ids[a.number],
                a.entry_id,
                a.paid_on,
                a.fee_xof,
                a.interest_xof,
                a.principal_xof,
            )
        )
    # The balances kept on the loan row, as services.loan_balances computes them.
    loan.update(
        repaid_xof=repaid,
        principal_repaid_xof=principal,
        oldest_unpaid_due_on=min(
            (due_on for due_on, due in rows.last_schedule if due > repaid), default=None
        ),
    )
    if loan["status"] == LoanStatus.ACTIVE and position.closed_on:
        loan.update(status=LoanStatus.CLOSED, closed_on=position.closed_on)


def _unpaid(position):
    return [(p.due, p) for p in position.allocation.instalments if p.owed_xof]
