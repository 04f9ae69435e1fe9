"""Repayment schedule (échéancier) for the three methods of DOMAIN.md section 4.

Rounding follows Apache Fineract: each component is rounded half-up to the
loan's rounding multiple and the last instalment absorbs every residual, so
principal sums exactly to the amount lent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, localcontext
from fractions import Fraction

from .terms import GraceInterest, LoanTerms, RepaymentMethod, round_half_up

# Fixed precision so a caller's decimal context can never change a schedule.
_CONTEXT = Context(prec=34)


@dataclass(frozen=True)
class ScheduleRow:
    number: int  # 1..n; the disbursement itself is on Schedule, not a row
    due_on: date
    principal_xof: int
    interest_xof: int
    # Per-instalment charges: none exist yet; the column is kept because
    # repayments are allocated fees -> interest -> principal.
    fee_xof: int
    savings_xof: int  # compulsory savings deposit collected with this instalment
    total_xof: int
    balance_after_xof: int  # principal still owed after this instalment


@dataclass(frozen=True)
class ScheduleTotals:
    principal_xof: int
    interest_xof: int
    fee_xof: int  # instalment fees only; the upfront fee is Schedule.upfront_fee_xof
    savings_xof: int  # deposits with instalments only; see Schedule.savings_withheld_xof
    total_xof: int


@dataclass(frozen=True)
class Schedule:
    """Disbursement figures plus one row per period.

    The upfront fee and the savings withheld are deducted at disbursement, so
    they live here (``upfront_fee_xof``, ``savings_withheld_xof``) rather than
    in a row 0: every row is a real due date. Seasonal periods in which
    nothing is due still get a row, with zero amounts, so row ``number`` is
    always the period number.
    """

    disbursed_on: date
    amount_xof: int
    upfront_fee_xof: int
    savings_withheld_xof: int
    net_disbursed_xof: int
    rows: tuple[ScheduleRow, ...]
    totals: ScheduleTotals

    @property
    def maturity_on(self) -> date:
        return self.rows[-1].due_on


def _to_decimal(value: Fraction) -> Decimal:
    # One correctly rounded division: an exact half (7 022.5) stays exactly a
    # half, so rounding it half-up goes up, as DOMAIN.md §3 says.
    with localcontext(_CONTEXT):
        return Decimal(value.numerator) / Decimal(value.denominator)


def pmt(rate: Decimal, periods: int, principal: Decimal | int) -> Decimal:
    """Level payment repaying ``principal`` over ``periods`` at ``rate`` per period.

    Computed with exact fractions, then converted once: with 34-digit
    decimals the power (1 + r)^-n left 7 022.5 as 7 022.4999..., which
    rounded the wrong way.
    """
    r, amount = Fraction(rate), Fraction(principal)
    if r == 0:
        return _to_decimal(amount / periods)
    growth = (1 + r) ** periods
    return _to_decimal(amount * r * growth / (growth - 1))


def level_instalment(rate: Decimal, gaps: Sequence[int], principal: Decimal | int) -> Decimal:
    """Level payment when instalment j comes ``gaps[j]`` periods after the previous one.

    Interest accrues simply over a gap (it is paid, not compounded), so the
    balance obeys B_j = B_{j-1} (1 + r gap_j) - X; solving B_m = 0 gives
    X = A prod(1 + r gap) / sum_j prod_{l>j}(1 + r gap_l). With every gap 1
    this is exactly ``pmt``.
    """
    r = Fraction(rate)
    growth = Fraction(1)  # prod over l > j, built from the last instalment backwards
    denominator = Fraction(0)
    for gap in reversed(gaps):
        denominator += growth
        growth *= 1 + r * gap
    return _to_decimal(Fraction(principal) * growth / denominator)


def build_schedule(terms: LoanTerms) -> Schedule:
    """Rows for ``terms``; see LoanTerms for the grace and seasonal rules.

    Grace periods (the first ``grace_principal_periods``) repay no principal.
    Their interest is paid in each of them (GraceInterest.NONE), added to the
    first principal instalment (DEFERRED) or not charged (WAIVED). For equal
    instalments the level instalment covers principal plus the interest
    accrued since the previous principal instalment; deferred grace interest
    comes on top of it.

    A rounded-up per-period share can overshoot what is left when the
    multiple is coarse (e.g. 10 000 F over 60 periods in multiples of 100):
    shares are then capped at what remains, so no amount is ever negative and
    the loan may be repaid before its last row, whose amounts are then zero.
    """
    with localcontext(_CONTEXT):
        return _build(terms)


def _build(terms: LoanTerms) -> Schedule:
    multiple = terms.rounding_multiple
    rate = terms.period_rate
    amount = terms.amount_xof
    n = terms.instalments
    grace = terms.grace_principal_periods
    due_dates = terms.due_dates()

    paying = [terms.pays_in_period(due) for due in due_dates]
    principal_periods = [k for k in range(grace + 1, n + 1) if paying[k - 1]]
    repayments = len(principal_periods)
    last_principal = principal_periods[-1]  # == n: terms guarantees the last period pays

    instalment = 0
    if terms.method is RepaymentMethod.DECLINING_EQUAL_INSTALMENTS:
        previous = [grace, *principal_periods[:-1]]
        gaps = [b - a for a, b in zip(previous, principal_periods, strict=True)]
        level = (
            pmt(rate, repayments, amount)
            if all(gap == 1 for gap in gaps)
            else level_instalment(rate, gaps, amount)
        )
        instalment = round_half_up(level, multiple)
    principal_share = round_half_up(Decimal(amount) / repayments, multiple)

    flat_total = round_half_up(amount * n * terms.annual_rate / terms.periods_per_year, multiple)
    flat_share = round_half_up(Decimal(flat_total) / n, multiple)
    flat_charged = 0  # flat interest accounted so far, charged or waived

    balance = amount
    grace_carry = 0  # grace interest (mode NONE) waiting for a paying period
    deferred = 0  # grace interest (mode DEFERRED) waiting for the first principal period
    accrued = 0  # post-grace interest waiting for the next principal period
    rows: list[ScheduleRow] = []
    for k, due_on in enumerate(due_dates, start=1):
        if terms.method is RepaymentMethod.FLAT:
            interest_k = (
                flat_total - flat_charged if k == n else min(flat_share, flat_total - flat_charged)
            )
            flat_charged += interest_k
        else:
            interest_k = round_half_up(
                balance * terms.annual_rate / terms.periods_per_year, multiple
            )

        if k <= grace:
            if terms.grace_interest is GraceInterest.DEFERRED:
                deferred += interest_k
            elif terms.grace_interest is GraceInterest.NONE:
                grace_carry += interest_k
        else:
            accrued += interest_k

        principal = interest = 0
        if paying[k - 1]:
            interest, grace_carry = grace_carry, 0
            if k > grace:
                if k == last_principal:
                    principal = balance
                elif terms.method is RepaymentMethod.DECLINING_EQUAL_INSTALMENTS:
                    # max(0, ...): after a long seasonal gap the accrued interest
                    # can exceed the level instalment; never lend back principal.
                    principal = min(balance, max(0, instalment - accrued))
                else:
                    principal = min(balance, principal_share)
                interest += accrued + deferred
                accrued = deferred = 0
        balance -= principal
        savings = terms.savings_per_instalment_xof if paying[k - 1] else 0
        rows.append(
            ScheduleRow(
                number=k,
                due_on=due_on,
                principal_xof=principal,
                interest_xof=interest,
                fee_xof=0,
                savings_xof=savings,
                total_xof=principal + interest + savings,
                balance_after_xof=balance,
            )
        )

    return Schedule(
        disbursed_on=terms.disbursed_on,
        amount_xof=amount,
        upfront_fee_xof=terms.upfront_fee_total_xof,
        savings_withheld_xof=terms.savings_withheld_xof,
        net_disbursed_xof=terms.net_disbursed_xof,
        rows=tuple(rows),
        totals=ScheduleTotals(
            principal_xof=sum(r.principal_xof for r in rows),
            interest_xof=sum(r.interest_xof for r in rows),
            fee_xof=sum(r.fee_xof for r in rows),
            savings_xof=sum(r.savings_xof for r in rows),
            total_xof=sum(r.total_xof for r in rows),
        ),
    )
