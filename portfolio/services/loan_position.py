"""Where a loan stands, from its schedule and its standing journal: pure, no database.

The rule that makes early repayment deterministic lives here (it belongs
with portfolio.domain.ledger and can move there as is):

*Future interest is never charged.* The loan closes on the first value date
D on which the standing repayments, taken in allocation order, cover its
payoff on D: every instalment's principal plus the fees and interest of the
instalments due on or before D. Once closed, the instalments due after D are
allocated with no fee and no interest. The rule depends only on the journal,
so a backdated repayment or a reversal re-runs it and gets the same answer a
fresh computation would; a reversed settling repayment reopens the loan.

Whatever the borrower paid beyond the payoff is credit, to refund.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import accumulate

from portfolio.domain.ledger import Due, Payment, allocate
from portfolio.domain.ledger.allocation import AllocationResult


def ordered(dues: Sequence[Due]) -> list[Due]:
    return sorted(dues, key=lambda d: (d.due_on, d.number))


class Payoff:
    """Payoff totals for any date, from prefix sums (a loan has up to 520 rows)."""

    def __init__(self, dues: Sequence[Due]) -> None:
        rows = ordered(dues)
        self._dates = [d.due_on for d in rows]
        self._charges = [0, *accumulate(d.fee_xof + d.interest_xof for d in rows)]
        self.principal_xof = sum(d.principal_xof for d in rows)
        self.total_xof = self.principal_xof + self._charges[-1]

    def total_on(self, on: date) -> int:
        """Principal of every instalment, plus fees and interest of those due by `on`."""
        return self.principal_xof + self._charges[bisect_right(self._dates, on)]


def closing_date(dues: Sequence[Due], payments: Sequence[Payment]) -> date | None:
    """The value date of the repayment that settles the loan, or None while it is not."""
    payoff = Payoff(dues)
    paid = 0
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.entry_id)):
        paid += payment.amount_xof
        if paid >= payoff.total_on(payment.paid_on):
            return payment.paid_on
    return None


def without_future_charges(dues: Sequence[Due], closed_on: date) -> list[Due]:
    """The schedule as allocated once the loan closed on `closed_on`."""
    return [replace(d, fee_xof=0, interest_xof=0) if d.due_on > closed_on else d for d in dues]


@dataclass(frozen=True)
class LoanPosition:
    #: The instalments as allocated (no future charges once closed).
    dues: tuple[Due, ...]
    allocation: AllocationResult
    principal_lent_xof: int
    written_off_xof: int
    repaid_xof: int  # standing repayments
    refunded_xof: int
    closed_on: date | None

    @property
    def principal_repaid_xof(self) -> int:
        return self.allocation.principal_paid_xof

    @property
    def outstanding_principal_xof(self) -> int:
        return self.principal_lent_xof - self.principal_repaid_xof - self.written_off_xof

    @property
    def credit_xof(self) -> int:
        return self.allocation.credit_xof

    @property
    def owed_xof(self) -> int:
        """Everything the schedule still asks (future interest included): the most a
        repayment may bring."""
        return sum(i.owed_xof for i in self.allocation.instalments)

    def payoff_on(self, on: date) -> int:
        """What closes the loan on `on`: principal still owed plus the fees and interest
        of instalments due by then and unpaid."""
        if self.closed_on is not None:
            return 0
        return max(0, Payoff(self.dues).total_on(on) - (self.repaid_xof - self.refunded_xof))


def loan_position(
    dues: Sequence[Due],
    payments: Sequence[Payment],
    *,
    principal_lent_xof: int,
    refunded_xof: int = 0,
    written_off_xof: int = 0,
) -> LoanPosition:
    """Allocate the standing repayments; ValueError if refunds exceed the credit."""
    closed_on = None if written_off_xof else closing_date(dues, payments)
    effective = without_future_charges(dues, closed_on) if closed_on else list(dues)
    return LoanPosition(
        dues=tuple(ordered(effective)),
        allocation=allocate(effective, payments, refunded_xof),
        principal_lent_xof=principal_lent_xof,
        written_off_xof=written_off_xof,
        repaid_xof=sum(p.amount_xof for p in payments),
        refunded_xof=refunded_xof,
        closed_on=closed_on,
    )
