"""Repayment allocation: fees, then interest, then principal, oldest instalment first.

Allocation is a function of the whole history (the schedule and every
repayment still standing), never an incremental update: a backdated
repayment or a reversal simply re-runs it, so the result cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Due:
    """One instalment as scheduled."""

    number: int
    due_on: date
    fee_xof: int
    interest_xof: int
    principal_xof: int

    @property
    def total_xof(self) -> int:
        return self.fee_xof + self.interest_xof + self.principal_xof


@dataclass(frozen=True)
class Payment:
    """A repayment still standing (not reversed), in francs, on its value date."""

    entry_id: int
    paid_on: date
    amount_xof: int


@dataclass(frozen=True)
class Allocation:
    """The part of one payment applied to one instalment."""

    entry_id: int
    number: int
    paid_on: date
    fee_xof: int
    interest_xof: int
    principal_xof: int

    @property
    def total_xof(self) -> int:
        return self.fee_xof + self.interest_xof + self.principal_xof


@dataclass
class PaidInstalment:
    due: Due
    fee_xof: int = 0
    interest_xof: int = 0
    principal_xof: int = 0
    #: Date the instalment became fully paid, None while something is owed.
    settled_on: date | None = None

    @property
    def paid_xof(self) -> int:
        return self.fee_xof + self.interest_xof + self.principal_xof

    @property
    def owed_xof(self) -> int:
        return self.due.total_xof - self.paid_xof


@dataclass
class AllocationResult:
    instalments: list[PaidInstalment]
    allocations: list[Allocation] = field(default_factory=list)
    #: Paid beyond everything owed: kept for the borrower (refund or later use).
    credit_xof: int = 0

    @property
    def principal_paid_xof(self) -> int:
        return sum(i.principal_xof for i in self.instalments)

    @property
    def fully_paid(self) -> bool:
        return all(i.owed_xof == 0 for i in self.instalments)


def allocate(
    dues: Sequence[Due], payments: Sequence[Payment], refunded_xof: int = 0
) -> AllocationResult:
    """Apply `payments` (any order) to `dues`; `refunded_xof` already handed back.

    Each payment, in value-date order, settles the oldest unpaid instalment
    first, within it fees, then interest, then principal; what remains goes
    to the next instalment, future ones included (paying ahead). Whatever is
    left once every instalment is paid is the borrower's credit.
    """
    ordered_dues = sorted(dues, key=lambda d: (d.due_on, d.number))
    state = [PaidInstalment(due) for due in ordered_dues]
    result = AllocationResult(state)
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.entry_id)):
        if payment.amount_xof <= 0:
            raise ValueError("payments are positive amounts")
        left = payment.amount_xof
        for paid in state:
            if left == 0:
                break
            if paid.owed_xof == 0:
                continue
            fee = min(left, paid.due.fee_xof - paid.fee_xof)
            left -= fee
            interest = min(left, paid.due.interest_xof - paid.interest_xof)
            left -= interest
            principal = min(left, paid.due.principal_xof - paid.principal_xof)
            left -= principal
            paid.fee_xof += fee
            paid.interest_xof += interest
            paid.principal_xof += principal
            if paid.owed_xof == 0:
                paid.settled_on = payment.paid_on
            result.allocations.append(
                Allocation(
                    payment.entry_id, paid.due.number, payment.paid_on, fee, interest, principal
                )
            )
        result.credit_xof += left
    if refunded_xof > result.credit_xof:
        raise ValueError("cannot refund more than the borrower's credit")
    result.credit_xof -= refunded_xof
    return result
