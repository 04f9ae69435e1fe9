"""LoanTerms read into column arrays for ``build_schedules`` (batch.py).

Reading 100,000 frozen dataclasses is the one step that must stay in Python,
so it is done in C-level passes (attrgetter, map, fromiter), one per field,
and each distinct rate Decimal is converted only once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter

import numpy as np

from ._batch_kernel import EQUAL_INSTALMENTS, EQUAL_PRINCIPAL, FLAT, GRACE_CODES
from .terms import _DAYS_PER_PERIOD, _MONTHS_PER_PERIOD, Frequency, LoanTerms, RepaymentMethod

FREQUENCIES = tuple(Frequency)  # code = position
PERIODS_PER_YEAR = np.array([f.periods_per_year for f in FREQUENCIES], dtype=np.int64)
MONTHS_PER_PERIOD = np.array([_MONTHS_PER_PERIOD.get(f, 0) for f in FREQUENCIES], dtype=np.int64)
DAYS_PER_PERIOD = np.array([_DAYS_PER_PERIOD.get(f, 0) for f in FREQUENCIES], dtype=np.int64)
_FREQUENCY_CODES = {f: code for code, f in enumerate(FREQUENCIES)}
_METHOD_CODES = {
    RepaymentMethod.DECLINING_EQUAL_INSTALMENTS: EQUAL_INSTALMENTS,
    RepaymentMethod.DECLINING_EQUAL_PRINCIPAL: EQUAL_PRINCIPAL,
    RepaymentMethod.FLAT: FLAT,
}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Products checked against this bound stay well inside int64 (2**63), with
# room for the doubling in div_half_up and for float error in the check itself.
_INT64_SAFE = float(2**59)

_FIELDS = (
    "amount_xof",
    "annual_rate",
    "instalments",
    "frequency",
    "method",
    "grace_principal_periods",
    "grace_interest",
    "upfront_fee_rate",
    "upfront_fee_xof",
    "savings_upfront_rate",
    "savings_per_instalment_xof",
    "rounding_multiple",
    "disbursed_on",
    "first_due_on",
    "repayment_months",
)


@dataclass(frozen=True)
class Columns:
    """One entry per loan. Money columns are int64, or object (Python ints)
    when some value does not fit; ``fits_int64`` says which loans can be
    computed in int64 without any intermediate product overflowing."""

    amount: np.ndarray
    rate_num: np.ndarray  # annual_rate == rate_num / rate_den, exactly
    rate_den: np.ndarray
    instalments: np.ndarray
    frequency: np.ndarray  # index into FREQUENCIES
    method: np.ndarray
    grace: np.ndarray
    grace_interest: np.ndarray
    fee_num: np.ndarray  # upfront_fee_rate, exactly
    fee_den: np.ndarray
    fee_xof: np.ndarray
    savings_num: np.ndarray  # savings_upfront_rate, exactly
    savings_den: np.ndarray
    savings_per_instalment: np.ndarray
    multiple: np.ndarray
    disbursed_on: np.ndarray  # datetime64[D]
    first_due_on: np.ndarray  # datetime64[D]
    seasonal: np.ndarray  # bool: has repayment_months, left to the scalar engine
    fits_int64: np.ndarray  # bool

    @property
    def periods_per_year(self) -> np.ndarray:
        return PERIODS_PER_YEAR[self.frequency]


def read_columns(terms: tuple[LoanTerms, ...]) -> Columns:
    count = len(terms)
    fields = _transpose(terms)
    (amount, rate, n, frequency, method, grace, grace_interest, fee_rate, fee_xof) = fields[:9]
    (savings_rate, savings_per, multiple, disbursed, first_due, months) = fields[9:]
    rate_num, rate_den = _ratios(rate)
    fee_num, fee_den = _ratios(fee_rate)
    savings_num, savings_den = _ratios(savings_rate)
    columns = Columns(
        amount=_ints(amount),
        rate_num=rate_num,
        rate_den=rate_den,
        instalments=np.fromiter(n, np.int64, count),
        frequency=_codes(frequency, _FREQUENCY_CODES),
        method=_codes(method, _METHOD_CODES),
        grace=np.fromiter(grace, np.int64, count),
        grace_interest=_codes(grace_interest, GRACE_CODES),
        fee_num=fee_num,
        fee_den=fee_den,
        fee_xof=_ints(fee_xof),
        savings_num=savings_num,
        savings_den=savings_den,
        savings_per_instalment=_ints(savings_per),
        multiple=_ints(multiple),
        disbursed_on=_days(disbursed),
        first_due_on=_days(first_due),
        seasonal=np.fromiter((m is not None for m in months), bool, count),
        fits_int64=np.zeros(count, dtype=bool),  # set below, once the columns exist
    )
    return replace(columns, fits_int64=_fits_int64(columns))


def _transpose(terms: tuple[LoanTerms, ...]) -> list[list]:
    # One list per field: no per-loan tuple is allocated, so the garbage
    # collector is not woken 100,000 times over (zip(*rows) is 5x slower).
    return [list(map(attrgetter(name), terms)) for name in _FIELDS]


def _ints(values: list[int]) -> np.ndarray:
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        return np.array(values, dtype=object)


def _codes(values: list, codes: dict) -> np.ndarray:
    return np.fromiter(map(codes.__getitem__, values), np.int8, len(values))


def _days(values: list[date]) -> np.ndarray:
    ordinals = np.fromiter(map(date.toordinal, values), np.int64, len(values))
    return (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")


def _ratios(rates: list) -> tuple[np.ndarray, np.ndarray]:
    """Exact numerator and denominator of each Decimal, each distinct value converted once."""
    index = {rate: code for code, rate in enumerate(dict.fromkeys(rates))}
    codes = np.fromiter(map(index.__getitem__, rates), np.int64, len(rates))
    pairs = [rate.as_integer_ratio() for rate in index]
    numerators = _ints([num for num, _ in pairs])
    denominators = _ints([den for _, den in pairs])
    return numerators[codes], denominators[codes]


def _fits_int64(c: Columns) -> np.ndarray:
    """Loans whose every intermediate product stays inside int64.

    The largest products are balance x rate numerator (at most amount x
    rate_num, times n for the flat total), the rate denominator x periods per
    year x multiple (the divisor of an interest), the fee products, and n
    instalments' worth of rounding multiples and savings in a loan's totals.
    Bounds are on the unreduced fractions, so reducing them only helps.
    """

    def f(column: np.ndarray) -> np.ndarray:
        try:
            return column.astype(np.float64)
        except OverflowError:  # beyond 1e308: certainly not int64 material
            return np.array([float(min(value, 2**1000)) for value in column])

    n, multiple = f(c.instalments), f(c.multiple)
    checks = (
        f(c.amount) * np.maximum(f(c.rate_num), 1) * n,
        f(c.rate_den) * f(c.periods_per_year) * multiple,
        f(c.amount) * np.maximum(f(c.fee_num), 1) + f(c.fee_xof),
        f(c.fee_den) * multiple,
        f(c.amount) * np.maximum(f(c.savings_num), 1),
        f(c.savings_den) * multiple,
        (f(c.savings_per_instalment) + multiple) * n,
    )
    fits = np.ones(len(c.amount), dtype=bool)
    for product in checks:
        fits &= product < _INT64_SAFE
    return fits
