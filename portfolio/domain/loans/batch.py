"""Schedules for many loans at once, the same to the franc as ``build_schedule``.

Portfolio stress runs build 100,000 schedules; the scalar engine, in Decimal,
takes about 26 s for that. ``build_schedules`` does the same arithmetic on
numpy arrays (benchmarks/loan_schedules.py measures it).

Exactness: every amount is an integer computation, never a float one.
Interest is round_half_up(balance x annual_rate / periods per year) on the
exact rational rate (numerator and denominator of the Decimal, reduced), in
int64 when the bounds in _batch_columns prove no product can overflow and in
Python ints (numpy object arrays, same code) for the rare loans beyond them.
The level instalment of equal-instalment loans is the one real-valued figure:
float64 decides its rounding unless it lies too close to a half multiple, and
then the scalar ``pmt`` does, so both engines round it alike.

Delegated to the scalar ``build_schedule``, one loan at a time: seasonal
terms (``repayment_months``), whose uneven gaps and carried interest are too
rare to vectorise. Their rows land in the same arrays as everyone else's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._batch_columns import Columns, read_columns
from ._batch_dates import due_dates
from ._batch_kernel import KernelLoans, div_half_up, fill_rows
from .schedule import Schedule, ScheduleRow, ScheduleTotals, build_schedule
from .terms import LoanTerms

_ROW_MONEY = ("principal_xof", "interest_xof", "savings_xof", "balance_after_xof")
_LOAN_MONEY = ("upfront_fee_xof", "savings_withheld_xof")


@dataclass(frozen=True, eq=False)
class BatchSchedules:
    """``build_schedule(t)`` for every ``t`` in ``terms``, as arrays.

    Row arrays hold all the loans' rows, loan after loan: loan i's rows are
    ``rows_of(i)``, that is offsets[i]:offsets[i + 1], numbered 1..n_i.
    Loan arrays hold one entry per loan, in the order of ``terms``. Money is
    int64, or an object array of Python ints when some figure would not fit.
    """

    terms: tuple[LoanTerms, ...]
    offsets: np.ndarray  # len(terms) + 1 row offsets
    # --- one entry per row
    number: np.ndarray
    due_on: np.ndarray  # datetime64[D]
    principal_xof: np.ndarray
    interest_xof: np.ndarray
    fee_xof: np.ndarray
    savings_xof: np.ndarray
    total_xof: np.ndarray
    balance_after_xof: np.ndarray
    # --- one entry per loan
    amount_xof: np.ndarray
    upfront_fee_xof: np.ndarray
    savings_withheld_xof: np.ndarray
    net_disbursed_xof: np.ndarray
    total_principal_xof: np.ndarray
    total_interest_xof: np.ndarray
    total_fee_xof: np.ndarray
    total_savings_xof: np.ndarray
    total_repaid_xof: np.ndarray  # every row's total: Schedule.totals.total_xof

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def instalments(self) -> np.ndarray:
        return np.diff(self.offsets)

    def rows_of(self, i: int) -> slice:
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))

    def schedule(self, i: int) -> Schedule:
        """Loan i as the scalar engine's ``Schedule`` (plain ints and dates)."""
        at = self.rows_of(i)
        columns = zip(
            self.number[at].tolist(),
            self.due_on[at].tolist(),
            self.principal_xof[at].tolist(),
            self.interest_xof[at].tolist(),
            self.fee_xof[at].tolist(),
            self.savings_xof[at].tolist(),
            self.total_xof[at].tolist(),
            self.balance_after_xof[at].tolist(),
            strict=True,
        )
        rows = tuple(
            ScheduleRow(
                number=number,
                due_on=due_on,
                principal_xof=principal,
                interest_xof=interest,
                fee_xof=fee,
                savings_xof=savings,
                total_xof=total,
                balance_after_xof=balance,
            )
            for number, due_on, principal, interest, fee, savings, total, balance in columns
        )
        return Schedule(
            disbursed_on=self.terms[i].disbursed_on,
            amount_xof=int(self.amount_xof[i]),
            upfront_fee_xof=int(self.upfront_fee_xof[i]),
            savings_withheld_xof=int(self.savings_withheld_xof[i]),
            net_disbursed_xof=int(self.net_disbursed_xof[i]),
            rows=rows,
            totals=ScheduleTotals(
                principal_xof=int(self.total_principal_xof[i]),
                interest_xof=int(self.total_interest_xof[i]),
                fee_xof=int(self.total_fee_xof[i]),
                savings_xof=int(self.total_savings_xof[i]),
                total_xof=int(self.total_repaid_xof[i]),
            ),
        )


def build_schedules(terms: Sequence[LoanTerms]) -> BatchSchedules:
    """Every loan's schedule, exactly as ``build_schedule`` would give it.

    Seasonal terms (``repayment_months``) are handed to ``build_schedule``
    one by one; all other terms are computed together on arrays.
    """
    terms = tuple(terms)
    columns = read_columns(terms)
    n = columns.instalments
    offsets = np.concatenate(([0], np.cumsum(n))).astype(np.int64)
    starts = offsets[:-1]
    loan_of_row = np.repeat(np.arange(len(terms)), n)
    number = np.arange(offsets[-1]) - starts[loan_of_row] + 1

    rows = {name: np.zeros(offsets[-1], dtype=np.int64) for name in _ROW_MONEY}
    rows["savings_xof"] = columns.savings_per_instalment[loan_of_row]  # every period pays
    loans = {name: np.zeros(len(terms), dtype=np.int64) for name in _LOAN_MONEY}
    fits, vectorised = columns.fits_int64, ~columns.seasonal
    _put(loans, np.flatnonzero(fits), _upfront(columns, np.flatnonzero(fits), np.int64))
    _put(loans, np.flatnonzero(~fits), _upfront(columns, np.flatnonzero(~fits), object))
    chosen = np.flatnonzero(fits & vectorised)
    fill_rows(
        _kernel_loans(terms, columns, chosen, np.int64),
        starts[chosen],
        rows["principal_xof"],
        rows["interest_xof"],
        rows["balance_after_xof"],
    )
    # Last, as they may turn every row array into Python ints.
    _fill_rows_in_python_ints(terms, columns, np.flatnonzero(~fits & vectorised), offsets, rows)
    _fill_seasonal_rows(terms, np.flatnonzero(columns.seasonal), offsets, rows)

    fee = np.zeros(offsets[-1], dtype=np.int64)  # no per-instalment charges exist yet
    total = rows["principal_xof"] + rows["interest_xof"] + fee + rows["savings_xof"]
    amount = columns.amount

    def per_loan(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts) if len(starts) else values[:0]

    return BatchSchedules(
        terms=terms,
        offsets=offsets,
        number=number,
        due_on=due_dates(columns, number, loan_of_row),
        principal_xof=rows["principal_xof"],
        interest_xof=rows["interest_xof"],
        fee_xof=fee,
        savings_xof=rows["savings_xof"],
        total_xof=total,
        balance_after_xof=rows["balance_after_xof"],
        amount_xof=amount,
        upfront_fee_xof=loans["upfront_fee_xof"],
        savings_withheld_xof=loans["savings_withheld_xof"],
        net_disbursed_xof=amount - loans["upfront_fee_xof"] - loans["savings_withheld_xof"],
        total_principal_xof=per_loan(rows["principal_xof"]),
        total_interest_xof=per_loan(rows["interest_xof"]),
        total_fee_xof=per_loan(fee),
        total_savings_xof=per_loan(rows["savings_xof"]),
        total_repaid_xof=per_loan(total),
    )


def _kernel_loans(terms, columns: Columns, chosen: np.ndarray, dtype) -> KernelLoans:
    def money(column: np.ndarray) -> np.ndarray:
        return column[chosen].astype(dtype)

    return KernelLoans(
        terms=[terms[i] for i in chosen.tolist()],
        amount=money(columns.amount),
        period_num=money(columns.rate_num),
        period_den=money(columns.rate_den) * columns.periods_per_year[chosen],
        multiple=money(columns.multiple),
        instalments=columns.instalments[chosen],
        grace=columns.grace[chosen],
        method=columns.method[chosen],
        grace_interest=columns.grace_interest[chosen],
    )


def _upfront(columns: Columns, chosen: np.ndarray, dtype) -> dict[str, np.ndarray]:
    """LoanTerms.upfront_fee_total_xof and savings_withheld_xof, exactly."""
    amount = columns.amount[chosen].astype(dtype)
    multiple = columns.multiple[chosen].astype(dtype)

    def percent(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        product = amount * num[chosen].astype(dtype)
        return div_half_up(product, den[chosen].astype(dtype) * multiple) * multiple

    fee = percent(columns.fee_num, columns.fee_den) + columns.fee_xof[chosen].astype(dtype)
    return {
        "upfront_fee_xof": fee,
        "savings_withheld_xof": percent(columns.savings_num, columns.savings_den),
    }


def _fill_rows_in_python_ints(terms, columns, chosen, offsets, rows) -> None:
    """The kernel on object arrays, for loans whose figures may pass int64."""
    if not len(chosen):
        return
    counts = columns.instalments[chosen]
    local_starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    local = {name: np.zeros(int(counts.sum()), dtype=object) for name in _ROW_MONEY}
    loans = _kernel_loans(terms, columns, chosen, object)
    fill_rows(
        loans,
        local_starts,
        local["principal_xof"],
        local["interest_xof"],
        local["balance_after_xof"],
    )
    del local["savings_xof"]  # already set for every row
    _put(rows, _row_positions(offsets, chosen), local)


def _fill_seasonal_rows(terms, seasonal: np.ndarray, offsets, rows) -> None:
    if not len(seasonal):
        return
    values: dict[str, list[int]] = {name: [] for name in _ROW_MONEY}
    for i in seasonal.tolist():
        for row in build_schedule(terms[i]).rows:
            for name in _ROW_MONEY:
                values[name].append(getattr(row, name))
    at = _row_positions(offsets, seasonal)
    _put(rows, at, {name: np.array(v, dtype=object) for name, v in values.items()})


def _row_positions(offsets: np.ndarray, loans: np.ndarray) -> np.ndarray:
    return np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in loans.tolist()])


def _put(target: dict[str, np.ndarray], at: np.ndarray, values: dict[str, np.ndarray]) -> None:
    """target[name][at] = values[name]; every target array turns into Python
    ints (object) as soon as one value no longer fits in int64."""
    for name, column in values.items():
        if column.dtype == object and target[name].dtype != object:
            try:
                column = column.astype(np.int64)
            except OverflowError:
                for key in target:
                    target[key] = target[key].astype(object)
        target[name][at] = column
