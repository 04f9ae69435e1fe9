"""Cost disclosure: APR (TEG) and EIR the MFTransparency way (DOMAIN.md section 4).

The borrower's cash flows, one per period (t = 0 is disbursement):
  t = 0      + amount - upfront fees - compulsory savings withheld
  t = k      - (instalment k + its savings deposit)
  t = n      + savings refunded (withheld + deposits + their interest)
The period IRR i of these flows gives APR = i x periods per year and
EIR = (1 + i)^periods per year - 1. Periods are treated as equal (as
MFTransparency does); a first due date off the regular step is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from .schedule import Schedule
from .terms import LoanTerms, round_half_up

RATE_QUANTUM = Decimal("1e-12")  # far below anything shown; keeps rates tidy and deterministic
_CONTEXT = Context(prec=34)


@dataclass(frozen=True)
class Pricing:
    periods_per_year: int
    total_interest_xof: int
    total_fees_xof: int  # upfront fee plus any instalment fees
    savings_withheld_xof: int
    savings_deposits_xof: int
    savings_interest_xof: int  # paid to the borrower at maturity
    savings_refunded_xof: int  # withheld + deposits + interest, at the last period
    net_disbursed_xof: int  # what the borrower actually receives at t = 0
    # Interest + fees - savings interest earned: the francs the borrower gives up,
    # i.e. minus the plain sum of the cash flows. The savings themselves come
    # back, so they are no cost in francs; what locking them up really costs
    # (the borrower has less money for longer) is a time effect, visible only
    # in the APR, not in an undiscounted total.
    total_cost_of_credit_xof: int
    cash_flows_xof: tuple[int, ...]  # index = period number, 0 = disbursement
    period_irr: Decimal | None  # None only if the flows have no rate of return (see solve_irr)
    apr: Decimal | None  # TEG: period_irr x periods_per_year
    eir: Decimal | None  # (1 + period_irr)^periods_per_year - 1


def savings_interest_xof(terms: LoanTerms, schedule: Schedule) -> int:
    """Simple interest on compulsory savings, from the day each franc is deposited
    to maturity, counted in periods (withheld savings earn for all n periods, a
    deposit made with instalment k for n - k periods). Rounded to the franc."""
    with localcontext(_CONTEXT):
        n = terms.instalments
        period_francs = schedule.savings_withheld_xof * n + sum(
            row.savings_xof * (n - row.number) for row in schedule.rows
        )
        return round_half_up(period_francs * terms.savings_annual_rate / terms.periods_per_year)


def borrower_cash_flows(terms: LoanTerms, schedule: Schedule) -> tuple[int, ...]:
    refund = schedule.savings_withheld_xof + schedule.totals.savings_xof
    refund += savings_interest_xof(terms, schedule)
    flows = [schedule.net_disbursed_xof] + [-row.total_xof for row in schedule.rows]
    flows[-1] += refund
    return tuple(flows)


def price(terms: LoanTerms, schedule: Schedule) -> Pricing:
    flows = borrower_cash_flows(terms, schedule)
    savings_interest = savings_interest_xof(terms, schedule)
    fees = schedule.upfront_fee_xof + schedule.totals.fee_xof
    interest = schedule.totals.interest_xof
    ppy = terms.periods_per_year
    irr = solve_irr(flows)
    apr = eir = None
    if irr is not None:
        with localcontext(_CONTEXT):
            apr = irr * ppy
            eir = ((1 + irr) ** ppy - 1).quantize(RATE_QUANTUM)
    return Pricing(
        periods_per_year=ppy,
        total_interest_xof=interest,
        total_fees_xof=fees,
        savings_withheld_xof=schedule.savings_withheld_xof,
        savings_deposits_xof=schedule.totals.savings_xof,
        savings_interest_xof=savings_interest,
        savings_refunded_xof=schedule.savings_withheld_xof
        + schedule.totals.savings_xof
        + savings_interest,
        net_disbursed_xof=schedule.net_disbursed_xof,
        total_cost_of_credit_xof=interest + fees - savings_interest,
        cash_flows_xof=flows,
        period_irr=irr,
        apr=apr,
        eir=eir,
    )


def solve_irr(flows: tuple[int, ...] | list[int]) -> Decimal | None:
    """Period rate i with sum(flows[t] / (1 + i)^t) = 0, quantized to 1e-12.

    Solved for v = 1 / (1 + i) on the polynomial P(v) = sum(flows[t] v^t) by
    Newton steps kept inside a sign-change bracket (bisection when a step
    leaves it), so it always converges once bracketed. P(0) = flows[0] (the
    net disbursed) and P(1) = sum(flows) = minus the total cost: a positive
    cost brackets the root in 0 < v < 1 (i > 0). A negative cost (savings
    interest above all charges) is looked for in 1 < v <= 2 (0 > i >= -50 %);
    None when no sign change is found there (no meaningful rate).
    """
    total = sum(flows)
    if total == 0:
        return Decimal(0).quantize(RATE_QUANTUM)
    coefficients = [float(f) for f in flows]
    if flows[0] * total < 0:
        low, high = 0.0, 1.0
    else:
        low, high = 1.0, 0.0
        for step in (1.01, 1.05, 1.1, 1.25, 1.5, 2.0):
            if _npv(coefficients, step)[0] * total < 0:
                high = step
                break
            low = step
        if not high:
            return None
    v = _bracketed_newton(coefficients, low, high)
    return Decimal(1 / v - 1).quantize(RATE_QUANTUM)


def _npv(coefficients: list[float], v: float) -> tuple[float, float]:
    """Value and derivative of sum(c_t v^t), by Horner's rule."""
    value = derivative = 0.0
    for c in reversed(coefficients):
        derivative = derivative * v + value
        value = value * v + c
    return value, derivative


def _bracketed_newton(coefficients: list[float], low: float, high: float) -> float:
    f_low = _npv(coefficients, low)[0]
    v = (low + high) / 2
    for _ in range(300):
        value, derivative = _npv(coefficients, v)
        if value == 0:
            return v
        # Shrink the bracket so that the root stays between a point of each sign.
        if (value < 0) == (f_low < 0):
            low, f_low = v, value
        else:
            high = v
        newton = v - value / derivative if derivative else low
        following = newton if low < newton < high else (low + high) / 2
        if abs(following - v) < 1e-16 or high - low < 1e-16:
            return following
        v = following
    return v
