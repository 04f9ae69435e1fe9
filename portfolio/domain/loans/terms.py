"""Loan terms: what a savings bank (SFD) quotes, validated once, immutable.

Money is whole francs CFA (XOF) as ``int``; rates are ``Decimal`` per year
(``Decimal("0.24")`` is 24 %/yr). See DOMAIN.md sections 3 and 4.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MAX_INSTALMENTS = 520  # ten years of weekly instalments
MAX_ANNUAL_RATE = Decimal(2)  # 200 %/yr, allowed; above it is a typo, not a loan


class InvalidLoanTerms(ValueError):
    """Terms that cannot describe a loan. ``field`` names the offending attribute."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


class Frequency(StrEnum):
    MONTHLY = "monthly"
    FOUR_WEEKLY = "four_weekly"
    WEEKLY = "weekly"
    QUARTERLY = "quarterly"

    @property
    def periods_per_year(self) -> int:
        return _PERIODS_PER_YEAR[self]


_PERIODS_PER_YEAR = {
    Frequency.MONTHLY: 12,
    Frequency.FOUR_WEEKLY: 13,
    Frequency.WEEKLY: 52,
    Frequency.QUARTERLY: 4,
}
# Calendar-month frequencies step in months, the others in fixed days.
_MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}
_DAYS_PER_PERIOD = {Frequency.WEEKLY: 7, Frequency.FOUR_WEEKLY: 28}


class RepaymentMethod(StrEnum):
    DECLINING_EQUAL_INSTALMENTS = "declining_equal_instalments"
    DECLINING_EQUAL_PRINCIPAL = "declining_equal_principal"
    FLAT = "flat"


class GraceInterest(StrEnum):
    """What happens to the interest of the principal-grace periods."""

    NONE = "none"  # no grace on interest: paid in each grace period
    DEFERRED = "deferred"  # added to the first instalment that repays principal
    WAIVED = "waived"  # never charged


def round_half_up(value: Decimal | int, multiple: int = 1) -> int:
    """Round to a whole multiple of ``multiple`` francs, halves away from zero."""
    steps = (Decimal(value) / multiple).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(steps) * multiple


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def add_periods(start: date, frequency: Frequency, periods: int) -> date:
    if frequency in _MONTHS_PER_PERIOD:
        return add_months(start, periods * _MONTHS_PER_PERIOD[frequency])
    return start + timedelta(days=periods * _DAYS_PER_PERIOD[frequency])


@dataclass(frozen=True, kw_only=True)
class LoanTerms:
    """A loan as quoted. All checks happen here so the calculators can trust it.

    Rounding: computed amounts (interest, principal shares, instalment,
    percentage fees and savings) are rounded half-up to ``rounding_multiple``
    francs; fixed franc amounts (``upfront_fee_xof``, savings deposits) are
    taken as given.

    ``first_due_on`` defaults to one period after ``disbursed_on``; after
    construction it is always a date.

    Seasonal repayment (``repayment_months``): a period carries principal only
    if it is past the principal grace and its due date falls in one of these
    months. In the other periods nothing is due (their row shows zeros, and no
    savings deposit); each period's interest is still computed, round(balance
    x r) on the principal outstanding, and the sum is due with the next
    instalment that is paid. "Capitalised" thus means carried forward, not
    added to the principal: no interest is charged on interest, so a
    seasonal loan's APR comes out slightly below the quoted rate. The last
    due date must fall in a repayment month, so the loan always ends on a
    harvest instalment. With equal instalments the level amount is solved
    for the uneven gaps (see ``schedule.level_instalment``).
    """

    amount_xof: int
    annual_rate: Decimal
    instalments: int
    disbursed_on: date
    frequency: Frequency = Frequency.MONTHLY
    method: RepaymentMethod = RepaymentMethod.DECLINING_EQUAL_INSTALMENTS
    grace_principal_periods: int = 0
    grace_interest: GraceInterest = GraceInterest.NONE
    upfront_fee_rate: Decimal = Decimal(0)
    upfront_fee_xof: int = 0
    savings_upfront_rate: Decimal = Decimal(0)
    savings_per_instalment_xof: int = 0
    savings_annual_rate: Decimal = Decimal(0)
    rounding_multiple: int = 1
    first_due_on: date | None = None
    repayment_months: frozenset[int] | None = field(default=None)

    def __post_init__(self) -> None:
        _check_int(self.amount_xof, "amount_xof", minimum=1)
        _check_rate(self.annual_rate, "annual_rate", at_most=MAX_ANNUAL_RATE)
        _check_int(self.instalments, "instalments", minimum=1, maximum=MAX_INSTALMENTS)
        if not isinstance(self.disbursed_on, date):
            raise InvalidLoanTerms("disbursed_on", "must be a date")
        self._coerce_enum("frequency", Frequency)
        self._coerce_enum("method", RepaymentMethod)
        self._coerce_enum("grace_interest", GraceInterest)
        _check_int(self.grace_principal_periods, "grace_principal_periods", minimum=0)
        if self.grace_principal_periods >= self.instalments:
            raise InvalidLoanTerms(
                "grace_principal_periods",
                "must be fewer than instalments (principal must be repaid)",
            )
        _check_rate(self.upfront_fee_rate, "upfront_fee_rate", below=Decimal(1))
        _check_int(self.upfront_fee_xof, "upfront_fee_xof", minimum=0)
        _check_rate(self.savings_upfront_rate, "savings_upfront_rate", below=Decimal(1))
        _check_int(self.savings_per_instalment_xof, "savings_per_instalment_xof", minimum=0)
        _check_rate(self.savings_annual_rate, "savings_annual_rate", below=Decimal(1))
        _check_int(self.rounding_multiple, "rounding_multiple", minimum=1)
        if self.net_disbursed_xof <= 0:
            # Name whichever upfront deduction is the largest: that is the one to fix.
            culprit = max(
                ("upfront_fee_xof", self.upfront_fee_xof),
                ("upfront_fee_rate", self.upfront_fee_total_xof - self.upfront_fee_xof),
                ("savings_upfront_rate", self.savings_withheld_xof),
                key=lambda pair: pair[1],
            )[0]
            raise InvalidLoanTerms(
                culprit, "upfront fees and savings withheld leave nothing to disburse"
            )
        self._resolve_first_due_on()
        self._check_repayment_months()

    # --- derived figures -------------------------------------------------

    @property
    def periods_per_year(self) -> int:
        return self.frequency.periods_per_year

    @property
    def period_rate(self) -> Decimal:
        return self.annual_rate / self.periods_per_year

    @property
    def upfront_fee_total_xof(self) -> int:
        """Percentage fee (rounded to the multiple) plus the fixed fee."""
        percent = round_half_up(self.amount_xof * self.upfront_fee_rate, self.rounding_multiple)
        return percent + self.upfront_fee_xof

    @property
    def savings_withheld_xof(self) -> int:
        return round_half_up(self.amount_xof * self.savings_upfront_rate, self.rounding_multiple)

    @property
    def net_disbursed_xof(self) -> int:
        return self.amount_xof - self.upfront_fee_total_xof - self.savings_withheld_xof

    def due_dates(self) -> tuple[date, ...]:
        """Every due date, each computed from one anchor (never chained, so a
        31st stays a 31st whenever the month has one).

        The anchor is ``first_due_on``, except when it is exactly one period
        after disbursement (the default): then dates count from
        ``disbursed_on`` so a loan disbursed on 31 January falls due on
        29 February and then 31 March, not on the 29th for ever.
        """
        first = self.first_due_on
        assert first is not None  # resolved in __post_init__
        if first == add_periods(self.disbursed_on, self.frequency, 1):
            anchor, offset = self.disbursed_on, 1
        else:
            anchor, offset = first, 0
        return tuple(
            add_periods(anchor, self.frequency, k + offset) for k in range(self.instalments)
        )

    def pays_in_period(self, due_on: date) -> bool:
        """Whether anything is due on this date (always, unless seasonal)."""
        return self.repayment_months is None or due_on.month in self.repayment_months

    # --- validation helpers ----------------------------------------------

    def _coerce_enum(self, name: str, enum: type[StrEnum]) -> None:
        # Forms and the database hand over plain strings; accept the stored value.
        try:
            object.__setattr__(self, name, enum(getattr(self, name)))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise InvalidLoanTerms(name, f"must be one of {allowed}") from None

    def _resolve_first_due_on(self) -> None:
        if self.first_due_on is None:
            object.__setattr__(
                self, "first_due_on", add_periods(self.disbursed_on, self.frequency, 1)
            )
        elif not isinstance(self.first_due_on, date):
            raise InvalidLoanTerms("first_due_on", "must be a date")
        elif self.first_due_on <= self.disbursed_on:
            raise InvalidLoanTerms("first_due_on", "must fall after disbursed_on")

    def _check_repayment_months(self) -> None:
        months = self.repayment_months
        if months is None:
            return
        if isinstance(months, str | bytes) or not isinstance(months, Iterable):
            raise InvalidLoanTerms("repayment_months", "must be a set of month numbers 1..12")
        months = frozenset(months)
        if not months or any(
            isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in months
        ):
            raise InvalidLoanTerms("repayment_months", "must be a set of month numbers 1..12")
        object.__setattr__(self, "repayment_months", months)
        if self.due_dates()[-1].month not in months:
            raise InvalidLoanTerms(
                "repayment_months", "the last due date must fall in a repayment month"
            )


def _check_int(value: object, name: str, *, minimum: int, maximum: int | None = None) -> None:
    # bool is an int subclass; True francs is always a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidLoanTerms(name, "must be a whole number (int)")
    if value < minimum:
        raise InvalidLoanTerms(name, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise InvalidLoanTerms(name, f"must be at most {maximum}")


def _check_rate(
    value: object, name: str, *, below: Decimal | None = None, at_most: Decimal | None = None
) -> None:
    # A float rate would leak binary fractions into money; insist on Decimal.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidLoanTerms(name, "must be a finite Decimal")
    if value < 0:
        raise InvalidLoanTerms(name, "must not be negative")
    if below is not None and value >= below:
        raise InvalidLoanTerms(name, f"must be below {below}")
    if at_most is not None and value > at_most:
        raise InvalidLoanTerms(name, f"must be at most {at_most}")
