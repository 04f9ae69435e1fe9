"""Days past due, ageing and portfolio at risk, as of any date (DOMAIN.md §5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .allocation import Allocation, Due

#: (label, lowest DPD, highest DPD or None): current, 1–30, 31–60, 61–90, 91–180, >180.
AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("180+", 181, None),
)


@dataclass(frozen=True)
class LoanArrears:
    as_of: date
    days_past_due: int
    bucket: str
    #: Scheduled before the date and still unpaid on it (fees, interest, principal).
    overdue_xof: int
    overdue_principal_xof: int
    #: Principal lent and not yet repaid on the date (0 once written off).
    outstanding_principal_xof: int


def bucket_of(days_past_due: int) -> str:
    for label, low, high in AGEING_BUCKETS:
        if days_past_due >= low and (high is None or days_past_due <= high):
            return label
    raise ValueError(days_past_due)


def arrears_on(
    as_of: date,
    dues: Sequence[Due],
    allocations: Iterable[Allocation],
    principal_lent_xof: int,
    written_off: bool = False,
) -> LoanArrears:
    """One loan's arrears as of `as_of`, counting only payments made on or before it.

    DPD is `as_of` minus the due date of the oldest instalment due before
    `as_of` that was not fully paid by then; an instalment due on `as_of`
    itself is not late yet.
    """
    paid: dict[int, list[int]] = {}
    for a in allocations:
        if a.paid_on <= as_of:
            sums = paid.setdefault(a.number, [0, 0])
            sums[0] += a.total_xof
            sums[1] += a.principal_xof
    overdue = overdue_principal = 0
    oldest_late: date | None = None
    principal_paid = sum(p for _, p in paid.values())
    for due in sorted(dues, key=lambda d: (d.due_on, d.number)):
        if due.due_on >= as_of:
            continue
        total_paid, principal_paid_here = paid.get(due.number, (0, 0))
        owed = due.total_xof - total_paid
        if owed > 0:
            overdue += owed
            overdue_principal += due.principal_xof - principal_paid_here
            oldest_late = oldest_late or due.due_on
    dpd = (as_of - oldest_late).days if oldest_late else 0
    outstanding = 0 if written_off else principal_lent_xof - principal_paid
    return LoanArrears(as_of, dpd, bucket_of(dpd), overdue, overdue_principal, outstanding)


def par(loans: Iterable[LoanArrears], threshold_days: int) -> Decimal:
    """Portfolio at risk: the WHOLE outstanding of loans more than `threshold_days`
    late, over the total outstanding. 0 for an empty portfolio."""
    at_risk = total = 0
    for loan in loans:
        total += loan.outstanding_principal_xof
        if loan.days_past_due > threshold_days:
            at_risk += loan.outstanding_principal_xof
    return Decimal(at_risk) / total if total else Decimal(0)
