"""The visit plan: when an enterprise's follow-up visits fall due.

A visit is due N months after the first support handed over (kit, paid grant
tranche or disbursed loan), N taken from the cadence steps admins edit
(default 1, 3, 6, 12 and 18 months). Month arithmetic is calendar arithmetic
clamped to the month's end: one month after 31 January is 28 (or 29) February.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the last day of the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class DueVisit:
    sequence: int
    months_after_support: int
    due_on: date


def due_visits(first_support_on: date, cadence_months: Iterable[int]) -> list[DueVisit]:
    """The plan for one enterprise, in order: sequence 1 for the earliest step."""
    steps = sorted(set(cadence_months))
    return [
        DueVisit(sequence, months, add_months(first_support_on, months))
        for sequence, months in enumerate(steps, start=1)
    ]


def missing_steps(
    first_support_on: date, cadence_months: Iterable[int], planned: Iterable[tuple[int, int]]
) -> list[DueVisit]:
    """Steps of the cadence not yet planned for an enterprise.

    ``planned`` holds (sequence, months after support) of the rows that exist.
    New rows take sequence numbers after the highest one in use, so rows already
    planned (and visits done) keep theirs.
    """
    planned = list(planned)
    months_done = {months for _, months in planned}
    next_sequence = max((seq for seq, _ in planned), default=0) + 1
    missing = []
    for months in sorted(set(cadence_months) - months_done):
        missing.append(DueVisit(next_sequence, months, add_months(first_support_on, months)))
        next_sequence += 1
    return missing


def days_overdue(due_on: date, today: date) -> int:
    """Days since the due date (0 when not yet due; a visit due today is not late)."""
    return max((today - due_on).days, 0)
