"""Due dates for many loans at once, as ``LoanTerms.due_dates`` computes them.

Dates are handled as int64 days since 1970-01-01 and months since 1970-01:
numpy's own datetime64 month <-> day conversions cost ~10x more per row
than a lookup in a small table of month starts.
"""

from __future__ import annotations

import numpy as np

from ._batch_columns import DAYS_PER_PERIOD, MONTHS_PER_PERIOD, Columns


def due_dates(columns: Columns, number: np.ndarray, loan_of_row: np.ndarray) -> np.ndarray:
    """datetime64[D] due date of every row (``number`` is the row's period, from 1).

    Each date is computed from one anchor, never chained: the disbursement
    when the first due date is the default one period later, else the first
    due date itself (see LoanTerms.due_dates).
    """
    disbursed = columns.disbursed_on.astype(np.int64)
    first_due = columns.first_due_on.astype(np.int64)
    months, days = MONTHS_PER_PERIOD[columns.frequency], DAYS_PER_PERIOD[columns.frequency]
    ones = np.ones(len(disbursed), dtype=np.int64)
    from_disbursement = first_due == add_periods(disbursed, months, days, ones)
    anchor = np.where(from_disbursement, disbursed, first_due)[loan_of_row]
    periods = number - 1 + from_disbursement[loan_of_row]
    rows = add_periods(anchor, months[loan_of_row], days[loan_of_row], periods)
    return rows.astype("datetime64[D]")


def add_periods(
    start: np.ndarray, months_per: np.ndarray, days_per: np.ndarray, periods: np.ndarray
) -> np.ndarray:
    """Days since the epoch ``periods`` steps after ``start`` (days since the epoch).

    A calendar step (months_per > 0) keeps the day of the month, clamped to
    the month's end (like terms.add_months); a fixed step adds days_per days.
    """
    if not len(start):
        return start
    month = start.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    low = int(month.min())
    starts = _month_starts(low, int(month.max() + (months_per * periods).max()))
    day = start - starts[month - low]  # days after the 1st
    target = month + months_per * periods - low
    first = starts[target]
    calendar = first + np.minimum(day, starts[target + 1] - first - 1)
    return np.where(months_per > 0, calendar, start + days_per * periods)


def _month_starts(low: int, high: int) -> np.ndarray:
    """Day number of the 1st of each month, months ``low`` to ``high + 1``."""
    months = np.arange(low, high + 2).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)
